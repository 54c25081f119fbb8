package io.mailgateway.console;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import io.mailgateway.config.BrokerSafetyCheck;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;

/**
 * {@link BrokerQueues} of an external Artemis broker, over JMS: counts, scheduled messages, deletion and
 * "deliver now" are QueueControl operations sent as management messages to the broker's management address
 * ({@code activemq.management}, answered on a temporary queue); ready messages are read with a JMS
 * QueueBrowser. The gateway's broker user therefore needs the {@code manage} permission on the management
 * address and {@code createNonDurableQueue}, {@code deleteNonDurableQueue}, {@code createAddress},
 * {@code deleteAddress}, {@code consume}, {@code send} on its reply queues {@code mailgateway.reply.#} (see
 * artemis-config/external/security-settings.xml).
 *
 * <p>What it cannot do: read the body of a scheduled message (management lists properties only, JMS does
 * not browse scheduled messages), so deferred mail cannot be exported; and see the broker's duplicate-id
 * cache, so {@link #duplicateKnown} answers false.
 */
public final class ExternalBrokerQueues implements BrokerQueues, AutoCloseable {

    /** Temporary queues for management replies: mailgateway.reply.UUID (security-settings.xml matches the prefix). */
    public static final String REPLY_PREFIX = "mailgateway.reply.";

    /** Artemis' default {@code management-address}. */
    public static final String MANAGEMENT_ADDRESS = "activemq.management";

    private final ConnectionFactory connectionFactory;
    private final Duration timeout;
    private Connection connection;

    /**
     * @param connectionFactory a plain (not caching) factory for the external broker; one connection is
     *                          opened lazily and reopened after a failure
     * @param timeout           how long a management request may take
     */
    public ExternalBrokerQueues(ConnectionFactory connectionFactory, Duration timeout) {
        this.connectionFactory = connectionFactory;
        this.timeout = timeout;
    }

    @Override
    public long messageCount(String queue) {
        return ((Number) attribute(queue, "messageCount")).longValue();
    }

    @Override
    public long scheduledCount(String queue) {
        return ((Number) attribute(queue, "scheduledCount")).longValue();
    }

    @Override
    public List<Map<String, Object>> scheduled(String queue) {
        return maps(invoke(queue, "listScheduledMessages"));
    }

