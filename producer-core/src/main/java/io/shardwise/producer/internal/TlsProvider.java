package io.shardwise.producer.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.function.BooleanSupplier;

/**
 * Which TLS implementation the producer's own Netty client encrypts with: OpenSSL (the BoringSSL of
 * {@code io.netty:netty-tcnative-boringssl-static}) when the application put it on the class path,
 * the JDK's otherwise. Shardwise never depends on tcnative itself: no native binary is needed.
 *
 * <p>A cold JVM runs the JDK's AES-GCM in Java code until the JIT compiles its intrinsics (a quarter
 * of a cold producer's samples); BoringSSL encrypts natively from the first byte, as the KPL's daemon
 * does, but loading it adds about a second to {@code build()}. Cold (a) (1,000,000 x 100 B, 256
 * shards, {@code benchmarks/run --workloads a-cold [--tls-native]}, two ABBA pairs, 2 shared cores,
 * load 6-17): CPU 13.8-21.4 s with OpenSSL against 16.3-30.6 s with the JDK, records/s 19,905-38,926
 * against 13,893-68,438 (within the noise), {@code build()} 2.1-5.1 s against 1.1-2.0 s.
 *
 * <p>The SDK's own default ({@code SslContext.defaultClientProvider()}) makes the same choice today;
 * stating it here keeps it if that default changes.
 */
final class TlsProvider {
    private TlsProvider() {
    }

    /** @return OpenSSL if netty-tcnative is on the class path and loads on this platform, else the JDK */
    static SslProvider choose() {
        return choose(OpenSsl::isAvailable);
    }

    /** @param openSslAvailable whether netty-tcnative is usable */
    static SslProvider choose(BooleanSupplier openSslAvailable) {
        return openSslAvailable.getAsBoolean() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
