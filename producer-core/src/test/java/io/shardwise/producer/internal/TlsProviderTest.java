package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsProviderTest {
    @Test
    void openSslWhenTcnativeIsUsable() {
        assertThat(TlsProvider.choose(() -> true)).isEqualTo(SslProvider.OPENSSL);
    }

    @Test
    void jdkWhenTcnativeIsAbsent() {
        assertThat(TlsProvider.choose(() -> false)).isEqualTo(SslProvider.JDK);
    }

    @Test
    void producerCoreDoesNotBringTcnative() {
        // tcnative is the application's choice: producer-core's own class path (this test's) must not hold it
        assertThat(TlsProvider.choose()).isEqualTo(SslProvider.JDK);
    }
}
