package io.mailgateway.config;

import io.mailgateway.console.BrokerQueues;
import io.mailgateway.console.ExternalBrokerQueues;
import io.mailgateway.queue.MailBodies;
import io.mailgateway.queue.QueueNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * An external Artemis broker (or a live/backup pair) instead of the embedded one, when
 * {@code gateway.broker.url} is set. Several gateways can share it: each consumes mail.outbound and the
 * intake queue, the broker spreads the messages. The broker must declare the gateway's addresses with
 * their dead-letter, expiry, redelivery and duplicate-detection settings: artemis-config/external/.
 *
 * <p>Same guarantees as embedded: every send is persistent and blocks until the broker has it (a live
 * broker with a backup answers only once replicated), routes consume in local JMS transactions. The
 * gateway opens no acceptor of its own; JMS publishers connect to the external broker.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(BrokerMode.External.class)
public class ExternalBrokerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ExternalBrokerConfiguration.class);

    /** The broker connections the routes and intakes use, cached as with the embedded broker. */
    @Bean
    CachingConnectionFactory connectionFactory(GatewayProperties properties) {
        ActiveMQConnectionFactory external = clientFactory(properties.getBroker());
        CachingConnectionFactory cached = new CachingConnectionFactory(external);
        cached.setSessionCacheSize(properties.getDelivery().getConcurrency() + 32);
        cached.setReconnectOnException(true);
        log.info("[broker] external Artemis at {}{}; no embedded broker", displayUrl(properties.getBroker().getUrl()),
            properties.getBroker().credentialsConfigured()
                ? " as user " + properties.getBroker().getUsername() : " without credentials");
        if (properties.getJms().isEnabled()) {
            log.info("[jms] intake queue {} on the external broker (invalid messages: {})",
                properties.getJms().getQueue(), properties.getJms().invalidQueue());
        }
        return cached;
    }

    /** Counts, deferred and dead listings, deletion for the console, over management messages. */
    @Bean(destroyMethod = "close")
    BrokerQueues brokerQueues(GatewayProperties properties) {
        ExternalBrokerQueues queues = new ExternalBrokerQueues(clientFactory(properties.getBroker()),
            properties.getBroker().getSendTimeout());
        checkBroker(queues, properties);
        return queues;
    }

    /**
     * The embedded broker's safety rules, checked on the external broker at start: the gateway refuses to
     * start when a queue is missing or an address would drop mail. A broker that cannot be reached now does
     * not stop the start (the other broker of a pair may be starting; the routes keep reconnecting): that is
     * logged, and /actuator/health shows it.
     */
    private static void checkBroker(ExternalBrokerQueues queues, GatewayProperties properties) {
        String where = "gateway.broker.url " + displayUrl(properties.getBroker().getUrl());
        List<String> queueNames = new ArrayList<>(List.of(QueueNames.OUTBOUND, QueueNames.DEAD));
        List<String> addresses = new ArrayList<>(List.of(QueueNames.OUTBOUND, QueueNames.DEAD));
        if (properties.getJms().isEnabled()) {
            queueNames.addAll(List.of(properties.getJms().getQueue(), properties.getJms().invalidQueue()));
            addresses.add(properties.getJms().getQueue());
        }
        List<String> problems;
        try {
            problems = queues.safetyProblems(queueNames, addresses);
        } catch (RuntimeException e) {
            log.warn("[broker] cannot check the external broker's queues and address settings now ({}): {}", where,
                e.getMessage());
            return;
        }
        if (!problems.isEmpty()) {
            throw BrokerSafetyCheck.refuse(where, problems);
        }
        log.info("[broker] external broker checked: queues {} declared, dead-letter and expiry addresses set, no DROP",
            queueNames);
    }

    /**
     * A client factory for the URL: persistent sends block until the broker confirms them (never
     * acknowledge before durable), and no call waits longer than gateway.broker.send-timeout.
     */
    static ActiveMQConnectionFactory clientFactory(GatewayProperties.Broker broker) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.getUrl().strip());
        if (broker.credentialsConfigured()) {
            factory.setUser(broker.getUsername());
            factory.setPassword(broker.getPassword());
        }
        factory.setBlockOnDurableSend(true);
        factory.setCallTimeout(broker.getSendTimeout().toMillis());
        factory.setMinLargeMessageSize(MailBodies.MIN_LARGE_MESSAGE_SIZE);
        return factory;
    }

    /** The URL for logs and health: its query parameters (which may hold a trust store password) left out. */
    public static String displayUrl(String url) {
        String u = url.strip();
        int query = u.startsWith("(") ? u.indexOf('?', Math.max(0, u.indexOf(')'))) : u.indexOf('?');
        return query < 0 ? u : u.substring(0, query) + "?…";
    }
}
