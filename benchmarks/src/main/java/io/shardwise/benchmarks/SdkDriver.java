package io.shardwise.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The plain AWS SDK v2 way: collect records into PutRecords requests of up to 500 entries (and
 * 5 MiB), send at most {@code concurrency} requests at once with {@link KinesisAsyncClient}, re-send
 * failed entries after 100 ms, no aggregation, no shard awareness. A partial batch goes out after
 * 100 ms. The driver caps outstanding records (default 20,000).
 *
 * <p>Batches are built only on the adding thread ({@link #add}, {@link #pump}); completions run on
 * the SDK's response threads and hand failed entries back through a concurrent queue.
 */
final class SdkDriver extends Driver {
    private static final int MAX_ENTRIES = 500;
    private static final long MAX_BYTES = 5L * 1024 * 1024;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Pending(PutRecordsRequestEntry entry, long addedAtNanos, long bytes, long readyAtNanos) {
    }

    private final KinesisAsyncClient client;
    private final String stream;
    private final Semaphore inFlight;
    private final Semaphore outstanding;
    private final ConcurrentLinkedQueue<Pending> retries = new ConcurrentLinkedQueue<>();
    private final AtomicLong throttled = new AtomicLong();

    private List<Pending> batch = new ArrayList<>(MAX_ENTRIES);
    private long batchBytes;
    private long batchStartNanos;

    SdkDriver(String scheme, String host, int port, String stream, int concurrency, int maxOutstanding) {
        this.client = KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(scheme + "://" + host + ":" + port))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDBENCHMARK", "benchmark-secret")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(Math.max(50, concurrency * 2)))
                .build();
        this.stream = stream;
        this.inFlight = new Semaphore(concurrency);
        this.outstanding = new Semaphore(maxOutstanding);
    }

    @Override
    void add(String partitionKey, byte[] data, long addedAtNanos) throws InterruptedException {
        while (!outstanding.tryAcquire(1, TimeUnit.MILLISECONDS)) {
            pump();
        }
        PutRecordsRequestEntry e = PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .build();
        append(new Pending(e, addedAtNanos, data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length, 0));
        pump();
    }

    @Override
    void pump() {
        long now = System.nanoTime();
        Pending r;
        while ((r = retries.peek()) != null && r.readyAtNanos() <= now) {
            retries.poll();
            append(r);
        }
        if (!batch.isEmpty() && now - batchStartNanos >= LINGER_NANOS) {
            send();
        }
    }

    private void append(Pending p) {
        if (batch.size() == MAX_ENTRIES || (!batch.isEmpty() && batchBytes + p.bytes() > MAX_BYTES)) {
            send();
        }
        if (batch.isEmpty()) {
            batchStartNanos = System.nanoTime();
        }
        batch.add(p);
        batchBytes += p.bytes();
        if (batch.size() == MAX_ENTRIES) {
            send();
        }
    }

    private void send() {
        List<Pending> sending = batch;
        batch = new ArrayList<>(MAX_ENTRIES);
        batchBytes = 0;
        inFlight.acquireUninterruptibly();
        List<PutRecordsRequestEntry> entries = new ArrayList<>(sending.size());
        for (Pending p : sending) {
            entries.add(p.entry());
        }
        client.putRecords(PutRecordsRequest.builder().streamName(stream).records(entries).build())
                .whenComplete((response, error) -> {
                    inFlight.release();
                    long retryAt = System.nanoTime() + RETRY_DELAY_NANOS;
                    for (int i = 0; i < sending.size(); i++) {
                        Pending p = sending.get(i);
                        PutRecordsResultEntry result = error == null ? response.records().get(i) : null;
                        if (result != null && result.errorCode() == null) {
                            outstanding.release();
                            completed(p.addedAtNanos(), true);
                        } else {
                            if (result != null && "ProvisionedThroughputExceededException".equals(result.errorCode())) {
                                throttled.incrementAndGet();
                            }
                            retries.add(new Pending(p.entry(), p.addedAtNanos(), p.bytes(), retryAt));
                        }
                    }
                });
    }

    @Override
    long throttledEntries() {
        return throttled.get();
    }

    @Override
    String throttledUnit() {
        return "Kinesis entries";
    }
}
