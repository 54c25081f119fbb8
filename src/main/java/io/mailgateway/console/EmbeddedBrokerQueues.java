package io.mailgateway.console;

import io.mailgateway.queue.MailProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.message.LargeBodyReader;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;

/** {@link BrokerQueues} of the embedded broker: its server-side queues, read in this JVM. */
public final class EmbeddedBrokerQueues implements BrokerQueues {

    private final EmbeddedActiveMQ broker;

    public EmbeddedBrokerQueues(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    @Override
    public long messageCount(String queue) {
        return queue(queue).getMessageCount();
    }

    @Override
    public long scheduledCount(String queue) {
        return queue(queue).getScheduledCount();
    }

    @Override
    public List<Map<String, Object>> scheduled(String queue) {
        return queue(queue).getScheduledMessages().stream().map(r -> properties(r.getMessage())).toList();
    }

    @Override
    public List<Map<String, Object>> browse(String queue) {
        List<Map<String, Object>> result = new ArrayList<>();
        try (LinkedListIterator<MessageReference> it = queue(queue).browserIterator()) {
            while (it.hasNext()) {
                result.add(properties(it.next().getMessage()));
            }
        }
        return result;
    }

    @Override
    public int delete(String queue, String filter) {
        try {
            return queue(queue).deleteMatchingReferences(FilterImpl.createFilter(filter));
        } catch (Exception e) {
            throw new IllegalStateException("delete from " + queue + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void deliverScheduledNow(String queue) {
        try {
            queue(queue).deliverScheduledMessages();
        } catch (Exception e) {
            throw new IllegalStateException("deliver scheduled of " + queue + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exportScheduled(String queue, String queueId, ScheduledExport export) throws IOException {
        var deferred = queue(queue).getScheduledMessages().stream()
            .map(MessageReference::getMessage)
            .filter(m -> queueId.equals(m.getStringProperty(MailProperties.QUEUE_ID)))
            .findFirst();
        if (deferred.isEmpty()) {
            return false;
        }
        Message message = deferred.get();
        export.write(message.getStringProperty(MailProperties.ENVELOPE_FROM),
            message.getStringProperty(MailProperties.ENVELOPE_TO), out -> writeBody(message, out));
        return true;
    }

    @Override
    public boolean duplicateKnown(String address, String duplicateId) {
        return broker.getActiveMQServer().getPostOffice().getDuplicateIDCache(SimpleString.of(address))
            .contains(SimpleString.of(duplicateId).getData());
    }

    @Override
    public String state() {
        var server = broker.getActiveMQServer();
        if (server == null) {
            throw new IllegalStateException("not created");
        }
        if (!server.isActive()) {
            throw new IllegalStateException(server.getState().toString());
        }
        return server.getState().toString();
    }

    /** A server-side message's body: a large one from its file, 100 KiB at a time. */
    private static void writeBody(Message message, OutputStream out) throws IOException, ActiveMQException {
        ICoreMessage core = message.toCore();
        if (!core.isLargeMessage()) {
            var buffer = core.getReadOnlyBodyBuffer();
            byte[] content = new byte[buffer.readableBytes()];
            buffer.readBytes(content);
            out.write(content);
            return;
        }
        try (LargeBodyReader reader = core.getLargeBodyReader()) {
            reader.open();
            ByteBuffer chunk = ByteBuffer.allocate(100 * 1024);
            for (long left = reader.getSize(); left > 0; ) {
                chunk.clear();
                if (left < chunk.capacity()) {
                    chunk.limit((int) left);
                }
                int n = reader.readInto(chunk);
                if (n <= 0) {
                    throw new IOException("large message body ended " + left + " bytes early");
                }
                out.write(chunk.array(), 0, n);
                left -= n;
            }
        }
    }

    private static Map<String, Object> properties(Message message) {
        Map<String, Object> properties = new HashMap<>();
        for (SimpleString name : message.getPropertyNames()) {
            Object value = message.getObjectProperty(name);
            properties.put(name.toString(), value instanceof SimpleString s ? s.toString() : value);
        }
        return properties;
    }

    private Queue queue(String name) {
        Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(name));
        if (queue == null) {
            throw new IllegalStateException("queue " + name + " missing");
        }
        return queue;
    }
}
