package io.shardwise.producer.testkit;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * An in-process, Kinesis-compatible HTTP endpoint with per-shard limits and fault injection, for
 * tests and benchmarks.
 *
 * <pre>{@code
 * try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 4).seed(42).build().start();
 *      KinesisAsyncClient client = kinesis.newClient()) {
 *     kinesis.faults().entryFailureRate(0.1);
 *     // ... produce with client ...
 *     List<StoredRecord> stored = kinesis.records("orders");
 *     FakeKinesis.Counters counters = kinesis.counters();
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> HTTP/1.1 with keep-alive and HTTP/2 (which the SDK v2 Kinesis async client
 * uses by default: prior knowledge on {@code http://}, or {@code Upgrade: h2c}) on one port of
 * 127.0.0.1, or the same over TLS with {@link Builder#https(SSLContext)}. The operation is named by
 * {@code X-Amz-Target: Kinesis_20131202.<Operation>}. Requests are read as CBOR when the
 * {@code Content-Type} names CBOR ({@code application/x-amz-cbor-1.1}, the SDK's default) and as
 * JSON when it names JSON ({@code application/x-amz-json-1.1}); without a usable content type the
 * first byte decides (&#123; is JSON). Answers use the request's format: blobs are CBOR byte strings
 * or base64 JSON strings, timestamps CBOR tag 1 with epoch milliseconds or JSON epoch seconds.
 * Operations: PutRecords, PutRecord, ListShards (MaxResults, NextToken, ExclusiveStartShardId,
 * ShardFilter AT_LATEST and AFTER_SHARD_ID), DescribeStreamSummary (with {@code MaxRecordSizeInKiB},
 * {@code StreamModeDetails} PROVISIONED and {@code RecordDistributionStrategy}, which the KPL reads),
 * CreateStream (with {@code MaxRecordSizeInKiB}), UpdateMaxRecordSize and DeleteStream; anything
 * else is answered 400 {@code UnknownOperationException}. Errors are HTTP 400 with {@code __type}
 * and {@code message} (and the {@code x-amzn-ErrorType} header), 500/503 for injected server errors.
 *
 * <p><b>Streams.</b> N shards split 0..2^128-1 evenly; records go to the open shard whose range
 * holds their ExplicitHashKey, or else the MD5 of their partition key's UTF-8 bytes as an unsigned
 * 128-bit big-endian number. Sequence numbers are 56-digit decimal strings increasing in store order
 * across the stream (so also per shard). {@link #splitShard(String, String)} closes a shard and
 * opens two children mid-run.
 *
 * <p><b>Stream names and ARNs.</b> Every stream operation takes {@code StreamName}, {@code
 * StreamARN} or both, as the service does. A stream's ARN is {@link #streamArn(String)}: {@code
 * arn:aws:kinesis:us-east-1:<account-id>:stream/<name>}, the account being {@link #accountId()}
 * ({@code 000000000000} unless {@link Builder#accountId(String) set}). A StreamARN that is not 1 to
 * 2,048 characters matching the model's {@code arn:aws.*:kinesis:.*:\d{12}:stream/\S+} is a
 * {@code ValidationException} in the service's wording; one of another partition, region or account
 * is a {@code ResourceNotFoundException} whose message says which; a StreamName and a StreamARN
 * naming different streams are an {@code InvalidArgumentException} (this wording is FakeKinesis's
 * own); neither is an {@code InvalidArgumentException}.
 *
 * <p><b>Record and request sizes.</b> A record, data plus partition key (UTF-8), may be as large as
 * its stream's maximum record size: {@value #DEFAULT_MAX_RECORD_SIZE_KIB} KiB unless the stream was
 * created with more ({@link Builder#stream(String, int, int)}, {@link #createStream(String, int,
 * int)}, CreateStream's {@code MaxRecordSizeInKiB}) or changed at run time ({@link
 * #updateMaxRecordSize(String, int)}, the UpdateMaxRecordSize operation), up to
 * {@value #LARGEST_MAX_RECORD_SIZE_KIB} KiB. A PutRecords or PutRecord with a record over it is
 * rejected whole with {@code ValidationException}; a PutRecords over {@value #MAX_PUT_RECORDS_BYTES}
 * bytes (10 MiB, partition keys included, as the current PutRecords reference says) with {@code
 * InvalidArgumentException} "Records size exceeds 10 MB limit" (the service's 5 MB wording with the
 * new number).
 *
 * <p><b>Limits.</b> Like the service, each shard admits 1,000 records/s and 1 MiB/s (data plus
 * partition key bytes), measured over a window sliding in 100 ms steps; entries over the limit fail
 * with {@code ProvisionedThroughputExceededException} and are not counted against it. Switch with
 * {@link #enforceShardLimits(boolean)}, change with {@link #shardLimits(int, long)}; per shard with
 * {@link #hotShard(String, String)} and {@link #shardLimit(String, String, int, long)} (enforced
 * even while global enforcement is off).
 *
 * <p><b>Round trip.</b> {@link Builder#roundTrip(Duration)} or {@link #roundTrip(Duration)} makes
 * every answer leave that long after its request was processed, as for a client in another region;
 * the writes count against the limits when they arrive, as in the service.
 *
 * <p><b>Large records</b> (more bytes than a shard's one-second budget, e.g. up to 10 MiB on a
 * stream with a raised maximum record size) can never fit in that window. The service's guide
 * "Handle large records" (docs.aws.amazon.com/streams/latest/dev/large-records.html) keeps the shard
 * limit at 1 MB/s and absorbs them by "temporarily bursting beyond its sustained write throughput":
 * write capacity is "a tank that refills at a steady rate"; a 10 MiB record depletes it and smaller
 * records continue "as capacity becomes available"; an earlier version of the guide put it as
 * bursting "up to 10 MiB while averaging 1 MiB per second", and asks to keep large records under 2 %
 * of traffic. FakeKinesis models this in the simplest way that fits: each shard also has a tank, a
 * token bucket of bytes that starts full, refills at the shard's bytes/s limit and holds ten seconds
 * of it (10 MiB at the default limit), or the stream's maximum record size if that is more. Every
 * stored record takes its size out of the tank and is admitted only while the tank holds it; a
 * record larger than the bytes/s limit is measured by the tank alone (one record, no bytes, in the
 * window). The tank never refuses traffic the window admits, so without large records nothing
 * changes; after a 10 MiB record a default shard admits smaller records at 1 MiB/s as the tank
 * refills, and takes the next 10 MiB record once the tank is full again (ten seconds of no other
 * traffic). Time is the endpoint's clock, as for the window; {@link #resetShardWindows()} also
 * fills the tanks.
 *
 * <p><b>Firehose.</b> The same port also speaks Amazon Data Firehose (AWS JSON 1.1, {@code
 * X-Amz-Target: Firehose_20150804.<Operation>}), for {@link #newFirehoseClient()}: PutRecordBatch,
 * PutRecord, DescribeDeliveryStream and ListDeliveryStreams against the delivery streams made with
 * {@link #createDeliveryStream(String)} (DirectPut, ACTIVE, no destinations). As in the service a
 * batch takes 1 to 500 records, a record at most 1,000 KiB and a batch at most 4 MiB of data
 * (before base64); breaking a limit is HTTP 400 {@code InvalidArgumentException} naming it, an
 * unknown delivery stream 400 {@code ResourceNotFoundException}. Every stored record gets a unique
 * RecordId and is kept, in arrival order, for {@link #deliveryRecords(String)}. Delivery streams
 * have no throughput limit unless {@link #deliveryStreamLimits(int, long)} sets one; entries over it
 * fail with {@code ServiceUnavailableException} ("Slow down."), as the service fails them.
 *
 * <pre>{@code
 * try (FakeKinesis fake = FakeKinesis.builder().deliveryStream("events").build().start();
 *      FirehoseAsyncClient firehose = fake.newFirehoseClient()) {
 *     fake.faults().entryFailureRate(0.1); // entries fail with ServiceUnavailableException
 *     // ... produce with firehose.putRecordBatch(...) ...
 *     List<FirehoseRecord> stored = fake.deliveryRecords("events");
 * }
 * }</pre>
 *
 * <p><b>Faults</b> are set through {@link #faults()}, one set for both services. <b>Observability</b>:
 * {@link #records(String)}, {@link #deliveryRecords(String)} and {@link #counters()}.
 *
 * <p>Thread-safe: every method may be called from any thread while traffic flows.
 *
 * <p>Long because it is the endpoint's public face: the builder, stream management, resharding,
 * the read-back and counter API tests use, and the documentation of the protocol it speaks; the wire
 * work is in KinesisApi, FirehoseApi and NettyServer.
 */
public final class FakeKinesis implements AutoCloseable {
    /** Shard limit for records per second, as in the service. */
    public static final int DEFAULT_RECORDS_PER_SECOND = 1000;
    /** Shard limit for bytes per second (data plus partition key), as in the service: 1 MiB. */
    public static final long DEFAULT_BYTES_PER_SECOND = 1024 * 1024;
    /** Region in the stream and delivery stream ARNs and of {@link #newClient()} and {@link #newFirehoseClient()}. */
    public static final Region REGION = Region.US_EAST_1;
    /** Partition of {@link #REGION}, in the stream and delivery stream ARNs. */
    public static final String PARTITION = "aws";
    /** Most shards one stream may have here. */
    public static final int MAX_SHARDS = 10_000;
    /** A stream's maximum record size ({@code MaxRecordSizeInKiB}) unless set otherwise, as in the service: 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_SIZE_KIB = 1024;
    /** The largest maximum record size a stream may have, as in the service: 10 MiB. */
    public static final int LARGEST_MAX_RECORD_SIZE_KIB = 10_240;
    /** Largest PutRecords request, data plus partition keys, as in the service: 10 MiB. */
    public static final int MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(FakeKinesis.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    final Stats stats = new Stats();
    final Faults faults;
    final String accountId;
    final boolean retainRecords;
    final Consumer<StoredRecord> recordListener;
    volatile boolean enforceLimits;
    volatile long recordLimit;
    volatile long byteLimit;
    /** Every delivery stream's throughput limits, or null for none. */
    volatile DeliveryStreamState.Limits deliveryLimits;
    /** Time for the limit windows, in nanoseconds; a seam for tests. */
    volatile LongSupplier clock = System::nanoTime;
    /** Added to every answer's wait: the endpoint's {@linkplain #roundTrip(Duration) round trip}, in nanoseconds. */
    volatile long roundTripNanos;
    /** Where late answers wait; a seam for tests (read when each answer is scheduled). */
    volatile NettyServer.LateAnswers lateAnswers = NettyServer.LateAnswers.EVENT_LOOP;
    /** Makes the RecordIds of stored Firehose records. */
    final RecordIds recordIds;

    private final Map<String, StreamState> streams = new ConcurrentHashMap<>();
    private final Map<String, DeliveryStreamState> deliveryStreams = new ConcurrentHashMap<>();
    private final RequestRouter api;
    private final int requestedPort;
    private final int workerThreads;
    private final int ioThreads;
    private final SSLContext sslContext;
    private final int instance = INSTANCES.incrementAndGet();

    private NettyServer server;
    private volatile URI endpoint;
    private volatile boolean closed;

    private FakeKinesis(Builder b) {
        this.faults = new Faults(b.seed == null ? new Random() : new Random(b.seed));
        this.recordIds = new RecordIds(b.seed == null ? new Random().nextLong() : b.seed);
        this.accountId = b.accountId;
        this.retainRecords = b.retainRecords;
        this.recordListener = b.recordListener;
        this.enforceLimits = b.enforceLimits;
        this.recordLimit = b.recordsPerSecond;
        this.byteLimit = b.bytesPerSecond;
        this.deliveryLimits = b.deliveryLimits;
        this.requestedPort = b.port;
        this.workerThreads = b.workerThreads;
        this.ioThreads = b.ioThreads;
        this.sslContext = b.sslContext;
        this.roundTripNanos = b.roundTrip.toNanos();
        this.api = new RequestRouter(stats, faults, List.of(new KinesisApi(this), new FirehoseApi(this)),
                () -> roundTripNanos);
        b.streams.forEach((name, spec) -> createStream(name, spec.shardCount(), spec.maxRecordSizeInKiB()));
        b.deliveryStreams.forEach(this::createDeliveryStream);
    }

    /**
     * @return a builder for an endpoint with no streams or delivery streams, shard limits enforced,
     *     no delivery stream limits, no faults
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Binds a free loopback port (or the {@linkplain Builder#port(int) configured one}) and starts
     * serving.
     *
     * @return this
     * @throws IllegalStateException if already started or closed
     * @throws UncheckedIOException if the port cannot be bound
     */
    public synchronized FakeKinesis start() {
        if (closed) {
            throw new IllegalStateException("FakeKinesis is closed");
        }
        if (server != null) {
            throw new IllegalStateException("FakeKinesis is already started on " + endpoint);
        }
        server = new NettyServer(api, stats, sslContext, requestedPort, ioThreads, workerThreads,
                "fake-kinesis-" + instance, (loop, answer, delayNanos) -> lateAnswers.schedule(loop, answer, delayNanos));
        endpoint = URI.create((sslContext != null ? "https" : "http") + "://127.0.0.1:" + server.port());
        log.debug("FakeKinesis started on {}", endpoint);
        return this;
    }

    /** Stops serving at once: open connections are closed, delayed answers are never sent. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
    }

    /**
     * @return the endpoint's base URI, e.g. {@code http://127.0.0.1:41234}
     * @throws IllegalStateException if not started
     */
    public URI endpoint() {
        URI e = endpoint;
        if (e == null) {
            throw new IllegalStateException("FakeKinesis is not started: call start()");
        }
        return e;
    }

    /**
     * @return the bound port
     * @throws IllegalStateException if not started
     */
    public int port() {
        return endpoint().getPort();
    }

    /**
     * A client for this endpoint: dummy static credentials, {@link #REGION}, the Netty HTTP client
     * (HTTP/2, the SDK's default for Kinesis; 64 connections; trusts any certificate when serving
     * HTTPS), and SDK retries off so tests see every fault. The SDK's default protocol (CBOR) is used unless the system property
     * {@code aws.cborEnabled} is {@code false}.
     *
     * @return a new client; the caller closes it
     */
    public KinesisAsyncClient newClient() {
        return clientBuilder().build();
    }

    /**
     * Like {@link #newClient()} with more override configuration (e.g. an attempt timeout); retries
     * stay off unless {@code override} sets a retry strategy.
     *
     * @param override applied after retries are turned off
     * @return a new client; the caller closes it
     */
    public KinesisAsyncClient newClient(Consumer<ClientOverrideConfiguration.Builder> override) {
        Objects.requireNonNull(override, "override");
        return clientBuilder().overrideConfiguration(o -> {
            o.retryStrategy(AwsRetryStrategy.doNotRetry());
            override.accept(o);
        }).build();
    }

    /**
     * @return a client builder set up as for {@link #newClient()}, to customize further (note that
     *     {@code overrideConfiguration(...)} replaces the whole override configuration, retries off
     *     included)
     */
    public KinesisAsyncClientBuilder clientBuilder() {
        return clientBuilder(http -> { });
    }

    /**
     * A client builder set up as for {@link #newClient()}, with the HTTP client customized, e.g.
     * {@code clientBuilder(h -> h.protocol(Protocol.HTTP1_1))} for HTTP/1.1 instead of the SDK's
     * HTTP/2 default for Kinesis.
     *
     * @param http applied to the Netty HTTP client builder (64 connections, 20 s idle time, HTTP/2 by default)
     * @return the builder
     */
    public KinesisAsyncClientBuilder clientBuilder(Consumer<NettyNioAsyncHttpClient.Builder> http) {
        return forThisEndpoint(KinesisAsyncClient.builder(), Protocol.HTTP2, http);
    }

    /**
     * A Firehose client for this endpoint, set up as {@link #newClient()} is: dummy static
     * credentials, {@link #REGION}, the Netty HTTP client (HTTP/1.1, the SDK's default for Firehose;
     * 64 connections; trusts any certificate when serving HTTPS), and SDK retries off so tests see
     * every fault.
     *
     * @return a new client; the caller closes it
     */
    public FirehoseAsyncClient newFirehoseClient() {
        return firehoseClientBuilder().build();
    }

    /**
     * @return a Firehose client builder set up as for {@link #newFirehoseClient()}, to customize
     *     further (note that {@code overrideConfiguration(...)} replaces the whole override
     *     configuration, retries off included)
     */
    public FirehoseAsyncClientBuilder firehoseClientBuilder() {
        return firehoseClientBuilder(http -> { });
    }

    /**
     * A Firehose client builder set up as for {@link #newFirehoseClient()}, with the HTTP client
     * customized, e.g. {@code firehoseClientBuilder(h -> h.protocol(Protocol.HTTP2))}.
     *
     * @param http applied to the Netty HTTP client builder (64 connections, 20 s idle time, HTTP/1.1 by default)
     * @return the builder
     */
    public FirehoseAsyncClientBuilder firehoseClientBuilder(Consumer<NettyNioAsyncHttpClient.Builder> http) {
        return forThisEndpoint(FirehoseAsyncClient.builder(), Protocol.HTTP1_1, http);
    }

    /**
     * Sets a client builder of any service up for this endpoint: endpoint, {@link #REGION}, dummy
     * static credentials, SDK retries off, and the Netty HTTP client (64 connections, 20 s idle
     * time), which trusts any certificate when serving HTTPS.
     *
     * @param serviceProtocol the HTTP protocol the service's clients speak by default; when serving
     *     HTTPS the HTTP client is built here, without the service's defaults, so it is set explicitly
     * @param http applied to the Netty HTTP client builder last
     * @return {@code b}
     */
    private <B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C> B forThisEndpoint(B b,
            Protocol serviceProtocol, Consumer<NettyNioAsyncHttpClient.Builder> http) {
        Objects.requireNonNull(http, "http");
        URI e = endpoint();
        NettyNioAsyncHttpClient.Builder netty = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(64)
                .connectionMaxIdleTime(Duration.ofSeconds(20));
        if (sslContext != null) {
            netty.protocol(serviceProtocol);
        }
        http.accept(netty);
        b.endpointOverride(e)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKEKINESIS",
                        "fake-kinesis-secret")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (sslContext != null) {
            // the builder's own defaults would verify the (self-signed) certificate
            AttributeMap trustAll = AttributeMap.builder().put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                    .build();
            b.httpClient(netty.buildWithDefaults(trustAll));
        } else {
            b.httpClientBuilder(netty);
        }
        return b;
    }

    // ------------------------------------------------------------------ streams and shards

    /**
     * Creates a stream whose shards split the hash-key space evenly.
     *
     * @param name stream name
     * @param shardCount 1 .. {@link #MAX_SHARDS}
     * @return this
     * @throws IllegalArgumentException if the stream exists or the count is out of range
     */
    public FakeKinesis createStream(String name, int shardCount) {
        return createStream(name, shardCount, DEFAULT_MAX_RECORD_SIZE_KIB);
    }

    /**
     * Creates a stream whose shards split the hash-key space evenly, with a maximum record size, as
     * CreateStream with {@code MaxRecordSizeInKiB} does.
     *
     * @param name stream name
     * @param shardCount 1 .. {@link #MAX_SHARDS}
     * @param maxRecordSizeInKiB largest record, data plus partition key, in KiB:
     *     {@value #DEFAULT_MAX_RECORD_SIZE_KIB} .. {@value #LARGEST_MAX_RECORD_SIZE_KIB}
     * @return this
     * @throws IllegalArgumentException if the stream exists or a number is out of range
     */
    public FakeKinesis createStream(String name, int shardCount, int maxRecordSizeInKiB) {
        Objects.requireNonNull(name, "name");
        checkStream(shardCount, maxRecordSizeInKiB);
        if (!tryCreateStream(name, shardCount, maxRecordSizeInKiB)) {
            throw new IllegalArgumentException("Stream " + name + " already exists");
        }
        return this;
    }

    private static void checkStream(int shardCount, int maxRecordSizeInKiB) {
        if (shardCount < 1 || shardCount > MAX_SHARDS) {
            throw new IllegalArgumentException("shardCount must be 1.." + MAX_SHARDS + ": " + shardCount);
        }
        checkMaxRecordSize(maxRecordSizeInKiB);
    }

    private static void checkMaxRecordSize(int maxRecordSizeInKiB) {
        if (maxRecordSizeInKiB < DEFAULT_MAX_RECORD_SIZE_KIB || maxRecordSizeInKiB > LARGEST_MAX_RECORD_SIZE_KIB) {
            throw new IllegalArgumentException("maxRecordSizeInKiB must be " + DEFAULT_MAX_RECORD_SIZE_KIB + ".."
                    + LARGEST_MAX_RECORD_SIZE_KIB + ": " + maxRecordSizeInKiB);
        }
    }

    boolean tryCreateStream(String name, int shardCount, int maxRecordSizeInKiB) {
        String arn = streamArn(name);
        StreamState[] created = new StreamState[1];
        streams.computeIfAbsent(name, n -> created[0] = new StreamState(n, arn, shardCount, maxRecordSizeInKiB,
                Instant.now()));
        return created[0] != null;
    }

    /**
     * Changes a stream's maximum record size, as the UpdateMaxRecordSize operation does: records
     * over it (data plus partition key) are rejected from then on.
     *
     * @param stream stream name
     * @param maxRecordSizeInKiB {@value #DEFAULT_MAX_RECORD_SIZE_KIB} .. {@value #LARGEST_MAX_RECORD_SIZE_KIB}
     * @return this
     * @throws IllegalArgumentException if there is no such stream or the size is out of range
     */
    public FakeKinesis updateMaxRecordSize(String stream, int maxRecordSizeInKiB) {
        checkMaxRecordSize(maxRecordSizeInKiB);
        stream(stream).maxRecordSizeInKiB = maxRecordSizeInKiB;
        return this;
    }

    /**
     * @param stream stream name
     * @return the stream's maximum record size in KiB, as DescribeStreamSummary reports it
     * @throws IllegalArgumentException if there is no such stream
     */
    public int maxRecordSizeInKiB(String stream) {
        return stream(stream).maxRecordSizeInKiB;
    }

    /**
     * @param name a stream name (the stream need not exist)
     * @return the ARN this endpoint gives the stream and accepts as its {@code StreamARN}:
     *     {@code arn:aws:kinesis:us-east-1:<account-id>:stream/<name>}
     */
    public String streamArn(String name) {
        return StreamArn.of(PARTITION, REGION.id(), accountId, Objects.requireNonNull(name, "name"));
    }

    /** @return the account of this endpoint's ARNs and error messages ({@code 000000000000} unless set) */
    public String accountId() {
        return accountId;
    }

    /** @return the region of this endpoint's ARNs and clients, {@link #REGION} */
    public Region region() {
        return REGION;
    }

    /**
     * Deletes a stream: later requests naming it get {@code ResourceNotFoundException}; its stored
     * records are forgotten.
     *
     * @param name stream name
     * @return true if it existed
     */
    public boolean deleteStream(String name) {
        return streams.remove(name) != null;
    }

    /** @return the streams' names, sorted */
    public Set<String> streamNames() {
        return new TreeSet<>(streams.keySet());
    }

    /**
     * @param stream stream name
     * @return every shard of the stream, open and closed, in creation order, as ListShards shows them
     * @throws IllegalArgumentException if there is no such stream
     */
    public List<Shard> shards(String stream) {
        List<Shard> out = new ArrayList<>();
        for (ShardState s : stream(stream).allShards()) {
            out.add(Shard.builder()
                    .shardId(s.id)
                    .parentShardId(s.parentId)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(s.startingHashKey().toString())
                            .endingHashKey(s.endingHashKey().toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber(s.startingSequenceNumber)
                            .endingSequenceNumber(s.endingSequenceNumber()).build())
                    .build());
        }
        return out;
    }

    /**
     * @param stream stream name
     * @param partitionKey a partition key
     * @return the open shard a record with this key (and no explicit hash key) goes to now
     * @throws IllegalArgumentException if there is no such stream
     */
    public String shardIdForPartitionKey(String stream, String partitionKey) {
        long[] h = new long[2];
        HashKeys.md5(partitionKey, h);
        return stream(stream).route(h[0], h[1]).id;
    }

    /**
     * @param stream stream name
     * @param hashKey a hash key in 0 .. 2^128-1
     * @return the open shard whose range holds the hash key now
     * @throws IllegalArgumentException if there is no such stream or the key is out of range
     */
    public String shardIdForHashKey(String stream, BigInteger hashKey) {
        if (hashKey.signum() < 0 || hashKey.compareTo(HashKeys.MAX) > 0) {
            throw new IllegalArgumentException("hashKey must be in 0..2^128-1: " + hashKey);
        }
        long[] h = new long[2];
        HashKeys.split(hashKey, h);
        return stream(stream).route(h[0], h[1]).id;
    }

    /**
     * Splits an open shard in the middle of its hash-key range: it closes (gets an
     * EndingSequenceNumber) and two children with the lower and upper halves open. Requests arriving
     * afterwards route by the new map.
     *
     * @param stream stream name
     * @param shardId an open shard
     * @return the children's ids, lower half first
     * @throws IllegalArgumentException if there is no such stream or shard, or it has a single hash key
     * @throws IllegalStateException if the shard is closed
     */
    public List<String> splitShard(String stream, String shardId) {
        return stream(stream).split(shardId, null);
    }

    /**
     * Splits an open shard at the given hash key, like the SplitShard operation.
     *
     * @param stream stream name
     * @param shardId an open shard
     * @param newStartingHashKey the upper child's first hash key, inside the shard's range and above its start
     * @return the children's ids, lower range first
     * @throws IllegalArgumentException if there is no such stream or shard, or the key is not inside the range
     * @throws IllegalStateException if the shard is closed
     */
    public List<String> splitShard(String stream, String shardId, BigInteger newStartingHashKey) {
        Objects.requireNonNull(newStartingHashKey, "newStartingHashKey");
        return stream(stream).split(shardId, newStartingHashKey);
    }

    /**
     * Switches AUTO record distribution, as on-demand streams may have it: records are spread over
     * the open shards in turn whatever their keys, and DescribeStreamSummary reports
     * {@code RecordDistributionStrategy: AUTO}.
     *
     * @param stream stream name
     * @param auto true for AUTO, false for USER_PARTITION_KEY (the default)
     * @return this
     * @throws IllegalArgumentException if there is no such stream
     */
    public FakeKinesis autoDistribution(String stream, boolean auto) {
        stream(stream).autoDistribution = auto;
        return this;
    }

    // ------------------------------------------------------------------ delivery streams (Firehose)

    /**
     * Creates a Firehose delivery stream (DirectPut, ACTIVE at once).
     *
     * @param name delivery stream name
     * @return this
     * @throws IllegalArgumentException if the delivery stream exists
     */
    public FakeKinesis createDeliveryStream(String name) {
        Objects.requireNonNull(name, "name");
        String arn = "arn:aws:firehose:" + REGION.id() + ":" + accountId + ":deliverystream/" + name;
        if (deliveryStreams.putIfAbsent(name, new DeliveryStreamState(name, arn, Instant.now())) != null) {
            throw new IllegalArgumentException("Delivery stream " + name + " already exists");
        }
        return this;
    }

    /**
     * Deletes a delivery stream: later requests naming it get {@code ResourceNotFoundException}; its
     * stored records are forgotten.
     *
     * @param name delivery stream name
     * @return true if it existed
     */
    public boolean deleteDeliveryStream(String name) {
        return deliveryStreams.remove(name) != null;
    }

    /** @return the delivery streams' names, sorted */
    public Set<String> deliveryStreamNames() {
        return new TreeSet<>(deliveryStreams.keySet());
    }

    /**
     * @param deliveryStream delivery stream name
     * @return every record stored on the delivery stream, in arrival order (empty if records are not
     *     {@linkplain Builder#retainRecords(boolean) retained})
     * @throws IllegalArgumentException if there is no such delivery stream
     */
    public List<FirehoseRecord> deliveryRecords(String deliveryStream) {
        DeliveryStreamState s = deliveryStreams.get(Objects.requireNonNull(deliveryStream, "deliveryStream"));
        if (s == null) {
            throw new IllegalArgumentException("No delivery stream " + deliveryStream + "; delivery streams: "
                    + deliveryStreamNames());
        }
        return s.records();
    }

    /**
     * Limits every delivery stream's throughput (off by default), measured like the shard limits
     * over a window sliding in 100 ms steps; entries over the limit fail with
     * {@code ServiceUnavailableException} ("Slow down.") and do not count against it.
     *
     * @param recordsPerSecond records per second per delivery stream, at least 1
     * @param bytesPerSecond data bytes (before base64) per second per delivery stream, at least 1
     * @return this
     * @throws IllegalArgumentException if a limit is below 1
     */
    public FakeKinesis deliveryStreamLimits(int recordsPerSecond, long bytesPerSecond) {
        this.deliveryLimits = deliveryLimits(recordsPerSecond, bytesPerSecond);
        return this;
    }

    /**
     * Removes the delivery streams' throughput limits: every entry is admitted.
     *
     * @return this
     */
    public FakeKinesis clearDeliveryStreamLimits() {
        this.deliveryLimits = null;
        return this;
    }

    private static DeliveryStreamState.Limits deliveryLimits(int recordsPerSecond, long bytesPerSecond) {
        if (recordsPerSecond < 1) {
            throw new IllegalArgumentException("recordsPerSecond must be at least 1: " + recordsPerSecond);
        }
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
        }
        return new DeliveryStreamState.Limits(recordsPerSecond, bytesPerSecond);
    }

    // ------------------------------------------------------------------ limits

    /**
     * Switches enforcement of the per-shard limits on or off (on by default). Hot shards and
     * per-shard limits stay enforced either way.
     *
     * @param enforce true to enforce
     * @return this
     */
    public FakeKinesis enforceShardLimits(boolean enforce) {
        this.enforceLimits = enforce;
        return this;
    }

    /**
     * Sets the limits every shard enforces (while enforcement is on).
     *
     * @param recordsPerSecond records per second per shard, at least 1
     * @param bytesPerSecond bytes (data plus partition key) per second per shard, at least 1
     * @return this
     * @throws IllegalArgumentException if a limit is below 1
     */
    public FakeKinesis shardLimits(int recordsPerSecond, long bytesPerSecond) {
        if (recordsPerSecond < 1) {
            throw new IllegalArgumentException("recordsPerSecond must be at least 1: " + recordsPerSecond);
        }
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
        }
        this.recordLimit = recordsPerSecond;
        this.byteLimit = bytesPerSecond;
        return this;
    }

    /**
     * Makes a shard hot: every entry routed to it fails with
     * {@code ProvisionedThroughputExceededException}, until {@link #clearShardOverrides(String, String)}.
     *
     * @param stream stream name
     * @param shardId shard id
     * @return this
     * @throws IllegalArgumentException if there is no such stream or shard
     */
    public FakeKinesis hotShard(String stream, String shardId) {
        shard(stream, shardId).hot = true;
        return this;
    }

    /**
     * Gives one shard its own limits (e.g. lower than the others', for a hot shard that still
     * admits some traffic), enforced even while global enforcement is off.
     *
     * @param stream stream name
     * @param shardId shard id
     * @param recordsPerSecond records per second, at least 0
     * @param bytesPerSecond bytes per second, at least 0
     * @return this
     * @throws IllegalArgumentException if there is no such stream or shard, or a limit is negative
     */
    public FakeKinesis shardLimit(String stream, String shardId, int recordsPerSecond, long bytesPerSecond) {
        if (recordsPerSecond < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("shard limits must not be negative: " + recordsPerSecond + " records/s, "
                    + bytesPerSecond + " bytes/s");
        }
        ShardState s = shard(stream, shardId);
        s.recordLimitOverride = recordsPerSecond;
        s.byteLimitOverride = bytesPerSecond;
        return this;
    }

    /**
     * Removes a shard's hot setting and own limits.
     *
     * @param stream stream name
     * @param shardId shard id
     * @return this
     * @throws IllegalArgumentException if there is no such stream or shard
     */
    public FakeKinesis clearShardOverrides(String stream, String shardId) {
        ShardState s = shard(stream, shardId);
        s.hot = false;
        s.recordLimitOverride = -1;
        s.byteLimitOverride = -1;
        return this;
    }

    /**
     * Forgets what every shard admitted so far, so each has its whole per-second budget and a full
     * burst tank again.
     *
     * @return this
     */
    public FakeKinesis resetShardWindows() {
        for (StreamState st : streams.values()) {
            for (ShardState s : st.allShards()) {
                s.resetLimits();
            }
        }
        return this;
    }

    // ------------------------------------------------------------------ round trip

    /**
     * Makes every answer (of either service, errors included) leave this long after its request was
     * processed, as if the client were far from the service (another region, a congested NAT). The
     * request itself is processed when it arrives, as the service does: its records are stored and
     * counted against the shard limits at once, so a client learns of a write one round trip after
     * the limit window started counting it. Late answers wait on the connection's event loop's
     * scheduler, holding no thread; an injected {@linkplain Faults#slowResponses slow response}
     * waits its delay on top; a {@linkplain Faults#dropConnectionRate dropped connection} is dropped
     * at once. Applies to requests that arrive after the call.
     *
     * @param roundTrip the added wait, zero (the default) for none
     * @return this
     * @throws IllegalArgumentException if {@code roundTrip} is negative
     */
    public FakeKinesis roundTrip(Duration roundTrip) {
        this.roundTripNanos = checkRoundTrip(roundTrip).toNanos();
        return this;
    }

    /** @return the wait added to every answer ({@link #roundTrip(Duration)}) */
    public Duration roundTrip() {
        return Duration.ofNanos(roundTripNanos);
    }

    private static Duration checkRoundTrip(Duration roundTrip) {
        Objects.requireNonNull(roundTrip, "roundTrip");
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("roundTrip must not be negative: " + roundTrip);
        }
        return roundTrip;
    }

    // ------------------------------------------------------------------ faults and observability

    /** @return the fault settings, changeable at any time */
    public Faults faults() {
        return faults;
    }

    /**
     * @param stream stream name
     * @return every record stored on the stream, in store order (empty if records are not
     *     {@linkplain Builder#retainRecords(boolean) retained})
     * @throws IllegalArgumentException if there is no such stream
     */
    public List<StoredRecord> records(String stream) {
        List<StoredRecord> out = new ArrayList<>();
        for (ShardState s : stream(stream).allShards()) {
            out.addAll(s.records());
        }
        out.sort(Comparator.comparingLong(StoredRecord::arrivalIndex));
        return out;
    }

    /**
     * @param stream stream name
     * @param shardId shard id
     * @return the records stored on the shard, in sequence-number order
     * @throws IllegalArgumentException if there is no such stream or shard
     */
    public List<StoredRecord> records(String stream, String shardId) {
        return shard(stream, shardId).records();
    }

    /**
     * @param stream stream name
     * @return how many records are stored (retained) per shard, every shard listed, in creation order
     * @throws IllegalArgumentException if there is no such stream
     */
    public Map<String, Integer> recordCountsByShard(String stream) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ShardState s : stream(stream).allShards()) {
            out.put(s.id, s.recordCount());
        }
        return out;
    }

    /**
     * Forgets every stored record, of streams and delivery streams (the streams, shards and counters stay).
     *
     * @return this
     */
    public FakeKinesis clearRecords() {
        for (StreamState st : streams.values()) {
            for (ShardState s : st.allShards()) {
                s.clearRecords();
            }
        }
        deliveryStreams.values().forEach(DeliveryStreamState::clearRecords);
        return this;
    }

    /** @return a snapshot of the counters */
    public Counters counters() {
        return stats.snapshot();
    }

    /**
     * Sets every counter back to zero.
     *
     * @return this
     */
    public FakeKinesis resetCounters() {
        stats.reset();
        return this;
    }

    /**
     * A snapshot of the endpoint's counters since start or the last {@link #resetCounters()}. The
     * request and entry counters count both services, Kinesis and Firehose; the {@code firehose...}
     * ones count Firehose alone.
     *
     * @param requestsByOperation requests per operation name (e.g. {@code PutRecords}, {@code PutRecordBatch}),
     *     injected failures included; PutRecord counts the calls of both services
     * @param entriesReceived PutRecords and PutRecordBatch entries plus PutRecord records that reached
     *     processing (not those of requests failed whole by validation, injection or a drop); with only
     *     per-entry failures this shows what clients re-sent
     * @param entriesStored records stored
     * @param bytesStored bytes of the records stored: Kinesis data plus partition key, Firehose data
     * @param entriesThrottled entries refused by a limit: Kinesis ProvisionedThroughputExceededException (shard
     *     limit or hot shard), Firehose ServiceUnavailableException (delivery stream limit)
     * @param entriesFailedByInjection entries failed by {@link Faults#entryFailureRate(double)}
     * @param requestsFailedByInjection requests answered 500/503/the request error, or dropped, by injection or
     *     while the endpoint was down
     * @param slowResponses requests answered late by {@link Faults#slowResponses}
     * @param droppedConnections requests left without an answer: over HTTP/1.1 the connection is closed, over
     *     HTTP/2 the request's stream is reset (so other requests sharing the connection are unaffected)
     * @param connections TCP connections accepted
     * @param http2Requests requests that came over HTTP/2 (the rest came over HTTP/1.1)
     * @param cborRequests requests read as CBOR
     * @param jsonRequests requests read as JSON
     * @param firehoseRequestsByOperation the Firehose requests among {@code requestsByOperation}
     * @param firehoseEntriesReceived the Firehose entries among {@code entriesReceived}
     * @param firehoseEntriesStored the Firehose records among {@code entriesStored}
     */
    public record Counters(Map<String, Long> requestsByOperation, long entriesReceived, long entriesStored,
            long bytesStored, long entriesThrottled, long entriesFailedByInjection, long requestsFailedByInjection,
            long slowResponses, long droppedConnections, long connections, long http2Requests, long cborRequests,
            long jsonRequests, Map<String, Long> firehoseRequestsByOperation, long firehoseEntriesReceived,
            long firehoseEntriesStored) {

        /**
         * @param operation an operation name, e.g. {@code PutRecords}
         * @return how many requests named it (of either service)
         */
        public long requests(String operation) {
            return requestsByOperation.getOrDefault(operation, 0L);
        }

        /**
         * @param operation a Firehose operation name, e.g. {@code PutRecordBatch}
         * @return how many Firehose requests named it
         */
        public long firehoseRequests(String operation) {
            return firehoseRequestsByOperation.getOrDefault(operation, 0L);
        }
    }

    // ------------------------------------------------------------------ internals

    /**
     * Finds the stream a request names by {@code StreamName}, {@code StreamARN} or both.
     *
     * @throws ApiException {@code InvalidArgumentException} when neither is given or they name
     *     different streams; {@code ValidationException} for a malformed ARN;
     *     {@code ResourceNotFoundException} for an ARN of another partition, region or account than
     *     this endpoint's (saying which), or a stream that does not exist
     */
    StreamState resolve(String name, String arn) {
        String n = name;
        if (arn != null) {
            StreamArn a = StreamArn.parse(arn);
            if (name != null && !name.equals(a.name())) {
                throw ApiException.badRequest("InvalidArgumentException", "StreamName " + name + " and StreamARN " + arn
                        + " name different streams; give either, or both for the same stream.");
            }
            if (!a.partition().equals(PARTITION) || !a.region().equals(REGION.id()) || !a.account().equals(accountId)) {
                throw ApiException.badRequest("ResourceNotFoundException", "Stream " + a.name() + " under account "
                        + a.account() + " not found. (FakeKinesis serves account " + accountId + " in region "
                        + REGION.id() + " of partition " + PARTITION + "; the StreamARN names account " + a.account()
                        + " in region " + a.region() + " of partition " + a.partition() + ".)");
            }
            n = a.name();
        }
        if (n == null) {
            throw ApiException.badRequest("InvalidArgumentException", "Either StreamName or StreamARN should be provided.");
        }
        StreamState s = streams.get(n);
        if (s == null) {
            throw ApiException.badRequest("ResourceNotFoundException", "Stream " + n + " under account " + accountId
                    + " not found.");
        }
        return s;
    }

    DeliveryStreamState resolveDeliveryStream(String name) {
        if (name == null) {
            throw ApiException.badRequest("InvalidArgumentException", "DeliveryStreamName is required.");
        }
        DeliveryStreamState s = deliveryStreams.get(name);
        if (s == null) {
            throw ApiException.badRequest("ResourceNotFoundException", "Firehose " + name + " under account " + accountId
                    + " not found.");
        }
        return s;
    }

    private StreamState stream(String name) {
        StreamState s = streams.get(Objects.requireNonNull(name, "stream"));
        if (s == null) {
            throw new IllegalArgumentException("No stream " + name + "; streams: " + streamNames());
        }
        return s;
    }

    private ShardState shard(String stream, String shardId) {
        ShardState s = stream(stream).shard(shardId);
        if (s == null) {
            throw new IllegalArgumentException("No shard " + shardId + " in stream " + stream);
        }
        return s;
    }

    /**
     * Builds a {@link FakeKinesis}. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, StreamSpec> streams = new LinkedHashMap<>();
        private final Set<String> deliveryStreams = new LinkedHashSet<>();
        private DeliveryStreamState.Limits deliveryLimits;
        private int port;
        private Long seed;
        private boolean enforceLimits = true;
        private int recordsPerSecond = DEFAULT_RECORDS_PER_SECOND;
        private long bytesPerSecond = DEFAULT_BYTES_PER_SECOND;
        private boolean retainRecords = true;
        private Consumer<StoredRecord> recordListener;
        private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private String accountId = "000000000000";
        private SSLContext sslContext;
        private Duration roundTrip = Duration.ZERO;

        private Builder() {
        }

        private record StreamSpec(int shardCount, int maxRecordSizeInKiB) {
        }

        /**
         * Adds a stream to create at build time.
         *
         * @param name stream name
         * @param shardCount 1 .. {@link #MAX_SHARDS}
         * @return this
         * @throws IllegalArgumentException if the count is out of range or the name is taken
         */
        public Builder stream(String name, int shardCount) {
            return stream(name, shardCount, DEFAULT_MAX_RECORD_SIZE_KIB);
        }

        /**
         * Adds a stream to create at build time with a maximum record size, as CreateStream with
         * {@code MaxRecordSizeInKiB} does.
         *
         * @param name stream name
         * @param shardCount 1 .. {@link #MAX_SHARDS}
         * @param maxRecordSizeInKiB largest record, data plus partition key, in KiB:
         *     {@value #DEFAULT_MAX_RECORD_SIZE_KIB} .. {@value #LARGEST_MAX_RECORD_SIZE_KIB}
         * @return this
         * @throws IllegalArgumentException if a number is out of range or the name is taken
         */
        public Builder stream(String name, int shardCount, int maxRecordSizeInKiB) {
            Objects.requireNonNull(name, "name");
            checkStream(shardCount, maxRecordSizeInKiB);
            if (streams.putIfAbsent(name, new StreamSpec(shardCount, maxRecordSizeInKiB)) != null) {
                throw new IllegalArgumentException("Stream " + name + " is already configured");
            }
            return this;
        }

        /**
         * Adds a Firehose delivery stream to create at build time.
         *
         * @param name delivery stream name
         * @return this
         * @throws IllegalArgumentException if the name is taken
         */
        public Builder deliveryStream(String name) {
            Objects.requireNonNull(name, "name");
            if (!deliveryStreams.add(name)) {
                throw new IllegalArgumentException("Delivery stream " + name + " is already configured");
            }
            return this;
        }

        /**
         * Limits every delivery stream's throughput, as {@link FakeKinesis#deliveryStreamLimits(int, long)}
         * does (no limits by default).
         *
         * @param recordsPerSecond records per second per delivery stream, at least 1
         * @param bytesPerSecond data bytes per second per delivery stream, at least 1
         * @return this
         * @throws IllegalArgumentException if a limit is below 1
         */
        public Builder deliveryStreamLimits(int recordsPerSecond, long bytesPerSecond) {
            this.deliveryLimits = FakeKinesis.deliveryLimits(recordsPerSecond, bytesPerSecond);
            return this;
        }

        /**
         * @param port the port to bind, 0 (the default) for a free one
         * @return this
         * @throws IllegalArgumentException if outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param seed seed of the random that decides injected faults (unseeded by default)
         * @return this
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param enforce whether per-shard limits are enforced (default true)
         * @return this
         */
        public Builder enforceShardLimits(boolean enforce) {
            this.enforceLimits = enforce;
            return this;
        }

        /**
         * @param recordsPerSecond per-shard records/s (default 1,000), at least 1
         * @param bytesPerSecond per-shard bytes/s, data plus partition key (default 1 MiB), at least 1
         * @return this
         * @throws IllegalArgumentException if a limit is below 1
         */
        public Builder shardLimits(int recordsPerSecond, long bytesPerSecond) {
            if (recordsPerSecond < 1) {
                throw new IllegalArgumentException("recordsPerSecond must be at least 1: " + recordsPerSecond);
            }
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
            }
            this.recordsPerSecond = recordsPerSecond;
            this.bytesPerSecond = bytesPerSecond;
            return this;
        }

        /**
         * @param retain whether stored records are kept for {@link FakeKinesis#records(String)} and
         *     {@link FakeKinesis#deliveryRecords(String)} (default true; turn off for long benchmarks,
         *     counters still count)
         * @return this
         */
        public Builder retainRecords(boolean retain) {
            this.retainRecords = retain;
            return this;
        }

        /**
         * @param listener called with every stored Kinesis record (not Firehose ones), on the server's
         *     thread, before the answer is sent; must be fast and thread-safe (null for none)
         * @return this
         */
        public Builder recordListener(Consumer<StoredRecord> listener) {
            this.recordListener = listener;
            return this;
        }

        /**
         * @param threads threads parsing requests and running operations (default the processors, at
         *     least 2); late answers hold no thread
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1: " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * @param threads Netty event-loop threads doing socket I/O (default the processors)
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1: " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * @param accountId the account in ARNs and error messages (default {@code 000000000000})
         * @return this
         */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /**
         * Serves HTTPS instead of HTTP (the KPL only speaks TLS).
         *
         * @param sslContext holds the server's key and certificate (e.g. self-signed), null for plain HTTP
         * @return this
         */
        public Builder https(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Delays every answer, as {@link FakeKinesis#roundTrip(Duration)} does (no delay by default).
         *
         * @param roundTrip the wait added to every answer, zero or more
         * @return this
         * @throws IllegalArgumentException if {@code roundTrip} is negative
         */
        public Builder roundTrip(Duration roundTrip) {
            this.roundTrip = checkRoundTrip(roundTrip);
            return this;
        }

        /** @return a new, not yet started endpoint */
        public FakeKinesis build() {
            return new FakeKinesis(this);
        }
    }
}
