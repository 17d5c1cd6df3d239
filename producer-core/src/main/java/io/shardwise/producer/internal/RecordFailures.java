package io.shardwise.producer.internal;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerFailedException;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.RecordThrottledException;
import io.shardwise.producer.RetriesExhaustedException;
import io.shardwise.producer.StreamNotFoundException;
import java.time.Duration;
import java.util.List;

/**
 * The typed failures a record completes with, worded once for both destinations: each names the
 * stream, what happened, the limit or error behind it and what the user can do, and carries every
 * attempt. Stateless apart from its settings; thread-safe.
 */
final class RecordFailures {
    private final Destination destination;
    private final Duration recordTtl;
    /** What killed the engine's loop, or {@code null}: requests it cancels while dying fail with it. */
    private final java.util.function.Supplier<Throwable> loopFailure;

    RecordFailures(Destination destination, Duration recordTtl) {
        this(destination, recordTtl, () -> null);
    }

    /**
     * With {@code KEY_STRICT}: an earlier record of {@code r}'s key failed for good, so {@code r} is not
     * sent (it would be stored after a gap in its key's sequence).
     */
    io.shardwise.producer.PrecedingRecordFailedException precededByFailure(PendingRecord r, RecordFailedException earlier) {
        return new io.shardwise.producer.PrecedingRecordFailedException("Record for " + destination.describe(r.stream)
                + " was not sent: a record of the same key added before it failed for good ("
                + earlier.getClass().getSimpleName() + ": " + earlier.getMessage() + "). With ordering KEY_STRICT the"
                + " records of a key queued after a failed one fail too, so that no consumer reads the key's sequence with"
                + " a gap; add them again, in order, if they should still be stored", r.attempts(), earlier);
    }

    /** @param loopFailure what killed the engine's loop, or {@code null} while it runs or after an orderly close */
    RecordFailures(Destination destination, Duration recordTtl, java.util.function.Supplier<Throwable> loopFailure) {
        this.destination = destination;
        this.recordTtl = recordTtl;
        this.loopFailure = loopFailure;
    }

    RecordExpiredException expired(PendingRecord r) {
        List<Attempt> attempts = r.attempts();
        String last = attempts.isEmpty() ? "it was never sent"
                : "last error " + attempts.get(attempts.size() - 1).errorCode().orElse("none") + ": "
                        + attempts.get(attempts.size() - 1).errorMessage().orElse("");
        return new RecordExpiredException("Record for " + destination.describe(r.stream) + " was not delivered within recordTtl="
                + recordTtl + " after " + attempts.size() + " attempt(s); " + last, attempts, null);
    }

    RetriesExhaustedException exhausted(PendingRecord r, String code, String message, Throwable cause) {
        return new RetriesExhaustedException("Record for " + destination.describe(r.stream) + " failed on all " + r.attemptCount()
                + " attempts allowed by maxAttempts; last error " + code + (message == null ? "" : ": " + message),
                r.attempts(), cause);
    }

    RecordThrottledException throttled(PendingRecord r, ErrorClassifier.Classified c, Throwable cause) {
        return new RecordThrottledException("Record for " + destination.describe(r.stream) + " was throttled (" + c.code() + ": "
                + c.message() + ") and failIfThrottled is on, so it was not retried; send it again later or shed it",
                r.attempts(), cause);
    }

    /** The service answered the record's request that the stream does not exist. */
    StreamNotFoundException streamNotFound(PendingRecord r, ErrorClassifier.Classified c, Throwable cause) {
        String d = destination.describe(r.stream);
        return new StreamNotFoundException(Character.toUpperCase(d.charAt(0)) + d.substring(1) + " was not found (" + c.code()
                + ": " + c.message() + "). Create the " + destination.streamNoun()
                + " or fix its name; the producer does not retry this.", r.attempts(), cause);
    }

    /** ListShards answered that the stream does not exist. */
    StreamNotFoundException streamNotFoundByListShards(PendingRecord r, ErrorClassifier.Classified c, Throwable cause) {
        return new StreamNotFoundException("The " + destination.describe(r.stream) + " was not found (ListShards answered "
                + c.code() + ": " + c.message() + "). Create the stream or fix its name.", r.attempts(), cause);
    }

    RecordRejectedException rejected(PendingRecord r, ErrorClassifier.Classified c, Throwable cause) {
        return new RecordRejectedException(destination.serviceName() + " rejected the record for " + destination.describe(r.stream)
                + " with " + c.code() + ": " + c.message() + ". Retrying cannot fix this.", c.code(), r.attempts(), cause);
    }

    /** The stream's shards cannot be read ({@code why} says how), so its records cannot be routed. */
    RecordRejectedException shardsUnreadable(PendingRecord r, ErrorClassifier.Classified c, String why, Throwable cause) {
        return new RecordRejectedException("Cannot read the shards of " + destination.describe(r.stream) + ": " + why, c.code(),
                r.attempts(), cause);
    }

    /** The stream's own maximum record size, learned after the record was accepted, is smaller than the record. */
    RecordRejectedException tooLargeForStream(PendingRecord r, int max) {
        return new RecordRejectedException("Record for " + destination.describe(r.stream) + " is " + r.size
                + " bytes (data plus partition key); the stream accepts at most " + max + " bytes (its MaxRecordSizeInKiB is "
                + max / 1024 + ", read with DescribeStreamSummary after the record was added; raise it with"
                + " UpdateMaxRecordSize, up to 10 MiB). Not sent.", "RecordTooLarge", r.attempts(), null);
    }

    /** Closed while the record waited (not in flight). */
    ProducerClosedException closedWaiting(PendingRecord r) {
        return new ProducerClosedException("Producer closed before the record for " + destination.describe(r.stream)
                + " was delivered (" + r.attemptCount() + " attempt(s) made)", r.attempts(), null);
    }

    /** Closed while a request carrying the record was in flight: it may have been written. */
    ProducerClosedException closedInFlight(PendingRecord r, Throwable cause) {
        return new ProducerClosedException("Producer closed while the request carrying the record for "
                + destination.describe(r.stream) + " was in flight; " + destination.serviceName()
                + " may still have written it", r.attempts(), cause);
    }

    /** The sender's loop died of {@code cause}. */
    ProducerFailedException senderDied(PendingRecord r, Throwable cause, boolean inFlight) {
        String note = inFlight ? "; the request carrying it was in flight and " + destination.serviceName()
                + " may still have written it" : "";
        return new ProducerFailedException("The producer's sender thread died of " + cause + " before the record for "
                + destination.describe(r.stream) + " was delivered (" + r.attemptCount() + " attempt(s) made)" + note
                + ". Close this producer and build a new one.", r.attempts(), cause);
    }

    /** @return the failure of a record that was failed by the engine for {@code kind}, unless it is to be retried */
    RecordFailedException unretryable(PendingRecord r, ErrorClassifier.Classified c, Throwable cause) {
        switch (c.kind()) {
            case STREAM_NOT_FOUND:
                return streamNotFound(r, c, cause);
            case REJECTED:
                return rejected(r, c, cause);
            case CLOSED:
                // The call was cancelled by the engine: on close, or because its loop died.
                Throwable died = loopFailure.get();
                return died != null ? senderDied(r, died, true) : closedInFlight(r, cause);
            default:
                return null;
        }
    }
}
