package io.mailgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueuedMailCodecTest {

    private static final MailContent CONTENT =
        MailContent.of("Subject: caf\u00e9\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));

    /** The properties a broker message of this mail carries. */
    private static Map<String, Object> message(QueuedMail mail) {
        return new HashMap<>(QueuedMailCodec.properties(mail));
    }

    private static QueuedMail decode(Map<String, Object> properties) {
        return QueuedMailCodec.fromProperties(properties::get, CONTENT);
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
        assertThat(actual.content()).isSameAs(expected.content());
        assertThat(actual.trace()).isEqualTo(expected.trace());
        assertThat(actual.attempts()).isEqualTo(expected.attempts());
        assertThat(actual.lastError()).isEqualTo(expected.lastError());
        assertThat(actual.nextAttemptAt()).isEqualTo(expected.nextAttemptAt());
    }

    @Test
    void deferredMailSurvivesTheRoundTrip() {
        QueuedMail mail = deferredMail();

        assertSameMail(decode(message(mail)), mail);
    }

    @Test
    void freshMailWithNullSenderAndNoOptionalTraceSurvivesTheRoundTrip() {
        QueuedMail mail = QueuedMail.received("65F1A2B3C4D5E6F709",
            new MailEnvelope("", List.of("postmaster@example.org")), CONTENT,
            new QueuedMail.Trace("pickup", Instant.parse("2024-03-01T10:00:00Z"), null, null));

        QueuedMail decoded = decode(message(mail));

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
        Map<String, Object> message = message(mail);
        message.put(MailProperties.ATTEMPTS, "3");
        message.put(MailProperties.RECEIVED_AT, String.valueOf(mail.trace().receivedAt().toEpochMilli()));

        assertSameMail(decode(message), mail);
    }

    @Test
    void messageWithoutQueueIdIsRejectedNamingTheProperty() {
        Map<String, Object> message = message(deferredMail());
        message.remove(MailProperties.QUEUE_ID);

        assertThatThrownBy(() -> decode(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailQueueId");
    }

    @Test
    void messageWithoutRecipientsIsRejectedNamingTheProperty() {
        Map<String, Object> message = message(deferredMail());
        message.remove(MailProperties.ENVELOPE_TO);

        assertThatThrownBy(() -> decode(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailEnvelopeTo");
    }

    @Test
    void messageWithoutBodyIsRejected() {
        Map<String, Object> message = message(deferredMail());

        assertThatThrownBy(() -> QueuedMailCodec.fromProperties(message::get, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("body");
    }

    @Test
    void messageWithoutReceivedAtIsRejectedNamingTheProperty() {
        Map<String, Object> message = message(deferredMail());
        message.remove(MailProperties.RECEIVED_AT);

        assertThatThrownBy(() -> decode(message))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MailReceivedAt");
    }
}
