package dev.lookout.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for the API: the server's certificate from a PKCS12 keystore, and the certificates this
 * instance trusts when it calls other instances (a PKCS12 truststore; the JDK's default CAs when
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

    /** The HTTPS connector of the server; limits set on {@code http} apply to it too. */
    ServerConnector connector(final Server server, final HttpConfiguration http) {
        final SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keyStore.toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(keyStorePassword);
        final HttpConfiguration https = new HttpConfiguration(http);
        https.setSecureScheme("https");
        final SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Whether the client used a name the certificate covers is the client's check; with the
        // server-side check on, a request by an address the certificate lacks gets a 400.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
    }

    /** The client side: trusts the truststore's certificates, or the JDK's CAs. */
    SSLContext clientContext() {
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
