package dev.lookout.app.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS for the API: the server's certificate from a PKCS12 keystore (the HTTP layer builds its
 * connector from it), and the certificates this instance trusts when it calls other instances (a PKCS12 truststore; the JDK's default CAs when
 * none is given). The JDK client checks that a peer's certificate names the host in its
 * {@code application.server}.
 */
public record Tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /**
     * Opens both stores once, so that a wrong path or password stops the start with a clear message.
     *
     * @throws IllegalArgumentException naming the store and the problem
     */
    public Tls {
        load(keyStore, keyStorePassword, "--tls-keystore");
        if (trustStore != null) {
            load(trustStore, trustStorePassword, "--tls-truststore");
        }
    }

    private static KeyStore load(final Path path, final String password, final String option) {
        if (path == null || !Files.isReadable(path)) {
            throw new IllegalArgumentException(option + ": cannot read " + path);
        }
        try (InputStream in = Files.newInputStream(path)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(option + ": cannot open " + path + " as PKCS12 (" + e.getMessage() + ")");
        }
    }

    /** The client side: trusts the truststore's certificates, or the JDK's CAs. */
    public SSLContext clientContext() {
        try {
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore == null ? null : load(trustStore, trustStorePassword, "--tls-truststore"));
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for calls to other instances: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Tls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }
}
