package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** {@link FakeKinesis} over HTTPS with a self-signed certificate (made with the JDK's keytool). */
class FakeKinesisTlsTest {

    static SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("fake-kinesis.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out)).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Test
    void servesHttp2AndHttp1OverTls(@TempDir Path dir) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().https(selfSigned(dir)).stream("tls", 2).build().start()) {
            assertThat(kinesis.endpoint().getScheme()).isEqualTo("https");
            List<PutRecordsRequestEntry> entries = List.of(
                    PutRecordsRequestEntry.builder().partitionKey("a").data(SdkBytes.fromUtf8String("1")).build(),
                    PutRecordsRequestEntry.builder().partitionKey("b").data(SdkBytes.fromUtf8String("2")).build());
            try (KinesisAsyncClient h2 = kinesis.newClient();
                 KinesisAsyncClient h1 = kinesis.clientBuilder(h -> h.protocol(Protocol.HTTP1_1)).build()) {
                PutRecordsResponse r2 = h2.putRecords(b -> b.streamName("tls").records(entries)).get(30, TimeUnit.SECONDS);
                assertThat(r2.failedRecordCount()).isZero();
                assertThat(kinesis.counters().http2Requests()).isEqualTo(1);
                PutRecordsResponse r1 = h1.putRecords(b -> b.streamName("tls").records(entries)).get(30, TimeUnit.SECONDS);
                assertThat(r1.failedRecordCount()).isZero();
                assertThat(kinesis.counters().http2Requests()).isEqualTo(1);
                assertThat(kinesis.counters().requests("PutRecords")).isEqualTo(2);
            }
            assertThat(kinesis.records("tls")).hasSize(4);
        }
    }
}
