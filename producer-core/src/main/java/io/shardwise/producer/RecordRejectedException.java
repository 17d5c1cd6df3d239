package io.shardwise.producer;

import java.util.List;

/** Kinesis or Firehose rejected the request with an error that retrying cannot fix (for example InvalidArgumentException, AccessDeniedException, or a KMS key problem such as InvalidKMSResourceException). {@link #errorCode()} holds the service's error code. */
public final class RecordRejectedException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    private final String errorCode;

    /**
     * @param message what Kinesis said and what to fix
     * @param errorCode the service's error code, e.g. {@code KMSAccessDeniedException}
     * @param attempts every attempt made, oldest first
     * @param cause the service exception
     */
    public RecordRejectedException(String message, String errorCode, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
        this.errorCode = errorCode;
    }

    /** @return the service's error code, e.g. {@code InvalidArgumentException} */
    public String errorCode() {
        return errorCode;
    }
}
