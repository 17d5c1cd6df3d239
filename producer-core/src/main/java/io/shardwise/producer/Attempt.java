package io.shardwise.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One PutRecords attempt for a record: when it started, how long it took, and, if it failed, the
 * error code and message (from the response entry, or from the request-level exception).
 *
 * <p>Immutable. Records sent together in one request that succeeded share one instance.
 */
public final class Attempt {
    private final Instant startedAt;
    private final Duration duration;
    private final String errorCode;
    private final String errorMessage;

    private Attempt(Instant startedAt, Duration duration, String errorCode, String errorMessage) {
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
    }

    /**
     * @param startedAt when the request was sent
     * @param duration how long until its response (or failure) arrived
     * @return a successful attempt
     */
    public static Attempt succeeded(Instant startedAt, Duration duration) {
        return new Attempt(startedAt, duration, null, null);
    }

    /**
     * @param startedAt when the request was sent
     * @param duration how long until its response (or failure) arrived
     * @param errorCode the error code, e.g. {@code ProvisionedThroughputExceededException}
     * @param errorMessage the error message, may be {@code null}
     * @return a failed attempt
     */
    public static Attempt failed(Instant startedAt, Duration duration, String errorCode, String errorMessage) {
        return new Attempt(startedAt, duration, Objects.requireNonNull(errorCode, "errorCode"), errorMessage);
    }

    /** @return when the request carrying the record was sent */
    public Instant startedAt() {
        return startedAt;
    }

    /** @return time from sending the request to its response or failure */
    public Duration duration() {
        return duration;
    }

    /** @return {@code true} when Kinesis acknowledged the record in this attempt */
    public boolean isSuccessful() {
        return errorCode == null;
    }

    /** @return the error code of a failed attempt, empty for a successful one */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** @return the error message of a failed attempt, when the service or client gave one */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }

    @Override
    public String toString() {
        return "Attempt{startedAt=" + startedAt + ", duration=" + duration.toMillis() + "ms"
                + (errorCode == null ? ", succeeded" : ", errorCode=" + errorCode + ", errorMessage=" + errorMessage)
                + '}';
    }
}
