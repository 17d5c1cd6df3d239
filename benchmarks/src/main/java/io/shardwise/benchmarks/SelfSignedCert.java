package io.shardwise.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made at run time with the
 * JDK's {@code keytool}: the server's key store (for {@link SSLContext}) and a trust store holding
 * only the certificate, which the forked JVMs get as {@code javax.net.ssl.trustStore}.
 */
final class SelfSignedCert {
    static final String PASSWORD = "changeit";

    final Path keyStore;
    final Path trustStore;
    final SSLContext serverContext;

    private SelfSignedCert(Path keyStore, Path trustStore, SSLContext serverContext) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.serverContext = serverContext;
    }

    static SelfSignedCert create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path keys = dir.resolve("endpoint-key.p12");
        Path trust = dir.resolve("endpoint-trust.p12");
        Files.deleteIfExists(keys);
        Files.deleteIfExists(trust);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "endpoint", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "7", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = ks.getCertificate("endpoint");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("endpoint", cert);
        try (OutputStream o = Files.newOutputStream(trust)) {
            ts.store(o, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return new SelfSignedCert(keys, trust, ctx);
    }
}
