package io.shardwise.producer.testkit;

/** An error answer raised while handling a request: HTTP status, {@code __type} and message. No stack trace. */
final class ApiException extends RuntimeException {
    final int status;
    final String type;

    ApiException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    static ApiException badRequest(String type, String message) {
        return new ApiException(400, type, message);
    }
}
