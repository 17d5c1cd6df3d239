package io.shardwise.producer.internal;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Decides what a failed PutRecords, PutRecordBatch (or ListShards) call means for its records: retry, or fail at
 * once because retrying cannot help (the README's "Errors" section lists what each error does).
 *
 * <p>The rule: an error is fatal only if no retry within the record's TTL can fix it: the stream does not exist,
 * the request is invalid ({@code ValidationException}, {@code InvalidArgumentException}), access is denied, the
 * credentials are unknown or incomplete, the stream's KMS key cannot be used, or the client has no credentials or
 * region configured. Everything else is retried, including errors a later attempt does fix: an expired session
 * token (the credentials provider refreshes it), a signature rejected for clock skew (the SDK corrects its clock
 * offset from the service's answer), and any throwable this class does not know.
 */
final class ErrorClassifier {
    /** What to do with the records of a failed call. */
    enum Kind {
        /**
         * Throttling, internal errors, 5xx, timeouts, connection errors, expired tokens, clock skew, unknown
         * throwables: back off and retry.
         */
        RETRYABLE,
        /** The stream does not exist: fail with {@code StreamNotFoundException}. */
        STREAM_NOT_FOUND,
        /**
         * Retrying cannot help (bad argument, access denied, KMS key, unknown or missing credentials, no region):
         * fail with {@code RecordRejectedException}.
         */
        REJECTED,
        /** The call was cancelled because the producer is closing: fail with {@code ProducerClosedException}. */
        CLOSED
    }

    /** A classified error: its kind, a short code, and a message saying what to fix. */
    record Classified(Kind kind, String code, String message) {
    }

    /** Codes no retry can fix (besides {@code AccessDenied*} and KMS key codes, matched by prefix). */
    private static final Set<String> REJECTED_CODES = Set.of(
            "InvalidArgumentException", "ValidationException",
            "UnrecognizedClientException", "IncompleteSignatureException", "IncompleteSignature",
            "MissingAuthenticationTokenException", "MissingAuthenticationToken",
            "InvalidClientTokenId", "InvalidClientTokenIdException", "InvalidSourceException");

    /**
     * Credential and signing codes a retry fixes: an expired session token (the credentials provider
     * refreshes it) or a request signed with a skewed clock (the SDK corrects its clock offset).
     */
    private static final Set<String> RETRYABLE_AUTH_CODES = Set.of(
            "ExpiredTokenException", "ExpiredToken", "InvalidSignatureException", "SignatureDoesNotMatch",
            "RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture");

    private ErrorClassifier() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static Classified classify(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
            String msg = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    ? e.awsErrorDetails().errorMessage() : e.getMessage();
            return classifyCode(code, msg);
        }
        if (t instanceof java.util.concurrent.CancellationException) {
            return new Classified(Kind.CLOSED, "Cancelled", "the producer closed while the request was in flight");
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return new Classified(Kind.RETRYABLE, "RequestTimeout", t.getMessage());
        }
        if (t instanceof SdkClientException) {
            String msg = String.valueOf(t.getMessage());
            if (msg.contains("Unable to load credentials") || msg.contains("Unable to load region")) {
                return new Classified(Kind.REJECTED, "ClientConfiguration",
                        msg + " -- configure AWS credentials and region (default provider chains) or pass a configured KinesisAsyncClient");
            }
            return new Classified(Kind.RETRYABLE, "ClientError", msg);
        }
        // Unknown: retrying within the record's TTL is bounded, failing at once would lose records a retry may deliver.
        return new Classified(Kind.RETRYABLE, t.getClass().getSimpleName(), String.valueOf(t.getMessage()));
    }

    /**
     * @return whether the code means the shard or stream is over its throughput (for Firehose,
     *     {@code ServiceUnavailableException} is its "slow down")
     */
    static boolean isThrottling(String code) {
        return "ProvisionedThroughputExceededException".equals(code) || "LimitExceededException".equals(code)
                || "ThrottlingException".equals(code) || "ServiceUnavailableException".equals(code);
    }

    /** Classifies a service error code, as found in a request-level exception. */
    static Classified classifyCode(String code, String message) {
        if ("ResourceNotFoundException".equals(code)) {
            return new Classified(Kind.STREAM_NOT_FOUND, code, message);
        }
        if (code.startsWith("KMS") && !"KMSThrottlingException".equals(code)) {
            return new Classified(Kind.REJECTED, code, message
                    + " -- the stream is encrypted with a KMS key this producer cannot use: allow kms:GenerateDataKey on that key"
                    + " for this producer's IAM principal (in the key policy or an IAM policy), and check the key is enabled");
        }
        if ("InvalidKMSResourceException".equals(code)) {
            return new Classified(Kind.REJECTED, code, message
                    + " -- the delivery stream is encrypted with a KMS key Firehose cannot use (disabled, deleted, or"
                    + " access denied): enable the key or fix its key policy, or change the stream's encryption");
        }
        if (REJECTED_CODES.contains(code) || code.startsWith("AccessDenied")) {
            return new Classified(Kind.REJECTED, code, message);
        }
        if (RETRYABLE_AUTH_CODES.contains(code)) {
            return new Classified(Kind.RETRYABLE, code, message
                    + " -- retried: expired session credentials are refreshed by the credentials provider, and the SDK"
                    + " corrects its clock offset after a clock-skew error; if this persists, check the credentials"
                    + " provider and the host's clock (NTP)");
        }
        return new Classified(Kind.RETRYABLE, code, message);
    }
}
