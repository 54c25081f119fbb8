package io.mailgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class QueuedMailCodecTest {

    private static final byte[] CONTENT =
        "Subject: caf\u00e9\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

    /** Only a type-converter host for the messages; never started. */
    private static final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterAll
    static void closeCamel() throws Exception {
        camel.close();
    }

    private static Message message(QueuedMail mail) {
        Message message = new DefaultMessage(camel);
        message.setHeaders(QueuedMailCodec.properties(mail));
        message.setBody(mail.content());
        return message;
    }

    private static QueuedMail deferredMail() {
        return new QueuedMail("65F1A2B3C4D5E6F708",
            new MailEnvelope("from@example.org", List.of("a@example.org", "b@example.org")),
            CONTENT,
            new QueuedMail.Trace("smtp", Instant.parse("2024-03-01T10:00:00.123Z"), "192.0.2.7", "alice"),
            3, "451 4.7.1 greylisted", Instant.parse("2024-03-01T11:00:00.456Z"));
    }

    private static void assertSameMail(QueuedMail actual, QueuedMail expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.envelope()).isEqualTo(expected.envelope());
        assertThat(actual.content()).isEqualTo(expected.content());
        assertThat(actual.trace()).isEqualTo(expected.trace());
        assertThat(actual.attempts()).isEqualTo(expected.attempts());
        assertThat(actual.lastError()).isEqualTo(expected.lastError());
        assertThat(actual.nextAttemptAt()).isEqualTo(expected.nextAttemptAt());
    }

    @Test
    void deferredMailSurvivesTheRoundTrip() {
        QueuedMail mail = deferredMail();

        assertSameMail(QueuedMailCodec.fromMessage(message(mail)), mail);
    }

    @Test
    void freshMailWithNullSenderAndNoOptionalTraceSurvivesTheRoundTrip() {
        QueuedMail mail = QueuedMail.received("65F1A2B3C4D5E6F709",
            new MailEnvelope("", List.of("postmaster@example.org")), CONTENT,
            new QueuedMail.Trace("pickup", Instant.parse("2024-03-01T10:00:00Z"), null, null));

        QueuedMail decoded = QueuedMailCodec.fromMessage(message(mail));

        assertSameMail(decoded, mail);
        assertThat(decoded.envelope().isNullSender()).isTrue();
        assertThat(decoded.lastError()).isNull();
        assertThat(decoded.nextAttemptAt()).isNull();
    }

    @Test
    void propertiesUseTheContractNames() {
        QueuedMail mail = deferredMail();

        assertThat(QueuedMailCodec.properties(mail))
            .containsEntry("MailQueueId", "65F1A2B3C4D5E6F708")
            .containsEntry("MailEnvelopeFrom", "from@example.org")
            .containsEntry("MailEnvelopeTo", "a@example.org\nb@example.org")
            .containsEntry("MailAttempts", 3)
            .containsEntry("MailLastError", "451 4.7.1 greylisted")
            .containsEntry("MailNextAttemptAt", Instant.parse("2024-03-01T11:00:00.456Z").toEpochMilli())
            .allSatisfy((name, value) -> assertThat(name).matches("[A-Za-z_][A-Za-z0-9_]*"));
    }

    @Test
    void unsetOptionalTraceIsLeftOutOfTheProperties() {
        QueuedMail mail = QueuedMail.received("id1", new MailEnvelope("", List.of("a@example.org")), CONTENT,
            new QueuedMail.Trace("jms", Instant.EPOCH, null, null));

        assertThat(QueuedMailCodec.properties(mail)).doesNotContainKeys(
            MailProperties.CLIENT_ADDRESS, MailProperties.AUTH_USER, MailProperties.LAST_ERROR,
            MailProperties.NEXT_ATTEMPT_AT);
    }

    @Test
    void propertiesThatCameBackAsStringsAreStillDecoded() {
        QueuedMail mail = deferredMail();
        Message message = message(mail);
        message.setHeader(MailProperties.ATTEMPTS, "3");
        message.setHeader(MailProperties.RECEIVED_AT, String.valueOf(mail.trace().receivedAt().toEpochMilli()));

        assertSameMail(QueuedMailCodec.fromMessage(message), mail);
    }

    @Test
    void messageWithoutQueueIdIsRejectedNamingTheProperty() {
        Message message = message(deferredMail());
        message.removeHeader(MailProperties.QUEUE_ID);

        assertThatThrownBy(() -> QueuedMailCodec.fromMessage(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailQueueId");
    }

    @Test
    void messageWithoutRecipientsIsRejectedNamingTheProperty() {
        Message message = message(deferredMail());
        message.removeHeader(MailProperties.ENVELOPE_TO);

        assertThatThrownBy(() -> QueuedMailCodec.fromMessage(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailEnvelopeTo");
    }

    @Test
    void messageWithoutBodyIsRejected() {
        Message message = message(deferredMail());
        message.setBody(null);

        assertThatThrownBy(() -> QueuedMailCodec.fromMessage(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("body");
    }

    @Test
    void messageWithoutReceivedAtIsRejectedNamingTheProperty() {
        Message message = message(deferredMail());
        message.removeHeader(MailProperties.RECEIVED_AT);

        assertThatThrownBy(() -> QueuedMailCodec.fromMessage(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailReceivedAt");
    }
}
