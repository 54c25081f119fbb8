package io.mailgateway.it.support;

import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueueNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;

/** Reads what sits in the gateway's queues, ready and scheduled, straight from the embedded broker. */
public final class BrokerQueues {

    private final EmbeddedActiveMQ broker;

    public BrokerQueues(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    /** Properties of the messages ready for delivery (not scheduled) in {@code queue}. */
    public List<Map<String, Object>> ready(String queue) {
        List<Map<String, Object>> messages = new ArrayList<>();
        try (LinkedListIterator<MessageReference> it = queue(queue).browserIterator()) {
            while (it.hasNext()) {
                messages.add(properties(it.next().getMessage()));
            }
        }
        return messages;
    }

    /** Properties of the messages scheduled for later delivery in {@code queue} (deferred mail). */
    public List<Map<String, Object>> scheduled(String queue) {
        return queue(queue).getScheduledMessages().stream().map(r -> properties(r.getMessage())).toList();
    }

    /** How many messages {@code queue} holds: ready, scheduled and in delivery. */
    public long count(String queue) {
        return queue(queue).getMessageCount();
    }

    /** The first dead letter to exactly {@code recipient}, or null if there is none (yet). */
    public Map<String, Object> deadTo(String recipient) {
        return firstTo(ready(QueueNames.DEAD), recipient);
    }

    /** The first mail to exactly {@code recipient} deferred in the outbound queue, or null if there is none (yet). */
    public Map<String, Object> deferredTo(String recipient) {
        return firstTo(scheduled(QueueNames.OUTBOUND), recipient);
    }

    private static Map<String, Object> firstTo(List<Map<String, Object>> messages, String recipient) {
        return messages.stream().filter(m -> recipient.equals(m.get(MailProperties.ENVELOPE_TO))).findFirst().orElse(null);
    }

    private Queue queue(String name) {
        Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(name));
        if (queue == null) {
            throw new IllegalStateException("no queue " + name);
        }
        return queue;
    }

    private static Map<String, Object> properties(Message message) {
        Map<String, Object> properties = new HashMap<>();
        for (SimpleString name : message.getPropertyNames()) {
            Object value = message.getObjectProperty(name);
            properties.put(name.toString(), value instanceof SimpleString s ? s.toString() : value);
        }
        return properties;
    }
}
