package io.mailgateway.smtp.tls;

import static io.mailgateway.smtp.tls.LoopbackTlsServer.readLine;
import static io.mailgateway.smtp.tls.LoopbackTlsServer.writeLine;
import static io.mailgateway.smtp.tls.RawClientHello.ALERT_HANDSHAKE_FAILURE;
import static io.mailgateway.smtp.tls.RawClientHello.ALERT_PROTOCOL_VERSION;
import static io.mailgateway.smtp.tls.RawClientHello.CONTENT_ALERT;
import static io.mailgateway.smtp.tls.RawClientHello.CONTENT_HANDSHAKE;
import static io.mailgateway.smtp.tls.RawClientHello.HANDSHAKE_SERVER_HELLO;
import static io.mailgateway.smtp.tls.TestCertificates.clientTrusting;
import static io.mailgateway.smtp.tls.TestCertificates.writePem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.GatewayProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class ServerHandshakeTest {

    private final ListenerTls tls = ListenerTls.load(new GatewayProperties.Tls(), TestCertificates.newDirectory(),
        "mail.example.test");

    /** A client socket to the server, TLS layered over a plain connection; {@code peerHost} is what it verifies. */
    private static SSLSocket connect(SSLContext client, int port, String peerHost, String[] protocols,
                                     String[] cipherSuites) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        plain.setSoTimeout((int) LoopbackTlsServer.TIMEOUT.toMillis());
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, peerHost, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols != null) {
            parameters.setProtocols(protocols);
        }
        if (cipherSuites != null) {
            parameters.setCipherSuites(cipherSuites);
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String pingPong(SSLSocket socket) throws IOException {
        try (socket) {
            socket.startHandshake();
            writeLine(socket.getOutputStream(), "ping");
            return readLine(socket.getInputStream());
        }
    }

    @Test
    void tls13ClientCompletesTheHandshake() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), "localhost",
                new String[] {"TLSv1.3"}, null);

            assertThat(pingPong(client)).isEqualTo("pong ping");
            LoopbackTlsServer.Outcome outcome = server.outcome();
            assertThat(outcome.failure()).isNull();
            assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
            assertThat(outcome.cipherSuite()).isIn(ServerTlsPolicy.CIPHER_SUITES.subList(0, 3));
        }
    }

    @Test
    void tls12ClientGetsAnEcdheAeadSuite() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), "localhost",
                new String[] {"TLSv1.2"}, null);

            assertThat(pingPong(client)).isEqualTo("pong ping");
            LoopbackTlsServer.Outcome outcome = server.outcome();
            assertThat(outcome.protocol()).isEqualTo("TLSv1.2");
            assertThat(outcome.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void serverOrderOfCipherSuitesWinsOverTheClients() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), "localhost",
                new String[] {"TLSv1.2"}, new String[] {
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});

            pingPong(client);
            assertThat(server.outcome().cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void rsaCertificateFromPemIsServedWithEcdheRsaOverTls12() throws Exception {
        Path dir = TestCertificates.newDirectory();
        KeyPair keys = TestCertificates.rsaKeyPair();
        X509Certificate certificate = TestCertificates.selfSigned(keys, "rsa.example.test", false);
        ListenerTls rsa = ListenerTls.load(TestCertificates.pemPair(
            writePem(dir.resolve("cert.pem"), certificate),
            writePem(dir.resolve("key.pem"), TestCertificates.pkcs8(keys.getPrivate()))), dir, "localhost");

        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(rsa)) {
            SSLSocket client = connect(clientTrusting(certificate), server.port(), "localhost",
                new String[] {"TLSv1.2"}, null);

            assertThat(pingPong(client)).isEqualTo("pong ping");
            assertThat(server.outcome().cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void generatedCertificatePassesHostnameVerificationForLocalhostAndTheLoopbackAddress() throws Exception {
        for (String peerHost : new String[] {"localhost", "127.0.0.1", "mail.example.test"}) {
            try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
                SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), peerHost, null, null);

                assertThat(pingPong(client)).as(peerHost).isEqualTo("pong ping");
            }
        }
    }

    @Test
    void wholeConfiguredChainIsSentSoClientsTrustingOnlyTheCaAccept() throws Exception {
        Path dir = TestCertificates.newDirectory();
        KeyPair caKeys = TestCertificates.ecKeyPair();
        X509Certificate ca = TestCertificates.selfSigned(caKeys, "Test CA", true);
        KeyPair leafKeys = TestCertificates.ecKeyPair();
        X509Certificate leaf = TestCertificates.signedBy(leafKeys, "leaf.example.test", caKeys, ca);
        ListenerTls chained = ListenerTls.load(TestCertificates.pemPair(
            writePem(dir.resolve("chain.pem"), leaf, ca),
            writePem(dir.resolve("key.pem"), TestCertificates.pkcs8(leafKeys.getPrivate()))), dir, "localhost");

        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(chained)) {
            SSLSocket client = connect(clientTrusting(ca), server.port(), "localhost", null, null);

            assertThat(pingPong(client)).isEqualTo("pong ping");
            assertThat(client.getSession().getPeerCertificates()).containsExactly(leaf, ca);
        }
    }

    @Test
    void startTlsLayersTlsOverTheAlreadyConnectedPlainSocket() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.startTls(tls)) {
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
            plain.setSoTimeout((int) LoopbackTlsServer.TIMEOUT.toMillis());
            writeLine(plain.getOutputStream(), "STARTTLS");
            assertThat(readLine(plain.getInputStream())).isEqualTo("220 ready");
            SSLSocket client = (SSLSocket) clientTrusting(tls.certificate()).getSocketFactory()
                .createSocket(plain, "localhost", server.port(), true);

            assertThat(pingPong(client)).isEqualTo("pong ping");
            assertThat(server.outcome().received()).isEqualTo("ping");
            assertThat(plain.isClosed()).as("closing the TLS socket closes the plain one").isTrue();
        }
    }

    @Test
    void wrappedSocketIsInServerModeWithThePolicyApplied() throws Exception {
        try (LoopbackTlsServer ignored = LoopbackTlsServer.implicitTls(tls);
             Socket plain = new Socket(InetAddress.getLoopbackAddress(), ignored.port());
             SSLSocket wrapped = tls.wrapServerSide(plain)) {

            assertThat(wrapped.getUseClientMode()).isFalse();
            assertThat(wrapped.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(wrapped.getEnabledCipherSuites()).containsExactly(tls.serverParameters().getCipherSuites());
            assertThat(wrapped.getNeedClientAuth()).isFalse();
            assertThat(wrapped.getWantClientAuth()).isFalse();
        }
    }

    @Test
    void clientLimitedToTls11IsRefused() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), "localhost",
                new String[] {"TLSv1.1"}, null);

            assertThatThrownBy(() -> pingPong(client)).isInstanceOf(SSLException.class);
            assertThat(server.outcome().failure()).isNotNull();
        }
    }

    @Test
    void tls11ClientHelloIsAnsweredWithAProtocolVersionAlert() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            RawClientHello.Reply reply = RawClientHello.send(server.port(), RawClientHello.TLS_1_1,
                RawClientHello.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, RawClientHello.TLS_RSA_WITH_AES_128_CBC_SHA);

            assertThat(reply.contentType()).isEqualTo(CONTENT_ALERT);
            assertThat(reply.second()).isEqualTo(ALERT_PROTOCOL_VERSION);
            assertThat(server.outcome().failure()).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void clientOfferingOnlyCbcOrStaticRsaSuitesIsRefused() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            SSLSocket client = connect(clientTrusting(tls.certificate()), server.port(), "localhost",
                new String[] {"TLSv1.2"}, new String[] {
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});

            assertThatThrownBy(() -> pingPong(client)).isInstanceOf(SSLException.class);
            assertThat(server.outcome().failure()).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void tls12ClientHelloWithOnlyCbcOrStaticRsaSuitesIsAnsweredWithAHandshakeFailureAlert() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            RawClientHello.Reply reply = RawClientHello.send(server.port(), RawClientHello.TLS_1_2,
                RawClientHello.TLS_RSA_WITH_AES_128_CBC_SHA, RawClientHello.TLS_RSA_WITH_AES_128_GCM_SHA256,
                RawClientHello.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, RawClientHello.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);

            assertThat(reply.contentType()).isEqualTo(CONTENT_ALERT);
            assertThat(reply.second()).isEqualTo(ALERT_HANDSHAKE_FAILURE);
        }
    }

    @Test
    void sameTls12ClientHelloOfferingAnEcdheGcmSuiteIsAnsweredWithAServerHello() throws Exception {
        try (LoopbackTlsServer server = LoopbackTlsServer.implicitTls(tls)) {
            RawClientHello.Reply reply = RawClientHello.send(server.port(), RawClientHello.TLS_1_2,
                RawClientHello.TLS_RSA_WITH_AES_128_CBC_SHA, RawClientHello.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);

            assertThat(reply.contentType()).isEqualTo(CONTENT_HANDSHAKE);
            assertThat(reply.first()).isEqualTo(HANDSHAKE_SERVER_HELLO);
        }
    }

    @Test
    void serverParametersOfferOnlyTls13And12WithForwardSecretAeadSuitesInServerOrder() {
        SSLParameters parameters = tls.serverParameters();

        assertThat(parameters.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(parameters.getCipherSuites())
            .isNotEmpty()
            .allMatch(suite -> suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || suite.matches("TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)"))
            .contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(parameters.getUseCipherSuitesOrder()).isTrue();
        assertThat(parameters.getNeedClientAuth()).isFalse();
        assertThat(parameters.getWantClientAuth()).isFalse();
    }

    @Test
    void serverParametersAreAFreshCopyEachTime() {
        tls.serverParameters().setProtocols(new String[] {"TLSv1"});

        assertThat(Arrays.asList(tls.serverParameters().getProtocols())).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