    @Override
    public List<Map<String, Object>> browse(String queue) {
        return withSession(session -> {
            List<Map<String, Object>> result = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                Enumeration<?> messages = browser.getEnumeration();
                while (messages.hasMoreElements()) {
                    Message message = (Message) messages.nextElement();
                    Map<String, Object> properties = new HashMap<>();
                    for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
                        String name = (String) names.nextElement();
                        properties.put(name, message.getObjectProperty(name));
                    }
                    result.add(properties);
                }
            }
            return result;
        });
    }

    @Override
    public int delete(String queue, String filter) {
        return ((Number) invoke(queue, "removeMessages", filter)).intValue();
    }

    @Override
    public void deliverScheduledNow(String queue) {
        invoke(queue, "deliverScheduledMessages", "");
    }

    @Override
    public boolean exportScheduled(String queue, String queueId, ScheduledExport export) {
        throw new UnsupportedOperationException("deferred mail cannot be exported from an external broker"
            + " (its body is not readable while scheduled); use deliverAllDeferredNow or wait for the next attempt");
    }

    /**
     * Always false: an external broker's duplicate-id cache is not readable. Artemis still refuses a
     * second mail with the same {@code _AMQ_DUPL_ID}; see JmsConfiguration for what that means for the intake.
     */
    @Override
    public boolean duplicateKnown(String address, String duplicateId) {
        return false;
    }

    @Override
    public String state() {
        withSession(session -> session.createQueue(MANAGEMENT_ADDRESS));
        return "connected";
    }

    /**
     * What the embedded broker's start-up check refuses, asked of the external broker: each queue must exist,
     * and each of {@code checkedAddresses} must resolve to settings with a dead-letter address that has a
     * queue, an expiry address, and no DROP policy ({@link BrokerSafetyCheck#forAddress}). Empty when safe.
     *
     * @throws IllegalStateException when the broker cannot be asked now (unreachable, no manage permission)
     */
    public List<String> safetyProblems(List<String> queues, List<String> checkedAddresses) {
        List<String> problems = new ArrayList<>();
        for (String queue : queues) {
            if (!queueExists(queue)) {
                problems.add("queue " + queue + " is not declared on the broker (artemis-config/external/addresses.xml)");
            }
        }
        for (String address : checkedAddresses) {
            String json = (String) request(address, "getAddressSettingsAsJSON", message ->
                JMSManagementHelper.putOperationInvocation(message, ResourceNames.BROKER, "getAddressSettingsAsJSON", address));
            AddressSettings settings = AddressSettings.fromJSON(json);
            boolean deadQueueExists = settings.getDeadLetterAddress() != null
                && queueExists(settings.getDeadLetterAddress().toString());
            problems.addAll(BrokerSafetyCheck.forAddress(address, settings, deadQueueExists));
        }
        return problems;
    }

    private boolean queueExists(String queue) {
        try {
            attribute(queue, "messageCount");
            return true;
        } catch (IllegalStateException e) {
            // a missing queue is a refused request; a missing permission is a different problem, reported as is
            if (e.getMessage() != null && e.getMessage().contains("refused by the broker")
                    && !e.getMessage().contains("permission")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                // closing anyway
            }
            connection = null;
        }
    }

    private Object attribute(String queue, String attribute) {
        return request(queue, attribute, message ->
            JMSManagementHelper.putAttribute(message, ResourceNames.QUEUE + queue, attribute));
    }

    private Object invoke(String queue, String operation, Object... parameters) {
        return request(queue, operation, message ->
            JMSManagementHelper.putOperationInvocation(message, ResourceNames.QUEUE + queue, operation, parameters));
    }

    @FunctionalInterface
    private interface MessageFiller {
        void fill(Message message) throws JMSException;
    }

    private Object request(String queue, String what, MessageFiller filler) {
        return withSession(session -> {
            // a temporary reply queue with a known prefix (a JMS temporary queue has a bare UUID as its name,
            // which broker security could only match with "#")
            String replyName = REPLY_PREFIX + UUID.randomUUID();
            ClientSession core = ((ActiveMQSession) session).getCoreSession();
            core.createQueue(QueueConfiguration.of(replyName).setAddress(replyName).setRoutingType(RoutingType.ANYCAST)
                .setDurable(false).setTemporary(true).setAutoCreateAddress(true));
            Queue replies = session.createQueue(replyName);
            try (MessageProducer producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
                 MessageConsumer consumer = session.createConsumer(replies)) {
                Message request = session.createMessage();
                filler.fill(request);
                request.setJMSReplyTo(replies);
                producer.send(request);
                Message reply = consumer.receive(timeout.toMillis());
                if (reply == null) {
                    throw new IllegalStateException(what + " on " + queue + ": no answer from the broker within " + timeout);
                }
                if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                    throw new IllegalStateException(what + " on " + queue + " refused by the broker: "
                        + JMSManagementHelper.getResult(reply));
                }
                return JMSManagementHelper.getResult(reply);
            } finally {
                core.deleteQueue(replyName);
            }
        });
    }

    @FunctionalInterface
    private interface SessionWork<T> {
        T run(Session session) throws Exception;
    }

    /** One request at a time on the one connection; a failure drops the connection so the next call reconnects. */
    private synchronized <T> T withSession(SessionWork<T> work) {
        try {
            if (connection == null) {
                connection = connectionFactory.createConnection();
                connection.start();
            }
            try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                return work.run(session);
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IllegalStateException("external broker: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object result) {
        List<Map<String, Object>> maps = new ArrayList<>();
        if (result instanceof Object[] array) {
            for (Object element : array) {
                if (element instanceof Map<?, ?> map) {
                    maps.add((Map<String, Object>) map);
                }
            }
        }
        return maps;
    }
}
