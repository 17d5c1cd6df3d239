package io.shardwise.producer.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * The faults a {@link FakeKinesis} injects, changeable at any time while traffic flows; obtained from
 * {@link FakeKinesis#faults()}. One set of faults serves both services the endpoint speaks, Kinesis
 * and Firehose; where they answer a fault differently, each setter says how. Every setter takes
 * effect for the requests that arrive after it and returns this object, so settings chain:
 *
 * <pre>{@code
 * kinesis.faults().entryFailureRate(0.10).serverErrorRate(0.05).dropConnectionRate(0.01);
 * }</pre>
 *
 * <p>Request-level faults ({@linkplain #serverErrorRate 500s}, {@linkplain #serviceUnavailableRate
 * service-unavailable answers}, {@linkplain #slowResponses slow responses}, {@linkplain
 * #dropConnectionRate dropped connections}) apply to the data-plane operations (Kinesis PutRecords
 * and PutRecord, Firehose PutRecordBatch and PutRecord), and to every operation as well once
 * {@link #includeControlPlane(boolean) includeControlPlane(true)}. The
 * {@linkplain #endpointDown endpoint-down switch} applies to every request. Random decisions come
 * from the endpoint's seedable {@link Random} ({@link FakeKinesis.Builder#seed(long)}).
 *
 * <p>Thread-safe: every setting is a volatile field read once per request or entry.
 *
 * <p>Long because each fault is a documented setter (what a test author reads), and one set serves
 * both services; the decisions themselves are a few lines each.
 */
public final class Faults {
    /** How requests fail while the endpoint is {@linkplain #endpointDown down}. */
    public enum DownMode {
        /**
         * Every request is answered HTTP 503 {@code ServiceUnavailable} (Firehose requests:
         * {@code ServiceUnavailableException}).
         */
        SERVICE_UNAVAILABLE,
        /**
         * Every request is read and left without an answer: over HTTP/1.1 its connection is closed,
         * over HTTP/2 its stream is reset.
         */
        DROP_CONNECTION
    }

    private final Random random;

    private volatile double entryFailureRate;
    /** The entries' error, or null for each service's own. */
    private volatile EntryError entryError;
    private volatile double serverErrorRate;
    private volatile double serviceUnavailableRate;
    private volatile double slowResponseRate;
    private volatile Duration slowResponseDelay = Duration.ofSeconds(5);
    private volatile double dropConnectionRate;
    private volatile String requestErrorCode;
    /** The request error's HTTP status, or 0 for the status each service gives the code. */
    private volatile int requestErrorStatus;
    private volatile DownMode down;
    private volatile boolean includeControlPlane;

    Faults(Random random) {
        this.random = random;
    }

    /**
     * Fails this fraction of record entries with the service's own per-entry error: Kinesis
     * PutRecords entries with {@code InternalFailure} ("Internal service failure."), Firehose
     * PutRecordBatch entries with {@code ServiceUnavailableException} ("Slow down."). A single-record
     * call hit this way fails whole: Kinesis PutRecord with HTTP 500 {@code InternalFailure}, Firehose
     * PutRecord with HTTP 500 {@code ServiceUnavailableException}. A failed entry is not stored.
     *
     * @param fraction 0 (never, the default) .. 1 (always)
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1
     */
    public Faults entryFailureRate(double fraction) {
        double f = fraction("entryFailureRate", fraction);
        this.entryError = null;
        this.entryFailureRate = f;
        return this;
    }

    /**
     * Fails this fraction of record entries, of either service, with the given per-entry error code
     * and message (e.g. {@code ProvisionedThroughputExceededException} to simulate Kinesis throttling
     * at random, or {@code InternalFailure} for Firehose). A Kinesis PutRecord hit this way fails with
     * HTTP 500 {@code InternalFailure} and this message; a Firehose PutRecord with this code and
     * message as its error, with the status {@link #requestError(String)} would give it.
     *
     * @param fraction 0 .. 1
     * @param errorCode the entry's {@code ErrorCode}
     * @param errorMessage the entry's {@code ErrorMessage}
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1
     * @throws NullPointerException if the code or message is null
     */
    public Faults entryFailureRate(double fraction, String errorCode, String errorMessage) {
        EntryError e = new EntryError(Objects.requireNonNull(errorCode, "errorCode"),
                Objects.requireNonNull(errorMessage, "errorMessage"));
        double f = fraction("entryFailureRate", fraction);
        this.entryError = e;
        this.entryFailureRate = f;
        return this;
    }

    /**
     * Answers this fraction of requests with HTTP 500 {@code InternalFailure}; nothing is stored.
     *
     * @param fraction 0 .. 1
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1
     */
    public Faults serverErrorRate(double fraction) {
        this.serverErrorRate = fraction("serverErrorRate", fraction);
        return this;
    }

    /**
     * Answers this fraction of requests as unavailable; nothing is stored. Kinesis requests get HTTP
     * 503 {@code ServiceUnavailable}; Firehose requests get {@code ServiceUnavailableException}
     * ("Slow down.") with HTTP 500, the status the Firehose model (and so the SDK) gives that
     * exception. Either way the SDK sees a retryable server error.
     *
     * @param fraction 0 .. 1
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1
     */
    public Faults serviceUnavailableRate(double fraction) {
        this.serviceUnavailableRate = fraction("serviceUnavailableRate", fraction);
        return this;
    }

    /**
     * Answers this fraction of requests only after {@code delay}. The request is processed (its
     * records stored) at once, so a client that times out first and retries creates duplicates,
     * exactly as against the service.
     *
     * @param fraction 0 .. 1
     * @param delay how long the answer waits (make it longer than the client's attempt timeout)
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1 or the delay is negative
     */
    public Faults slowResponses(double fraction, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("slowResponses delay must not be negative: " + delay);
        }
        this.slowResponseDelay = delay;
        this.slowResponseRate = fraction("slowResponseRate", fraction);
        return this;
    }

    /**
     * Leaves this fraction of requests without an answer after reading them; nothing is stored. Over
     * HTTP/1.1 the connection is closed; over HTTP/2, where one connection carries many requests,
     * the request's stream is reset (RST_STREAM), so the requests sharing the connection are not
     * affected. Either way the client sees an I/O error, not an HTTP status.
     *
     * @param fraction 0 .. 1
     * @return this
     * @throws IllegalArgumentException if the fraction is outside 0..1
     */
    public Faults dropConnectionRate(double fraction) {
        this.dropConnectionRate = fraction("dropConnectionRate", fraction);
        return this;
    }

    /**
     * Answers every data-plane request (Kinesis PutRecords and PutRecord, Firehose PutRecordBatch and
     * PutRecord) with this error. The HTTP status depends on the code and the service: 500 for
     * {@code InternalFailure}; for {@code ServiceUnavailable} or {@code ServiceUnavailableException}
     * 503 on Kinesis, 500 on Firehose (as its model has it); 400 for anything else (e.g.
     * {@code KMSAccessDeniedException}, {@code ResourceNotFoundException},
     * {@code ProvisionedThroughputExceededException}, {@code LimitExceededException}, or Firehose's
     * {@code InvalidKMSResourceException} and {@code InvalidArgumentException}).
     *
     * @param errorCode the error's {@code __type}, or null to stop
     * @return this
     */
    public Faults requestError(String errorCode) {
        this.requestErrorStatus = 0;
        this.requestErrorCode = errorCode;
        return this;
    }

    /**
     * Answers every data-plane request (of either service) with this error and HTTP status.
     *
     * @param errorCode the error's {@code __type}, or null to stop
     * @param httpStatus 400 .. 599
     * @return this
     * @throws IllegalArgumentException if the status is not an error status
     */
    public Faults requestError(String errorCode, int httpStatus) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("requestError httpStatus must be 400..599: " + httpStatus);
        }
        this.requestErrorStatus = httpStatus;
        this.requestErrorCode = errorCode;
        return this;
    }

    /**
     * Takes the endpoint down: every request (of every operation) fails the given way until
     * {@link #endpointUp()}.
     *
     * @param mode how requests fail, or null for up
     * @return this
     */
    public Faults endpointDown(DownMode mode) {
        this.down = mode;
        return this;
    }

    /**
     * Brings the endpoint back up after {@link #endpointDown(DownMode)}.
     *
     * @return this
     */
    public Faults endpointUp() {
        this.down = null;
        return this;
    }

    /**
     * Whether request-level faults (500, service unavailable, slow, dropped; not {@link #requestError})
     * also hit ListShards, DescribeStreamSummary, CreateStream, DescribeDeliveryStream,
     * ListDeliveryStreams and the rest, not only the data-plane operations.
     *
     * @param include true to include them (default false)
     * @return this
     */
    public Faults includeControlPlane(boolean include) {
        this.includeControlPlane = include;
        return this;
    }

    /**
     * Turns every fault off (hot shards and limits are not faults: see {@link FakeKinesis}).
     *
     * @return this
     */
    public Faults clear() {
        entryFailureRate = 0;
        entryError = null;
        serverErrorRate = 0;
        serviceUnavailableRate = 0;
        slowResponseRate = 0;
        dropConnectionRate = 0;
        requestErrorCode = null;
        down = null;
        includeControlPlane = false;
        return this;
    }

    /** @return the fraction of entries failed with the entry error code */
    public double entryFailureRate() {
        return entryFailureRate;
    }

    /** @return the fraction of requests answered 500 */
    public double serverErrorRate() {
        return serverErrorRate;
    }

    /** @return the fraction of requests answered 503 */
    public double serviceUnavailableRate() {
        return serviceUnavailableRate;
    }

    /** @return the fraction of requests answered late */
    public double slowResponseRate() {
        return slowResponseRate;
    }

    /** @return how late slow responses are answered */
    public Duration slowResponseDelay() {
        return slowResponseDelay;
    }

    /** @return the fraction of requests whose connection is dropped */
    public double dropConnectionRate() {
        return dropConnectionRate;
    }

    /** @return the error code every data-plane request gets, if set */
    public java.util.Optional<String> requestErrorCode() {
        return java.util.Optional.ofNullable(requestErrorCode);
    }

    /** @return how requests fail while down, empty while the endpoint is up */
    public java.util.Optional<DownMode> endpointDownMode() {
        return java.util.Optional.ofNullable(down);
    }

    /** @return whether request-level faults also hit control-plane operations */
    public boolean includesControlPlane() {
        return includeControlPlane;
    }

    // ---- package-private reads for the request path ----

    DownMode down() {
        return down;
    }

    String requestErrorCodeOrNull() {
        return requestErrorCode;
    }

    /** @return the request error's HTTP status, or 0 for the service's status for the code */
    int requestErrorStatus() {
        return requestErrorStatus;
    }

    /** @return the error that {@link #entryFailureRate} gives entries: the one set, else the service's own */
    EntryError entryError(EntryError serviceDefault) {
        EntryError e = entryError;
        return e != null ? e : serviceDefault;
    }

    /** @return true with the given probability (never touches the random for 0, always true for 1) */
    boolean roll(double fraction) {
        return fraction > 0 && (fraction >= 1 || random.nextDouble() < fraction);
    }

    /** A per-entry error: the entry's {@code ErrorCode} and {@code ErrorMessage}. */
    record EntryError(String code, String message) {
    }

    private static double fraction(String name, double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException(name + " must be a fraction in 0..1: " + f);
        }
        return f;
    }
}
