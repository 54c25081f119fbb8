package io.mailgateway.config;

import io.mailgateway.console.BrokerQueues;
import io.mailgateway.console.EmbeddedBrokerQueues;
import io.mailgateway.queue.MailBodies;
import io.mailgateway.queue.QueueNames;
import jakarta.jms.ConnectionFactory;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The embedded Artemis broker, built from artemis-config/broker.xml with its folders under
 * {@code gateway.data-dir}, and the JMS plumbing the routes use. None of the embedded beans exist when
 * {@code gateway.broker.url} is set ({@link ExternalBrokerConfiguration}). Spring Boot's own Artemis
 * auto-configuration is excluded (application.yml): its embedded defaults are not durable.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BrokerConfiguration.class);

    /** The gateway's own broker password: random at each start, valid only over the in-VM connector. */
    @Bean
    @Conditional(BrokerMode.Embedded.class)
    InternalBrokerCredentials internalBrokerCredentials() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new InternalBrokerCredentials(BrokerSecurity.INTERNAL_USER,
            Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    /** @param password never logged, never written anywhere */
    public record InternalBrokerCredentials(String user, String password) {
        @Override
        public String toString() {
            return "InternalBrokerCredentials[" + user + "]";
        }
    }

    @Bean(destroyMethod = "stop")
    @Conditional(BrokerMode.Embedded.class)
    EmbeddedActiveMQ embeddedBroker(GatewayProperties properties, InternalBrokerCredentials internal) throws Exception {
        String configFile = properties.getBroker().getConfigFile();
        FileConfiguration configuration = readConfiguration(configFile);

        // The broker's folders always live in the data folder, whatever broker.xml says, so that one
        // setting (gateway.data-dir) decides where mail is kept.
        Path brokerDir = brokerDir(properties.getDataDir());
        configuration.setBrokerInstance(brokerDir.toFile());
        configuration.setJournalDirectory(brokerDir.resolve("journal").toString());
        configuration.setBindingsDirectory(brokerDir.resolve("bindings").toString());
        configuration.setPagingDirectory(brokerDir.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(brokerDir.resolve("large-messages").toString());
        configuration.setNodeManagerLockDirectory(brokerDir.toString());
        // The broker's own disk limit blocks producers: an SMTP session would hang in DATA until the send
        // times out. The gateway refuses new mail itself at gateway.disk.min-free (452 4.3.1, StorageGuard),
        // so the broker's limit, whatever broker.xml says, sits below that one: it only stops what was already
        // accepted when the minimum was crossed, and only if that still fills the disk. A percentage
        // (max-disk-usage) would not do: on a large disk 95% used still leaves gigabytes, far above the minimum.
        configuration.setMaxDiskUsage(-1);
        configuration.setMinDiskFree(brokerMinDiskFree(properties.getDisk().getMinFree().toBytes()));

        List<String> problems = BrokerSafetyCheck.beforeStart(configuration.isPersistenceEnabled(),
            configuration.isJournalSyncTransactional(), configuration.isJournalSyncNonTransactional(),
            properties.getDataDir(), Path.of(System.getProperty("java.io.tmpdir")));
        if (!problems.isEmpty()) {
            throw BrokerSafetyCheck.refuse(configFile, problems);
        }
        Files.createDirectories(brokerDir);

        GatewayProperties.Jms jms = properties.getJms();
        if (jms.isEnabled()) {
            declareIntake(configuration, jms);
        }
        configuration.setSecurityEnabled(true);

        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(configuration);
        broker.setSecurityManager(new BrokerSecurity(internal.password(),
            jms.credentialsConfigured() ? jms.getUsername() : null,
            jms.credentialsConfigured() ? jms.getPassword() : null, jms.getQueue()));
        // the platform MBean server, so that Hawtio and jconsole see the queues
        broker.setMbeanServer(ManagementFactory.getPlatformMBeanServer());
        broker.start();

        ActiveMQServer server = broker.getActiveMQServer();
        List<String> addressProblems = new ArrayList<>();
        boolean deadQueueExists = server.locateQueue(SimpleString.of(QueueNames.DEAD)) != null;
        for (String address : List.of(QueueNames.OUTBOUND, QueueNames.DEAD)) {
            if (server.locateQueue(SimpleString.of(address)) == null) {
                addressProblems.add("queue " + address + " is not declared in <addresses>");
            }
            addressProblems.addAll(BrokerSafetyCheck.forAddress(address,
                server.getAddressSettingsRepository().getMatch(address), deadQueueExists));
        }
        if (!addressProblems.isEmpty()) {
            broker.stop();
            throw BrokerSafetyCheck.refuse(configFile, addressProblems);
        }
        log.info("[broker] embedded Artemis started, journal in {}", brokerDir);
        if (jms.isEnabled()) {
            if (jms.credentialsConfigured()) {
                log.info("[jms] intake queue {} on {}:{} (CORE, AMQP 1.0, STOMP) for user {}", jms.getQueue(),
                    jms.getBindAddress(), jmsPort(broker), jms.getUsername());
            } else {
                log.warn("[jms] acceptor on {}:{} admits no one: set gateway.jms.username and gateway.jms.password"
                    + " (GATEWAY_JMS_USERNAME, GATEWAY_JMS_PASSWORD) to publish mail to {}", jms.getBindAddress(),
                    jmsPort(broker), jms.getQueue());
            }
        }
        return broker;
    }

    /** Where the embedded broker keeps its journal, large messages and paging files. */
    public static Path brokerDir(Path dataDir) {
        return dataDir.resolve("broker").toAbsolutePath().normalize();
    }

    /** The broker's hard stop: half of gateway.disk.min-free, so that the gateway's own refusal comes first. */
    public static long brokerMinDiskFree(long gatewayMinFreeBytes) {
        return gatewayMinFreeBytes / 2;
    }

    /** The JMS acceptor's bound port (differs from gateway.jms.port when that is 0), or -1. */
    public static int jmsPort(EmbeddedActiveMQ broker) {
        var acceptor = broker.getActiveMQServer().getRemotingService().getAcceptor(JMS_ACCEPTOR);
        return acceptor instanceof NettyAcceptor netty
            ? netty.getActualPort() : -1;
    }

    static final String JMS_ACCEPTOR = "jms";

    /**
     * The intake queue, its invalid queue, and the network acceptor. Declared here rather than in
     * broker.xml because the queue name and the port are settings.
     */
    private static void declareIntake(FileConfiguration configuration, GatewayProperties.Jms jms) throws Exception {
        for (String queue : List.of(jms.getQueue(), jms.invalidQueue())) {
            configuration.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(queue)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfiguration(QueueConfiguration.of(queue)
                    .setRoutingType(RoutingType.ANYCAST)));
        }
        // a message the intake keeps failing on (a bug, not bad input: bad input is moved at once) ends up
        // in the invalid queue after a few tries instead of blocking the queue
        configuration.addAddressSetting(jms.getQueue(), new AddressSettings()
            .setDeadLetterAddress(SimpleString.of(jms.invalidQueue()))
            .setMaxDeliveryAttempts(5)
            .setRedeliveryDelay(1000));
        configuration.addAddressSetting(jms.invalidQueue(), new AddressSettings()
            .setMaxDeliveryAttempts(-1));
        configuration.addAcceptorConfiguration(JMS_ACCEPTOR,
            "tcp://" + jms.getBindAddress() + ":" + jms.getPort() + "?protocols=CORE,AMQP,STOMP");
    }

    /**
     * In-VM connections to the embedded broker, cached: no connection, session or producer is created
     * per message. The call timeout bounds how long an intake waits before it answers 451.
     */
    @Bean
    @Conditional(BrokerMode.Embedded.class)
    CachingConnectionFactory connectionFactory(EmbeddedActiveMQ embeddedBroker, GatewayProperties properties,
                                               InternalBrokerCredentials internal) {
        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory(
            "vm://0?callTimeout=" + properties.getBroker().getSendTimeout().toMillis()
                + "&blockOnDurableSend=true&minLargeMessageSize=" + MailBodies.MIN_LARGE_MESSAGE_SIZE);
        inVm.setUser(internal.user());
        inVm.setPassword(internal.password());
        CachingConnectionFactory cached = new CachingConnectionFactory(inVm);
        cached.setSessionCacheSize(properties.getDelivery().getConcurrency() + 32);
        cached.setReconnectOnException(true);
        return cached;
    }

    /** What the console, health check and JMS intake read from the embedded broker's queues. */
    @Bean
    @Conditional(BrokerMode.Embedded.class)
    BrokerQueues brokerQueues(EmbeddedActiveMQ embeddedBroker) {
        return new EmbeddedBrokerQueues(embeddedBroker);
    }

    /**
     * The {@code jms:} component of the routes. Consumers opt into a local JMS transaction with
     * {@code transacted=true&lazyCreateTransactionManager=false}; the listener's session is then exposed to
     * the route's producers on the same thread, so the consumed message and everything the route sends
     * commit together, in one commit.
     *
     * <p>Deliberately no Spring {@code JmsTransactionManager}: with a cached consumer (CACHE_CONSUMER, which
     * the delivery route needs to keep one SMTP connection per thread) the listener container receives on
     * its own session and commits it separately from the manager's session the sends went to. A kill -9
     * between the two commits lost the deferred copy of a mail whose original was already acknowledged;
     * PickupCrashIT caught it.
     */
    @Bean
    JmsComponent jms(ConnectionFactory connectionFactory) {
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(connectionFactory);
        return jms;
    }

    /**
     * Reads broker.xml (a file relative to the working directory, else a classpath resource) without starting
     * anything; {@code doctor} checks the same file the broker would start from.
     */
    public static FileConfiguration readConfiguration(String configFile) throws Exception {
        FileConfiguration configuration = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(locate(configFile).toString());
        deployment.addDeployable(configuration);
        deployment.readConfiguration();
        return configuration;
    }

    private static URL locate(String configFile) throws Exception {
        Path path = Path.of(configFile);
        if (Files.isRegularFile(path)) {
            return path.toUri().toURL();
        }
        Resource resource = new DefaultResourceLoader().getResource(configFile);
        if (resource.exists()) {
            return resource.getURL();
        }
        throw new IllegalStateException("gateway.broker.config-file: '" + configFile + "' not found (working directory "
            + Path.of("").toAbsolutePath() + ")");
    }
}
