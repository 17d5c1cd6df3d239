package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Measures PutRecords throughput against {@link FakeKinesis} with one SDK client: 500-entry batches
 * of 100-byte records with random keys, a few requests in flight. Prints records/s and the CPU the
 * endpoint's own threads used per record; asserts only that everything sent was stored (timing never
 * decides a test). Runs briefly by default; {@code -Dfakekinesis.benchmark.seconds=20} for a real run.
 */
class FakeKinesisThroughputTest {
    private static final int BATCH = 500;
    private static final int RECORD_BYTES = 100;

    record Result(String name, long records, double seconds, double serverCpuSeconds, double processCpuSeconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        @Override
        public String toString() {
            return String.format("%-22s %,10.0f records/s  %6.1f MB/s  endpoint CPU %5.2f us/record  process CPU %5.2f "
                            + "us/record", name, recordsPerSecond(), recordsPerSecond() * RECORD_BYTES / 1e6,
                    serverCpuSeconds * 1e6 / records, processCpuSeconds * 1e6 / records);
        }
    }

    @Test
    void putRecordsThroughput() throws Exception {
        double seconds = Double.parseDouble(System.getProperty("fakekinesis.benchmark.seconds", "0.4"));
        int inFlight = Integer.getInteger("fakekinesis.benchmark.inFlight", 4);
        List<Result> results = new ArrayList<>();
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("bench", 64).enforceShardLimits(false)
                .retainRecords(false).build().start()) {
            for (String config : System.getProperty("fakekinesis.benchmark.configs", "cbor-h2,cbor-h1,json-h2,raw")
                    .split(",")) {
                results.add(run(config.trim(), kinesis, seconds, inFlight));
            }
        }
        System.out.printf("FakeKinesis PutRecords throughput, %d x %d-byte records per request, %d in flight, %d cores:%n",
                BATCH, RECORD_BYTES, inFlight, Runtime.getRuntime().availableProcessors());
        results.forEach(r -> System.out.println("  " + r));
    }

    /**
     * Runs one configuration: {@code cbor-h2}, {@code cbor-h1}, {@code json-h2} or {@code json-h1}
     * with the SDK client, or {@code raw} (pre-encoded CBOR requests over plain HTTP/1.1 sockets, one
     * per request in flight: the endpoint's own capacity without the SDK's cost).
     */
    private static Result run(String config, FakeKinesis kinesis, double seconds, int inFlight) throws Exception {
        if (config.equals("raw")) {
            return runRaw(kinesis, seconds, inFlight);
        }
        boolean json = config.startsWith("json");
        Protocol protocol = config.endsWith("h1") ? Protocol.HTTP1_1 : Protocol.HTTP2;
        String previous = System.getProperty("aws.cborEnabled");
        if (json) {
            System.setProperty("aws.cborEnabled", "false");
        }
        try (KinesisAsyncClient client = kinesis.clientBuilder(h -> h.protocol(protocol)
                .eventLoopGroup(TestClients.EVENT_LOOP)).build()) {
            return run((json ? "JSON" : "CBOR") + (protocol == Protocol.HTTP2 ? ", HTTP/2" : ", HTTP/1.1"), kinesis,
                    client, seconds, inFlight);
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
    }

    private static Result run(String name, FakeKinesis kinesis, KinesisAsyncClient client, double seconds, int inFlight)
            throws Exception {
        Random random = new Random(1);
        byte[] data = new byte[RECORD_BYTES];
        random.nextBytes(data);
        SdkBytes payload = SdkBytes.fromByteArrayUnsafe(data);
        List<List<PutRecordsRequestEntry>> batches = new ArrayList<>();
        for (int b = 0; b < 64; b++) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey(Long.toHexString(random.nextLong()))
                        .data(payload).build());
            }
            batches.add(batch);
        }
        // warm-up, untimed
        drive(client, batches, inFlight, System.nanoTime() + (long) (Math.min(seconds, 2.0) * 1e9));
        kinesis.resetCounters();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long serverCpu0 = endpointCpuNanos(threads);
        long processCpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long sent = drive(client, batches, inFlight, t0 + (long) (seconds * 1e9));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long serverCpu = endpointCpuNanos(threads) - serverCpu0;
        long processCpu = os.getProcessCpuTime() - processCpu0;
        FakeKinesis.Counters c = kinesis.counters();
        assertThat(c.entriesStored()).isEqualTo(sent);
        assertThat(c.entriesReceived()).isEqualTo(sent);
        return new Result(name, sent, elapsed, serverCpu / 1e9, processCpu / 1e9);
    }

    /** @return records stored (all succeed: no limits, no faults) */
    private static long drive(KinesisAsyncClient client, List<List<PutRecordsRequestEntry>> batches, int inFlight,
            long deadline) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong stored = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        int i = 0;
        while (System.nanoTime() < deadline && error.get() == null) {
            permits.acquire();
            List<PutRecordsRequestEntry> batch = batches.get(i++ % batches.size());
            client.putRecords(b -> b.streamName("bench").records(batch)).whenComplete((r, e) -> {
                if (e != null) {
                    error.compareAndSet(null, e);
                } else {
                    stored.addAndGet(r.records().size() - r.failedRecordCount());
                }
                permits.release();
            });
        }
        assertThat(permits.tryAcquire(inFlight, 30, TimeUnit.SECONDS)).isTrue();
        if (error.get() != null) {
            throw new AssertionError("PutRecords failed", error.get());
        }
        return stored.get();
    }

    private static Result runRaw(FakeKinesis kinesis, double seconds, int connections) throws Exception {
        Random random = new Random(2);
        List<byte[]> requests = new ArrayList<>();
        for (int v = 0; v < 16; v++) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.dataformat.cbor.CBORFactory()
                    .createGenerator(body)) {
                g.writeStartObject();
                g.writeStringField("StreamName", "bench");
                g.writeFieldName("Records");
                g.writeStartArray();
                byte[] data = new byte[RECORD_BYTES];
                for (int i = 0; i < BATCH; i++) {
                    random.nextBytes(data);
                    g.writeStartObject();
                    g.writeBinaryField("Data", data);
                    g.writeStringField("PartitionKey", Long.toHexString(random.nextLong()));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            byte[] head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-cbor-1.1\r\n"
                    + "X-Amz-Target: Kinesis_20131202.PutRecords\r\nContent-Length: " + body.size() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            request.write(head);
            body.writeTo(request);
            requests.add(request.toByteArray());
        }
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicLong responses = new AtomicLong();
        java.util.function.LongFunction<Thread[]> start = deadline -> {
            Thread[] ts = new Thread[connections];
            for (int c = 0; c < connections; c++) {
                int offset = c;
                ts[c] = new Thread(() -> {
                    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", kinesis.port())) {
                        socket.setTcpNoDelay(true);
                        java.io.OutputStream out = socket.getOutputStream();
                        java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 256 * 1024);
                        byte[] sink = new byte[256 * 1024];
                        for (int n = offset; System.nanoTime() < deadline; n++) {
                            out.write(requests.get(n % requests.size()));
                            out.flush();
                            readResponse(in, sink);
                            responses.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        error.compareAndSet(null, t);
                    }
                }, "raw-load-" + c);
                ts[c].start();
            }
            return ts;
        };
        for (Thread t : start.apply(System.nanoTime() + (long) (Math.min(seconds, 2.0) * 1e9))) {
            t.join();
        }
        kinesis.resetCounters();
        responses.set(0);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long serverCpu0 = endpointCpuNanos(threads);
        long processCpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (Thread t : start.apply(t0 + (long) (seconds * 1e9))) {
            t.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long serverCpu = endpointCpuNanos(threads) - serverCpu0;
        long processCpu = os.getProcessCpuTime() - processCpu0;
        if (error.get() != null) {
            throw new AssertionError("raw load failed", error.get());
        }
        long sent = responses.get() * BATCH;
        assertThat(kinesis.counters().entriesStored()).isEqualTo(sent);
        return new Result("CBOR, raw HTTP/1.1", sent, elapsed, serverCpu / 1e9, processCpu / 1e9);
    }

    /** Reads one HTTP/1.1 response with a Content-Length, checking for status 200. */
    private static void readResponse(java.io.InputStream in, byte[] sink) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r') {
                break;
            }
        }
        String h = head.toString();
        if (!h.startsWith("HTTP/1.1 200")) {
            throw new java.io.IOException("unexpected answer: " + h);
        }
        int i = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        int end = h.indexOf('\r', i);
        int length = Integer.parseInt(h.substring(i + "content-length:".length(), end).trim());
        int read = in.readNBytes(sink, 0, length);
        if (read != length) {
            throw new java.io.EOFException("answer cut short");
        }
    }

    private static long endpointCpuNanos(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("fake-kinesis-")) {
                long n = mx.getThreadCpuTime(t.getId());
                if (n > 0) {
                    sum += n;
                }
            }
        }
        return sum;
    }
}
