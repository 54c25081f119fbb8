package io.mailgateway.config;

import io.mailgateway.queue.QueueNames;
import jakarta.jms.ConnectionFactory;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The embedded Artemis broker, built from artemis-config/broker.xml with its folders under
 * {@code gateway.data-dir}, and the JMS plumbing the routes use. Spring Boot's own Artemis
 * auto-configuration is excluded (application.yml): its embedded defaults are not durable.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BrokerConfiguration.class);

    @Bean(destroyMethod = "stop")
    EmbeddedActiveMQ embeddedBroker(GatewayProperties properties) throws Exception {
        String configFile = properties.getBroker().getConfigFile();
        FileConfiguration configuration = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(locate(configFile).toString());
        deployment.addDeployable(configuration);
        deployment.readConfiguration();

        // The broker's folders always live in the data folder, whatever broker.xml says, so that one
        // setting (gateway.data-dir) decides where mail is kept.
        Path brokerDir = properties.getDataDir().resolve("broker").toAbsolutePath().normalize();
        configuration.setBrokerInstance(brokerDir.toFile());
        configuration.setJournalDirectory(brokerDir.resolve("journal").toString());
        configuration.setBindingsDirectory(brokerDir.resolve("bindings").toString());
        configuration.setPagingDirectory(brokerDir.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(brokerDir.resolve("large-messages").toString());
        configuration.setNodeManagerLockDirectory(brokerDir.toString());

        List<String> problems = BrokerSafetyCheck.beforeStart(configuration.isPersistenceEnabled(),
            configuration.isJournalSyncTransactional(), configuration.isJournalSyncNonTransactional(),
            properties.getDataDir(), Path.of(System.getProperty("java.io.tmpdir")));
        if (!problems.isEmpty()) {
            throw BrokerSafetyCheck.refuse(configFile, problems);
        }
        Files.createDirectories(brokerDir);

        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(configuration);
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
        return broker;
    }

    /**
     * In-VM connections to the embedded broker, cached: no connection, session or producer is created
     * per message. The call timeout bounds how long an intake waits before it answers 451.
     */
    @Bean
    CachingConnectionFactory connectionFactory(EmbeddedActiveMQ embeddedBroker, GatewayProperties properties) {
        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory(
            "vm://0?callTimeout=" + properties.getBroker().getSendTimeout().toMillis()
                + "&blockOnDurableSend=true");
        CachingConnectionFactory cached = new CachingConnectionFactory(inVm);
        cached.setSessionCacheSize(properties.getDelivery().getConcurrency() + 32);
        cached.setReconnectOnException(true);
        return cached;
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
