package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mailgateway.config.BrokerConfiguration;
import io.mailgateway.it.support.BrokerQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.TestDataDirs;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQQueue;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Applications publishing mail to {@code mail.submit} over the broker's network acceptor in each of its
 * three protocols (CORE, AMQP 1.0, STOMP), as the configured submitter {@code app}. Delivery mode is the
 * default capture, so every accepted mail ends up in the outbox. Bad input lands in
 * {@code mail.submit.invalid} with the reason and never stops the good message after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.jms.username=app",
    "gateway.jms.password=s3cret",
    "gateway.jms.max-message-size=64KB",
    "gateway.hostname=gateway.test"})
@DirtiesContext
class JmsIntakeIT {

    private static final Path DATA = TestDataDirs.fresh("jms");
    private static final String NS = "urn:mailgateway:envelope:1";
    private static final String INTAKE = "mail.submit";
    private static final String INVALID = "mail.submit.invalid";

    /** Flipped by {@link Tripwire#readObject}: the gateway runs in this JVM, so it would see a deserialisation. */
    static final AtomicBoolean DESERIALISED = new AtomicBoolean();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @Autowired
    BrokerConfiguration.InternalBrokerCredentials internal;

    // ---------------------------------------------------------------- CORE

    @Test
    void coreXmlEnvelopeIsCapturedWithItsBccAsEnvelopeRecipientOnly() throws Exception {
        String subject = "xml envelope " + token();
        String jmsId;
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage(envelope("<from name=\"App\">app@example.com</from>"
                + "<to>bob@example.net</to><bcc>hidden@example.org</bcc><subject>" + subject + "</subject>"
                + "<text>hello from xml</text>"));
            session.createProducer(session.createQueue(INTAKE)).send(message);
            jmsId = message.getJMSMessageID();
        }
        String mail = awaitCaptured("Subject: " + subject);
        assertThat(mail).startsWith("X-Envelope-From: <app@example.com>\r\n"
            + "X-Envelope-To: <bob@example.net>\r\n"
            + "X-Envelope-To: <hidden@example.org>\r\n"
            + "Received: from jms (" + jmsId + ")\r\n\tby gateway.test (Mail Gateway) with local id ");
        String content = withoutEnvelopeLines(mail);
        assertThat(content).doesNotContain("hidden@example.org").doesNotContainIgnoringCase("Bcc:");
        assertThat(content).contains("To: bob@example.net").contains("hello from xml");
    }

    @Test
    void coreRawBytesUseEnvelopeFromAndEnvelopeToNotTheHeaders() throws Exception {
        String subject = "raw bytes " + token();
        String raw = Messages.simple(Messages.uniqueMessageId(), "alice@example.com", "bob@example.net", subject);
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(raw.getBytes(StandardCharsets.US_ASCII));
            message.setStringProperty("EnvelopeFrom", "bounces@example.com");
            message.setStringProperty("EnvelopeTo", "bob@example.net, secret@example.org");
            session.createProducer(session.createQueue(INTAKE)).send(message);
        }
        String mail = awaitCaptured("Subject: " + subject);
        assertThat(mail).startsWith("X-Envelope-From: <bounces@example.com>\r\n"
            + "X-Envelope-To: <bob@example.net>\r\n"
            + "X-Envelope-To: <secret@example.org>\r\n"
            + "Received: from jms (");
        // Date and Message-ID were given: the submitted bytes follow Received unchanged
        assertThat(mail).endsWith("\r\n" + raw);
        assertThat(withoutEnvelopeLines(mail)).doesNotContain("secret@example.org");
    }

    // ---------------------------------------------------------------- AMQP

    @Test
    void amqpSimpleTextMessageWithHtmlContentTypeIsCapturedWithItsHeaders() throws Exception {
        String subject = "amqp html " + token();
        try (Connection connection = amqp("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("<p>Hello <b>from AMQP</b></p>");
            message.setStringProperty("To", "bob@example.net");
            message.setStringProperty("Cc", "carol@example.net");
            message.setStringProperty("From", "Reports <reports@example.com>");
            message.setStringProperty("Subject", subject);
            message.setStringProperty("ContentType", "text/html");
            session.createProducer(session.createQueue(INTAKE)).send(message);
        }
        String mail = awaitCaptured("Subject: " + subject);
        assertThat(mail).startsWith("X-Envelope-From: <reports@example.com>\r\n"
            + "X-Envelope-To: <bob@example.net>\r\n"
            + "X-Envelope-To: <carol@example.net>\r\n");
        assertThat(mail).contains("\r\nTo: bob@example.net\r\n").contains("\r\nCc: carol@example.net\r\n")
            .contains("\r\nFrom: Reports <reports@example.com>\r\n")
            .containsPattern("\r\nContent-Type: text/html; ?charset=UTF-8\r\n")
            .contains("<b>from AMQP</b>");
    }

    @Test
    void amqpWithAWrongPasswordCannotConnect() {
        assertThatThrownBy(() -> {
            try (Connection connection = amqp("app", "wrong")) {
                connection.start();
                connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    // ---------------------------------------------------------------- STOMP

    @Test
    void stompSendFrameIsAcknowledgedWithAReceiptAndCaptured() throws Exception {
        String subject = "stomp " + token();
        try (Stomp stomp = Stomp.connect(port(), "app", "s3cret")) {
            String receipt = stomp.send(Map.of("To", "bob@example.net", "Subject", subject), "hello over STOMP\n");
            assertThat(receipt).startsWith("RECEIPT\n").contains("receipt-id:");
        }
        String mail = awaitCaptured("Subject: " + subject);
        assertThat(mail).startsWith("X-Envelope-From: <noreply@gateway.test>\r\nX-Envelope-To: <bob@example.net>\r\n");
        assertThat(mail).contains("hello over STOMP");
    }

    @Test
    void stompWithAWrongPasscodeGetsAnErrorFrame() throws Exception {
        try (Stomp stomp = Stomp.open(port())) {
            String reply = stomp.frame("CONNECT", Map.of("accept-version", "1.2", "host", "localhost",
                "login", "app", "passcode", "wrong"), "");
            assertThat(reply).startsWith("ERROR\n");
        }
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void anonymousCoreClientIsRefused() {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
        assertThatThrownBy(() -> {
            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(INTAKE)).send(session.createTextMessage("anonymous"));
            }
        }).isInstanceOf(JMSException.class);
        factory.close();
    }

    @Test
    void coreClientWithAWrongPasswordIsRefused() {
        assertThatThrownBy(() -> {
            try (Connection connection = core("app", "not-the-password")) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(INTAKE)).send(session.createTextMessage("x"));
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void submitterCannotSendToTheOutboundQueueDirectly() throws Exception {
        String subject = "bypass " + token();
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("mail.outbound"));
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(Messages.simple(Messages.uniqueMessageId(), "a@example.com", "b@example.net", subject)
                .getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> producer.send(message)).isInstanceOf(JMSSecurityException.class);
            // nor by its fully qualified queue name, nor to the dead-letter queue
            MessageProducer fqqn = session.createProducer(session.createQueue("mail.outbound::mail.outbound"));
            assertThatThrownBy(() -> fqqn.send(message)).isInstanceOf(JMSSecurityException.class);
            MessageProducer dead = session.createProducer(session.createQueue("mail.dead"));
            assertThatThrownBy(() -> dead.send(message)).isInstanceOf(JMSSecurityException.class);
        }
        Thread.sleep(1500);
        assertThat(captured("Subject: " + subject)).isEmpty();
        assertThat(new BrokerQueues(embeddedBroker).ready("mail.dead")).isEmpty();
    }

    @Test
    void submitterCannotConsumeOrBrowseTheIntakeQueue() throws Exception {
        try (Connection connection = core("app", "s3cret")) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue intake = session.createQueue(INTAKE);
            assertThatThrownBy(() -> {
                MessageConsumer consumer = session.createConsumer(intake);
                consumer.receive(1000);
            }).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> session.createBrowser(intake).getEnumeration().hasMoreElements())
                .isInstanceOf(JMSException.class);
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(INVALID)).receive(1000))
                .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(session::createTemporaryQueue).isInstanceOf(JMSException.class);
        }
    }

    // ---------------------------------------------------------------- poison messages

    @Test
    void poisonMessagesGoToTheInvalidQueueWithAReasonAndDoNotStopTheNext() throws Exception {
        assertTripwireWorks();
        Path secret = DATA.resolve("jms-secret.txt");
        Files.createDirectories(DATA);
        Files.writeString(secret, "JMS-TOP-SECRET");
        Map<String, String> expectedReasons = new LinkedHashMap<>();
        List<String> goodSubjects = new ArrayList<>();
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(INTAKE));

            List<Poison> poisons = List.of(
                new Poison("XML envelope", s -> s.createTextMessage("<envelope xmlns=\"" + NS + "\" version=\"1\">"
                    + "<from>a@example.com</from><to>b@example.net")),
                new Poison("DOCTYPE", s -> s.createTextMessage("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \""
                    + secret.toUri() + "\">]><envelope xmlns=\"" + NS + "\" version=\"1\"><from>a@example.com</from>"
                    + "<to>b@example.net</to><subject>&x;</subject><text>t</text></envelope>")),
                new Poison("attachment file references are not allowed", s -> s.createTextMessage(envelope(
                    "<from>a@example.com</from><to>b@example.net</to><subject>s</subject><text>t</text>"
                        + "<attachment file=\"" + secret + "\"/>"))),
                new Poison("property To is required", s -> {
                    TextMessage m = s.createTextMessage("no recipient at all");
                    m.setStringProperty("Subject", "nobody");
                    return m;
                }),
                new Poison("larger than 65536 bytes", s -> {
                    TextMessage m = s.createTextMessage("x".repeat(100 * 1024));
                    m.setStringProperty("To", "bob@example.net");
                    m.setStringProperty("Subject", "too big");
                    return m;
                }),
                new Poison("ObjectMessage is refused", s -> s.createObjectMessage(new Tripwire())),
                new Poison("MapMessage is refused", s -> {
                    MapMessage m = s.createMapMessage();
                    m.setString("To", "bob@example.net");
                    m.setString("Subject", "map");
                    return m;
                }),
                new Poison("property EnvelopeTo is required", s -> {
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(Messages.simple(Messages.uniqueMessageId(), "a@example.com", "b@example.net", "no rcpt")
                        .getBytes(StandardCharsets.US_ASCII));
                    m.setStringProperty("EnvelopeFrom", "a@example.com");
                    return m;
                }),
                new Poison("NUL bytes", s -> {
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(new byte[] {'S', 'u', 'b', 'j', 'e', 'c', 't', ':', ' ', 0, 1, 2, '\r', '\n'});
                    m.setStringProperty("EnvelopeFrom", "a@example.com");
                    m.setStringProperty("EnvelopeTo", "b@example.net");
                    return m;
                }),
                new Poison("IdempotencyKey must be 1 to 200 printable characters", s -> {
                    TextMessage m = simple(s, "bob@example.net", "bad key");
                    m.setStringProperty("IdempotencyKey", "k".repeat(201));
                    return m;
                }),
                new Poison("line break or control character", s -> {
                    TextMessage m = s.createTextMessage("header injection");
                    m.setStringProperty("To", "bob@example.net\r\nBcc: victim@example.org");
                    m.setStringProperty("Subject", "crlf");
                    return m;
                }));
            for (Poison poison : poisons) {
                Message bad = poison.build().create(session);
                producer.send(bad);
                expectedReasons.put(bad.getJMSMessageID(), poison.reasonContains());
                String subject = "good after poison " + goodSubjects.size() + " " + token(); // short: no folding
                producer.send(simple(session, "bob@example.net", subject));
                goodSubjects.add(subject);
            }
        }

        for (String subject : goodSubjects) {
            awaitCaptured("Subject: " + subject);
        }
        BrokerQueues queues = new BrokerQueues(embeddedBroker);
        Map<String, Map<String, Object>> invalid = await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
            for (Map<String, Object> m : queues.ready(INVALID)) {
                byId.put(String.valueOf(m.get("MailOriginalMessageId")), m);
            }
            return byId;
        }, byId -> byId.keySet().containsAll(expectedReasons.keySet()));
        for (Map.Entry<String, String> expected : expectedReasons.entrySet()) {
            assertThat(String.valueOf(invalid.get(expected.getKey()).get("MailRejectReason")))
                .as("reason for the poison expected to say '%s'", expected.getValue())
                .contains(expected.getValue());
        }
        assertThat(DESERIALISED).as("the gateway must never deserialise an ObjectMessage").isFalse();
        assertThat(outbox()).noneMatch(m -> m.contains("JMS-TOP-SECRET")).noneMatch(m -> m.contains("victim@example.org"));
    }

    private record Poison(String reasonContains, MessageBuilder build) {
    }

    @FunctionalInterface
    private interface MessageBuilder {
        Message create(Session session) throws JMSException;
    }

    /** Serialisable payload that reports any deserialisation in this JVM. */
    static final class Tripwire implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            DESERIALISED.set(true);
            in.defaultReadObject();
        }
    }

    /** Checks the check: deserialising a Tripwire does flip the flag. */
    private static void assertTripwireWorks() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Tripwire());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            in.readObject();
        }
        assertThat(DESERIALISED).isTrue();
        DESERIALISED.set(false);
    }

    // ---------------------------------------------------------------- property injection

    @Test
    void camelAndMailPropertiesAndReplyToSteerNothing() throws Exception {
        String subject = "injection " + token();
        Path outbox = DATA.resolve("outbox");
        try (Connection internalConnection = new ActiveMQConnectionFactory("vm://0")
                .createConnection(internal.user(), internal.password());
             Connection connection = core("app", "s3cret")) {
            internalConnection.start();
            Session internalSession = internalConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = internalSession.createTemporaryQueue();
            MessageConsumer replyConsumer = internalSession.createConsumer(replies);

            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = simple(session, "bob@example.net", subject);
            message.setStringProperty("CamelFileName", "../../evil");
            message.setStringProperty("cAMELExecCommandExecutable", "/bin/sh");
            // "mail.smtp.host" is refused by the JMS clients (not a Java identifier): covered over STOMP below
            message.setStringProperty("CamelMailTo", "victim@example.org");
            message.setStringProperty("CamelJmsDestinationName", "mail.dead");
            message.setJMSReplyTo(new ActiveMQQueue(replies.getQueueName()));
            session.createProducer(session.createQueue(INTAKE)).send(message);

            String mail = awaitCaptured("Subject: " + subject);
            assertThat(mail).startsWith("X-Envelope-From: <noreply@gateway.test>\r\nX-Envelope-To: <bob@example.net>\r\n"
                + "Received: ");
            assertThat(replyConsumer.receive(3000)).as("a reply to JMSReplyTo").isNull();
        }
        assertThat(outbox.resolve("../../evil").normalize()).doesNotExist();
        assertThat(Path.of("../../evil").toAbsolutePath().normalize()).doesNotExist();
        assertThat(DATA.resolve("evil")).doesNotExist();
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("evil"));
        }
        assertThat(outbox()).noneMatch(m -> m.contains("victim@example.org")).noneMatch(m -> m.contains("evil.example"));
        assertThat(new BrokerQueues(embeddedBroker).ready("mail.dead")).isEmpty();
    }

    @Test
    void stompHeadersNamedLikeCamelOrMailSettingsSteerNothing() throws Exception {
        String subject = "stomp injection " + token();
        try (Stomp stomp = Stomp.connect(port(), "app", "s3cret")) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("To", "bob@example.net");
            headers.put("Subject", subject);
            headers.put("CamelFileName", "../../evil-stomp");
            headers.put("mail.smtp.host", "evil.example");
            headers.put("CamelMailTo", "victim@example.org");
            headers.put("reply-to", "/queue/mail.outbound");
            assertThat(stomp.send(headers, "body")).startsWith("RECEIPT\n");
        }
        String mail = awaitCaptured("Subject: " + subject);
        assertThat(mail).startsWith("X-Envelope-From: <noreply@gateway.test>\r\nX-Envelope-To: <bob@example.net>\r\nReceived: ");
        assertThat(DATA.resolve("evil-stomp")).doesNotExist();
        assertThat(outbox()).noneMatch(m -> m.contains("victim@example.org")).noneMatch(m -> m.contains("evil.example"));
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void aResubmissionWithTheSameIdempotencyKeyIsCapturedOnce() throws Exception {
        String subject = "idempotent " + token();
        String sentinel = "after idempotent " + token();
        String key = "order-" + token();
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(INTAKE));
            for (int i = 0; i < 2; i++) {
                TextMessage message = simple(session, "bob@example.net", subject);
                message.setStringProperty("IdempotencyKey", key);
                producer.send(message);
            }
            producer.send(simple(session, "bob@example.net", sentinel));
        }
        awaitCaptured("Subject: " + subject);
        awaitCaptured("Subject: " + sentinel);
        Thread.sleep(2000);
        assertThat(captured("Subject: " + subject)).hasSize(1);
        assertThat(new BrokerQueues(embeddedBroker).ready(INTAKE)).isEmpty();
    }

    @Test
    void anIdempotencyKeyInTheXmlEnvelopeAlsoSuppressesAResubmission() throws Exception {
        String subject = "idempotent xml " + token();
        String sentinel = "after idempotent xml " + token();
        String xml = envelope("<from>app@example.com</from><to>bob@example.net</to><subject>" + subject
            + "</subject><text>once</text><idempotencyKey>xml-" + token() + "</idempotencyKey>");
        try (Connection connection = core("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(INTAKE));
            producer.send(session.createTextMessage(xml));
            producer.send(session.createTextMessage(xml));
            producer.send(simple(session, "bob@example.net", sentinel));
        }
        awaitCaptured("Subject: " + subject);
        awaitCaptured("Subject: " + sentinel);
        Thread.sleep(2000);
        assertThat(captured("Subject: " + subject)).hasSize(1);
    }

    /**
     * Many AMQP clients outside JMS number their message ids per process ("1", "2", ...; AMQP 1.0 §3.2.4
     * requires uniqueness only per sender). Two different mails from two runs of such a client carry the
     * same message-id; both must be delivered. Simulated with a Qpid message-id policy that numbers per
     * producer.
     */
    @Test
    void twoDifferentMailsFromClientsThatReuseAmqpMessageIdsAreBothDelivered() throws Exception {
        String first = "counter one " + token();
        String second = "counter two " + token();
        for (String subject : List.of(first, second)) { // two "runs" of the client, each starting at 1
            JmsConnectionFactory factory = new JmsConnectionFactory("app", "s3cret", "amqp://127.0.0.1:" + port());
            factory.setMessageIDPolicy(new PerProcessCounterIds());
            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(INTAKE)).send(simple(session, "bob@example.net", subject));
            }
        }
        awaitCaptured("Subject: " + first);
        awaitCaptured("Subject: " + second);
    }

    /** Message ids "1", "2", ... per producer, as a hand-written AMQP client might number them. */
    private static final class PerProcessCounterIds implements org.apache.qpid.jms.policy.JmsMessageIDPolicy {
        @Override
        public org.apache.qpid.jms.policy.JmsMessageIDPolicy copy() {
            return this;
        }

        @Override
        public org.apache.qpid.jms.message.JmsMessageIDBuilder getMessageIDBuilder(org.apache.qpid.jms.JmsSession session,
                                                                                   org.apache.qpid.jms.JmsDestination destination) {
            return (producerId, sequence) -> String.valueOf(sequence);
        }
    }

    // ---------------------------------------------------------------- helpers

    private int port() {
        int port = BrokerConfiguration.jmsPort(embeddedBroker);
        assertThat(port).as("JMS acceptor port").isPositive();
        return port;
    }

    private String url() {
        return "tcp://127.0.0.1:" + port();
    }

    private Connection core(String user, String password) throws JMSException {
        return new ActiveMQConnectionFactory(url()).createConnection(user, password);
    }

    private Connection amqp(String user, String password) throws JMSException {
        return new JmsConnectionFactory(user, password, "amqp://127.0.0.1:" + port()).createConnection();
    }

    private static TextMessage simple(Session session, String to, String subject) throws JMSException {
        TextMessage message = session.createTextMessage("hello\nfrom a test");
        message.setStringProperty("To", to);
        message.setStringProperty("Subject", subject);
        return message;
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<envelope xmlns=\"" + NS + "\" version=\"1\">" + body + "</envelope>\n";
    }

    private static String token() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String withoutEnvelopeLines(String mail) {
        return mail.replaceAll("(?m)^X-Envelope-(From|To): <[^>]*>\r\n", "");
    }

    private static String awaitCaptured(String text) {
        return await().atMost(Duration.ofSeconds(20)).until(
            () -> captured(text).stream().findFirst().orElse(null), m -> m != null);
    }

    private static List<String> captured(String text) throws IOException {
        return outbox().stream().filter(m -> m.contains(text)).toList();
    }

    private static List<String> outbox() throws IOException {
        Path outbox = DATA.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).map(JmsIntakeIT::read).toList();
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A STOMP 1.2 client over a plain socket, reading one frame per command. */
    private static final class Stomp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int receipts;

        private Stomp(Socket socket) throws IOException {
            this.socket = socket;
            this.socket.setSoTimeout(10_000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static Stomp open(int port) throws IOException {
            return new Stomp(new Socket("127.0.0.1", port));
        }

        static Stomp connect(int port, String login, String passcode) throws IOException {
            Stomp stomp = open(port);
            String connected = stomp.frame("CONNECT", Map.of("accept-version", "1.2", "host", "localhost",
                "login", login, "passcode", passcode), "");
            assertThat(connected).startsWith("CONNECTED\n");
            return stomp;
        }

        /** SEND to the intake queue with a receipt request; returns the broker's answer frame. */
        String send(Map<String, String> headers, String body) throws IOException {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("destination", INTAKE);
            all.putAll(headers);
            all.put("receipt", "r-" + ++receipts);
            return frame("SEND", all, body);
        }

        String frame(String command, Map<String, String> headers, String body) throws IOException {
            StringBuilder frame = new StringBuilder(command).append('\n');
            headers.forEach((name, value) -> frame.append(name).append(':').append(value).append('\n'));
            frame.append('\n').append(body).append('\0');
            out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readFrame();
        }

        private String readFrame() throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            int b;
            // heart-beat newlines between frames
            while ((b = in.read()) == '\n' || b == '\r') {
                // skip
            }
            while (b != -1 && b != 0) {
                frame.write(b);
                b = in.read();
            }
            return frame.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            try {
                out.write("DISCONNECT\n\n\0".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException ignored) {
                // the broker may have closed already (after an ERROR frame)
            } finally {
                socket.close();
            }
        }
    }
}
