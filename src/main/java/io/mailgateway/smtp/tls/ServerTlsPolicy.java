package io.mailgateway.smtp.tls;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Which protocol versions and cipher suites the listeners offer: TLS 1.3 and 1.2 only, forward-secret AEAD
 * suites only (Mozilla's "intermediate" profile), in the server's order of preference.
 */
final class ServerTlsPolicy {

    /** RFC 8996 deprecates TLS 1.0 and 1.1. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Preferred first. TLS 1.3 suites are all AEAD and forward secret; for TLS 1.2 only ECDHE key exchange
     * with GCM or ChaCha20-Poly1305: no static RSA (no forward secrecy), no CBC (Lucky 13, padding oracles).
     */
    static final List<String> CIPHER_SUITES = List.of(
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final String[] protocols;
    private final String[] cipherSuites;

    private ServerTlsPolicy(String[] protocols, String[] cipherSuites) {
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
    }

    /** The policy intersected with what {@code context}'s provider supports, keeping our order. */
    static ServerTlsPolicy supportedBy(SSLContext context) {
        SSLParameters supported = context.getSupportedSSLParameters();
        String[] protocols = intersect(PROTOCOLS, supported.getProtocols());
        String[] suites = intersect(CIPHER_SUITES, supported.getCipherSuites());
        if (protocols.length == 0 || suites.length == 0) {
            throw new IllegalStateException("this JVM supports none of the TLS protocols " + PROTOCOLS
                + " or none of the cipher suites " + CIPHER_SUITES);
        }
        return new ServerTlsPolicy(protocols, suites);
    }

    /** A fresh, mutable copy each call: SSLParameters is mutable and sockets keep what they are given. */
    SSLParameters serverParameters() {
        SSLParameters parameters = new SSLParameters(cipherSuites.clone(), protocols.clone());
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(false);
        return parameters;
    }

    private static String[] intersect(List<String> wanted, String[] supported) {
        Set<String> available = new HashSet<>(Arrays.asList(supported));
        return wanted.stream().filter(available::contains).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return Arrays.toString(protocols) + " " + Arrays.toString(cipherSuites);
    }
}
