package io.mailgateway.it.support;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * An Artemis broker that is not the gateway's: started in the test JVM on a loopback TCP port, configured
 * the way the README tells operators to configure a standalone broker — its own broker.xml that includes
 * the shipped artemis-config/external/ files with xi:include — with security on and one user in role
 * "mail-gateway", a plain and a TLS acceptor. The gateways under test run in child JVMs and reach it only
 * over TCP.
 */
public final class StandaloneBroker implements AutoCloseable {

    public static final String USER = "gateway";
    public static final String PASSWORD = "broker-secret-for-tests";

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    private final int port;
    private final int tlsPort;
    private final Path trustStore;

    private StandaloneBroker(int port, int tlsPort, Path trustStore) {
        this.port = port;
        this.tlsPort = tlsPort;
        this.trustStore = trustStore;
    }

    public static StandaloneBroker start(Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        int tlsPort = GatewayProcess.freePort();
        Files.createDirectories(dir);
        // a second acceptor with TLS: a throw-away CA signs the broker's certificate (for 127.0.0.1)
        TestTls.Identity ca = TestTls.certificateAuthority("Standalone Broker Test CA");
        TestTls.Identity server = TestTls.signedBy(ca, "localhost", Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(30)));
        Path keyStore = dir.resolve("broker-keystore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("broker", server.keys().getPrivate(), TestTls.STORE_PASSWORD.toCharArray(), server.chain());
        try (OutputStream out = Files.newOutputStream(keyStore)) {
            store.store(out, TestTls.STORE_PASSWORD.toCharArray());
        }
        Path trustStore = TestTls.trustStore(dir.resolve("truststore.p12"), ca.certificate());
        Path external = Path.of("artemis-config", "external").toAbsolutePath();
        String xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration xmlns="urn:activemq" xmlns:xi="http://www.w3.org/2001/XInclude">
              <core xmlns="urn:activemq:core">
                <name>standalone-for-tests</name>
                <persistence-enabled>true</persistence-enabled>
                <journal-type>NIO</journal-type>
                <journal-sync-transactional>true</journal-sync-transactional>
                <journal-sync-non-transactional>true</journal-sync-non-transactional>
                <persist-id-cache>true</persist-id-cache>
                <id-cache-size>100000</id-cache-size>
                <security-enabled>true</security-enabled>
                <acceptors>
                  <acceptor name="netty">tcp://127.0.0.1:PORT?protocols=CORE</acceptor>
                  <acceptor name="tls">tcp://127.0.0.1:TLSPORT?protocols=CORE;sslEnabled=true;keyStorePath=KEYSTORE;keyStorePassword=PASS;keyStoreType=PKCS12</acceptor>
                </acceptors>
                <xi:include href="DIR/security-settings.xml"/>
                <xi:include href="DIR/address-settings.xml"/>
                <xi:include href="DIR/addresses.xml"/>
              </core>
            </configuration>
            """.replace("TLSPORT", String.valueOf(tlsPort)).replace("KEYSTORE", keyStore.toAbsolutePath().toString())
            .replace("PASS", TestTls.STORE_PASSWORD).replace("PORT", String.valueOf(port)).replace("DIR", external.toUri().toString().replaceAll("/$", ""));
        Path brokerXml = dir.resolve("broker.xml");
        Files.writeString(brokerXml, xml, StandardCharsets.UTF_8);

        FileConfiguration configuration = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(brokerXml.toUri().toString());
        deployment.addDeployable(configuration);
        deployment.readConfiguration();
        configuration.setBrokerInstance(dir.toFile());
        configuration.setJournalDirectory(dir.resolve("journal").toString());
        configuration.setBindingsDirectory(dir.resolve("bindings").toString());
        configuration.setPagingDirectory(dir.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        configuration.setNodeManagerLockDirectory(dir.toString());
        configuration.setJMXManagementEnabled(false);

        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(USER, PASSWORD);
        users.addRole(USER, "mail-gateway");
        StandaloneBroker standalone = new StandaloneBroker(port, tlsPort, trustStore);
        standalone.broker.setConfiguration(configuration);
        standalone.broker.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        standalone.broker.start();
        return standalone;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The TLS acceptor, as a gateway would name it: certificate checked against the test CA, host verified. */
    public String tlsUrl() {
        return "tcp://127.0.0.1:" + tlsPort + "?sslEnabled=true&verifyHost=true&trustStoreType=PKCS12&trustStorePath="
            + trustStore.toAbsolutePath() + "&trustStorePassword=" + TestTls.STORE_PASSWORD;
    }

    public EmbeddedActiveMQ broker() {
        return broker;
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
