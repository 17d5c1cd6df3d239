package io.shardwise.benchmarks;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The KPL 1.1.1 (Java front end plus its native daemon, a child process of this JVM) with its
 * defaults except what a local endpoint needs: TLS to {@code localhost:port} without certificate
 * verification, metrics off. The driver caps outstanding records (default 20,000), as a real
 * user must: the KPL's Java side slows down sharply with hundreds of thousands outstanding.
 */
final class KplDriver extends Driver {
    private final KinesisProducer kpl;
    private final String stream;
    private final Semaphore outstanding;
    private final AtomicLong throttledAttempts = new AtomicLong();

    KplDriver(String host, int port, String stream, int maxOutstanding) {
        KinesisProducerConfiguration c = new KinesisProducerConfiguration()
                .setRegion("us-east-1")
                .setKinesisEndpoint(host)
                .setKinesisPort(port)
                .setVerifyCertificate(false)
                .setMetricsLevel("none")
                // nothing should go to CloudWatch with metrics off; if it did, keep it local
                .setCloudwatchEndpoint(host)
                .setCloudwatchPort(port)
                .setLogLevel("warning")
                .setCredentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDBENCHMARK", "benchmark-secret")));
        this.kpl = new KinesisProducer(c);
        this.stream = stream;
        this.outstanding = new Semaphore(maxOutstanding);
    }

    @Override
    void add(String partitionKey, byte[] data, long addedAtNanos) throws InterruptedException {
        outstanding.acquire();
        ListenableFuture<UserRecordResult> f = kpl.addUserRecord(stream, partitionKey, ByteBuffer.wrap(data));
        Futures.addCallback(f, new FutureCallback<>() {
            @Override
            public void onSuccess(UserRecordResult result) {
                countThrottles(result);
                outstanding.release();
                completed(addedAtNanos, result.isSuccessful());
            }

            @Override
            public void onFailure(Throwable t) {
                outstanding.release();
                failed(t);
            }
        }, MoreExecutors.directExecutor());
    }

    private void countThrottles(UserRecordResult result) {
        for (Attempt a : result.getAttempts()) {
            if (!a.isSuccessful() && "ProvisionedThroughputExceededException".equals(a.getErrorCode())) {
                throttledAttempts.incrementAndGet();
            }
        }
    }

    @Override
    long throttledEntries() {
        return throttledAttempts.get();
    }

    @Override
    String throttledUnit() {
        return "user-record attempts";
    }

    @Override
    void stopForExit() {
        kpl.destroy();                            // kills the native daemon
    }
}
