package io.mailgateway.delivery;

import io.mailgateway.config.GatewayProperties;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates the gateway accepts from its smart host: those the configured trust store
 * ({@code gateway.delivery.smarthost.trust-store}) vouches for, else those the JVM's default trust store does.
 * The delivery and {@code doctor} use this one definition, so doctor's verdict is the delivery's.
 */
public final class SmartHostTrust {

    private SmartHostTrust() {
    }

    /** The trust decision itself, for checking a chain after the fact. */
    public static X509TrustManager trustManager(GatewayProperties.SmartHost config) {
        for (TrustManager manager : factory(config).getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM offers no X.509 trust manager");
    }

    /** An SSL context trusting the configured trust store; only used when one is configured. */
    public static SSLContext trustStoreContext(GatewayProperties.SmartHost config) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory(config).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /** Where the trust comes from, for messages: the trust store's path or "the JVM's default trust store". */
    public static String source(GatewayProperties.SmartHost config) {
        return config.getTrustStore() == null ? "this Java's default trust store"
            : "the trust store " + config.getTrustStore().toAbsolutePath().normalize();
    }

    private static TrustManagerFactory factory(GatewayProperties.SmartHost config) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (config.getTrustStore() == null) {
                trust.init((KeyStore) null);
                return trust;
            }
            try (InputStream in = Files.newInputStream(config.getTrustStore())) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                String password = config.getTrustStorePassword();
                store.load(in, password == null ? null : password.toCharArray());
                trust.init(store);
                return trust;
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                "gateway.delivery.smarthost.trust-store: cannot load " + config.getTrustStore() + ": " + e.getMessage(), e);
        }
    }
}
