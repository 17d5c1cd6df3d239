package io.shardwise.producer.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The Netty HTTP client of an SDK client the producer builds itself, on Netty event loops of its own
 * that close with it at once.
 *
 * <p>By default every Netty SDK client in the JVM shares one event loop group, and the last client to
 * close shuts it down with a 2 s quiet period and waits for it: closing an idle producer took 2 s.
 * The quiet period is for tasks handed to the loops while they shut down; these loops serve this
 * client only, and they shut down after the client closed its connection pools (the SDK waits for
 * that), so there is nothing left to wait for. Shutting a loop down still runs every task already
 * queued and closes every channel still open.
 */
final class OwnEventLoopsHttpClient implements SdkAsyncHttpClient {
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final SdkAsyncHttpClient netty;
    private final SdkEventLoopGroup eventLoops;

    /**
     * The HTTP client every producer-built SDK client uses: enough connections for the requests in
     * flight, on event loops of its own, encrypting with OpenSSL when netty-tcnative is on the class
     * path ({@link TlsProvider}).
     */
    static SdkAsyncHttpClient.Builder<?> forEngine(EngineConfig config) {
        return new Builder(NettyNioAsyncHttpClient.builder()
                .sslProvider(TlsProvider.choose())
                .maxConcurrency(Math.max(50, config.maxInFlightRequests() + 8))
                .connectionAcquisitionTimeout(java.time.Duration.ofSeconds(30)));
    }

    private OwnEventLoopsHttpClient(SdkAsyncHttpClient netty, SdkEventLoopGroup eventLoops) {
        this.netty = netty;
        this.eventLoops = eventLoops;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        return netty.execute(request);
    }

    @Override
    public String clientName() {
        return netty.clientName();
    }

    @Override
    public void close() {
        try {
            netty.close();
        } finally {
            // Quiet period 0; the timeout and the wait are the SDK's own (15 s, 16 s).
            eventLoops.eventLoopGroup().shutdownGracefully(0, 15, TimeUnit.SECONDS).awaitUninterruptibly(16, TimeUnit.SECONDS);
        }
    }

    /** Builds the client, with its event loops, when the SDK client builder asks for it (once per SDK client). */
    static final class Builder implements SdkAsyncHttpClient.Builder<Builder> {
        private final NettyNioAsyncHttpClient.Builder netty;

        Builder(NettyNioAsyncHttpClient.Builder netty) {
            this.netty = netty;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            int group = GROUPS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            // The SDK's defaults otherwise: as many loops as Netty's default (2 per core), daemon threads.
            SdkEventLoopGroup loops = SdkEventLoopGroup.builder().threadFactory(r -> {
                Thread t = new Thread(r, "shardwise-netty-" + group + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }).build();
            // An event loop group given to the builder is the caller's: the Netty client never shuts it down.
            return new OwnEventLoopsHttpClient(netty.eventLoopGroup(loops).buildWithDefaults(serviceDefaults), loops);
        }
    }
}
