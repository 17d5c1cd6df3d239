package io.shardwise.producer.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP transport of {@link FakeKinesis}, on Netty (which the SDK's Netty client already brings):
 * HTTP/1.1 with keep-alive and HTTP/2 on the same port, since the SDK v2 Kinesis async client uses
 * HTTP/2 by default (prior knowledge on {@code http://}, no ALPN needed on {@code https://}). A
 * connection is HTTP/2 if it starts with the HTTP/2 preface or asks for {@code Upgrade: h2c}, else
 * HTTP/1.1. Optional TLS in front of the same detection.
 *
 * <p>Netty's event loops only do I/O; requests are handled on a worker pool (so the streams of one
 * HTTP/2 connection are handled in parallel) and answered through the channel, late ones via the
 * event loop's scheduler without holding a thread.
 *
 * <p>Thread-safe; started once, closed once.
 *
 * <p>Long because HTTP/1.1, h2c upgrade, HTTP/2 prior knowledge and TLS share one port and one
 * detection, which is clearer in one class than spread over pipeline handlers in several.
 */
final class NettyServer implements AutoCloseable {
    /**
     * Where late answers wait. A seam for tests, which hold answers until they release them; the
     * endpoint's own is {@link #EVENT_LOOP}.
     */
    @FunctionalInterface
    interface LateAnswers {
        /** The channel's event loop's scheduler: the answer waits without holding a thread. */
        LateAnswers EVENT_LOOP = (loop, answer, delayNanos) -> loop.schedule(answer, delayNanos, TimeUnit.NANOSECONDS);

        /**
         * Runs {@code answer} (which writes a late reply to its channel, from any thread) after
         * {@code delayNanos}.
         *
         * @param loop the event loop of the answer's channel
         * @return a handle cancelled if the channel closes first
         * @throws RejectedExecutionException if the answer cannot be scheduled (the loop is shutting down)
         */
        Future<?> schedule(EventExecutor loop, Runnable answer, long delayNanos);
    }

    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);
    /**
     * Largest request body accepted: 10 MiB of records as base64 JSON (13.4 MiB), with room for a
     * request somewhat over the limit to be read and answered with the service's error.
     */
    private static final int MAX_BODY = 32 * 1024 * 1024;
    /** Flow-control windows, large enough that a 10 MiB request never waits for a window update. */
    private static final int STREAM_WINDOW = 16 * 1024 * 1024;
    private static final int CONNECTION_WINDOW = 64 * 1024 * 1024;
    /** Largest HTTP/2 frame the client may send: a typical PutRecords body fits in one DATA frame. */
    private static final int MAX_FRAME = 1024 * 1024;
    private static final AsciiString TARGET = AsciiString.cached("x-amz-target");
    private static final AsciiString REQUEST_ID = AsciiString.cached("x-amzn-requestid");
    private static final AsciiString ERROR_TYPE = AsciiString.cached("x-amzn-errortype");
    private static final ThreadLocal<byte[]> BODY = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    /** Request buffers above this size are not kept for reuse. */
    private static final int KEEP_BUFFER_MAX = 8 * 1024 * 1024;

    private final RequestRouter api;
    private final Stats stats;
    private final SSLContext ssl;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final RequestHandler handler = new RequestHandler();
    private final AtomicLong requestIds = new AtomicLong();
    private final Channel serverChannel;
    private final LateAnswers lateAnswers;
    /** Late answers scheduled and not yet written or cancelled. */
    private final Set<LateAnswer> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    NettyServer(RequestRouter api, Stats stats, SSLContext sslContext, int port, int ioThreads, int workerThreads,
            String name, LateAnswers lateAnswers) {
        this.api = api;
        this.lateAnswers = lateAnswers;
        this.stats = stats;
        this.ssl = sslContext;
        this.boss = new NioEventLoopGroup(1, daemonThreads(name + "-accept-"));
        this.io = new NioEventLoopGroup(ioThreads, daemonThreads(name + "-io-"));
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads(name + "-worker-"));
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            stats.connections.increment();
                            configure(ch);
                        }
                    });
            this.serverChannel = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        } catch (Exception e) { // bind() rethrows a BindException unchecked
            shutdown();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new UncheckedIOException("Cannot start FakeKinesis on 127.0.0.1:" + port,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** @return the bound port */
    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    private void configure(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            SSLEngine engine = ssl.createSSLEngine();
            engine.setUseClientMode(false);
            p.addLast(new SslHandler(engine));
        }
        HttpServerCodec http1 = new HttpServerCodec(8192, 32 * 1024, 64 * 1024);
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                AsciiString.contentEquals("h2c", protocol) ? new Http2ServerUpgradeCodec(http2Codec(),
                        new WindowOpener(), new Http2MultiplexHandler(streamInitializer())) : null, MAX_BODY);
        p.addLast(new CleartextHttp2ServerUpgradeHandler(http1, upgrade, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                // the connection started with the HTTP/2 preface (prior knowledge)
                c.pipeline().addLast(http2Codec(), new WindowOpener(), new Http2MultiplexHandler(streamInitializer()));
            }
        }));
        p.addLast(new SimpleChannelInboundHandler<HttpMessage>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                // plain HTTP/1.1: no preface, no upgrade
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.addAfter(ctx.name(), null, handler);
                pipeline.replace(this, null, new HttpObjectAggregator(MAX_BODY));
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        });
    }

    private static Http2FrameCodec http2Codec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW).maxFrameSize(MAX_FRAME)
                        .maxConcurrentStreams(10_000))
                .build();
    }

    private ChannelInitializer<Http2StreamChannel> streamInitializer() {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new HttpObjectAggregator(MAX_BODY),
                        handler);
            }
        };
    }

    /** Widens the HTTP/2 connection's receive window once the codec is in place. */
    private static final class WindowOpener extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                open(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open(ctx);
            ctx.fireChannelActive();
        }

        private void open(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - 65_535));
            ctx.pipeline().remove(this);
        }
    }

    /** Hands every complete request to the worker pool. Shared by all connections and streams. */
    @ChannelHandler.Sharable
    private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        RequestHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            try {
                workers.execute(() -> process(ctx, request));
            } catch (RejectedExecutionException e) {
                request.release();
                ctx.channel().close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!closed) {
                log.debug("FakeKinesis connection error", cause);
            }
            ctx.channel().close();
        }
    }

    private void process(ChannelHandlerContext ctx, FullHttpRequest request) {
        Reply reply;
        boolean keepAlive;
        boolean http2 = ctx.channel() instanceof Http2StreamChannel;
        try {
            keepAlive = http2 || HttpUtil.isKeepAlive(request);
            if (http2) {
                stats.http2Requests.increment();
            }
            ByteBuf content = request.content();
            int length = content.readableBytes();
            byte[] body = BODY.get();
            if (body.length < length) {
                body = new byte[length];
                if (length <= KEEP_BUFFER_MAX) {
                    BODY.set(body);
                }
            }
            content.getBytes(content.readerIndex(), body, 0, length);
            String target = request.headers().get(TARGET);
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            request.release();
            request = null;
            reply = api.handle(target, contentType, body, length);
        } catch (Throwable t) {
            if (request != null) {
                request.release();
            }
            log.warn("FakeKinesis failed to handle a request", t);
            reply = Wire.error(false, 500, "InternalFailure", "FakeKinesis failed: " + t);
            keepAlive = false;
        }
        if (reply.drop) {
            ctx.channel().close(); // HTTP/1.1: closes the connection; HTTP/2: resets the stream
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status), ctx.alloc().buffer(reply.length).writeBytes(reply.body, 0,
                        reply.length));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.length)
                .set(REQUEST_ID, Long.toHexString(requestIds.incrementAndGet()) + "-fake-kinesis");
        if (reply.errorType != null) {
            response.headers().set(ERROR_TYPE, reply.errorType);
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        boolean close = !keepAlive;
        if (reply.delayNanos > 0) {
            LateAnswer answer = new LateAnswer(ctx, response, close);
            waiting.add(answer);
            try {
                answer.scheduled(lateAnswers.schedule(ctx.executor(), answer, reply.delayNanos));
                // An answer still waiting when its channel closes (the client gave up) is released here instead
                // of leaking; close() releases those still waiting when the endpoint closes, since the event
                // loops then drop their scheduled tasks and may refuse to run this listener.
                ctx.channel().closeFuture().addListener(f -> answer.cancel());
            } catch (RejectedExecutionException e) {
                waiting.remove(answer);
                response.release();
            }
        } else {
            write(ctx, response, close);
        }
    }

    /** A late answer: written when its time comes, or cancelled and released when its channel or the endpoint closes. */
    private final class LateAnswer implements Runnable {
        private final ChannelHandlerContext ctx;
        private final FullHttpResponse response;
        private final boolean close;
        /** The scheduled task; set right after scheduling. */
        private volatile Future<?> later;
        /** Whether a cancel came, possibly before the task was set. */
        private volatile boolean cancelled;

        LateAnswer(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
            this.ctx = ctx;
            this.response = response;
            this.close = close;
        }

        @Override
        public void run() {
            waiting.remove(this);
            write(ctx, response, close);
        }

        void scheduled(Future<?> task) {
            later = task;
            if (cancelled) {
                cancel(); // the channel or the endpoint closed while it was being scheduled
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> f = later;
            if (f != null && f.cancel(false)) {
                waiting.remove(this);
                response.release();
            }
        }
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
        if (!ctx.channel().isActive()) {
            response.release(); // the client gave up (e.g. timed out before a slow answer)
            return;
        }
        if (close) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().syncUninterruptibly();
        for (LateAnswer answer : waiting) {
            answer.cancel();
        }
        shutdown();
    }

    private void shutdown() {
        workers.shutdownNow();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
