package io.mailgateway.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailEnvelopeTest {

    @Test
    void keepsSenderAndRecipientsInOrder() {
        MailEnvelope envelope = new MailEnvelope("from@example.org", List.of("b@example.org", "a@example.org"));

        assertThat(envelope.sender()).isEqualTo("from@example.org");
        assertThat(envelope.recipients()).containsExactly("b@example.org", "a@example.org");
        assertThat(envelope.isNullSender()).isFalse();
    }

    @Test
    void nullSenderIsAllowedAsEmptyString() {
        MailEnvelope envelope = new MailEnvelope("", List.of("to@example.org"));

        assertThat(envelope.isNullSender()).isTrue();
        assertThat(envelope.sender()).isEmpty();
    }

    @Test
    void javaNullSenderIsRejected() {
        assertThatThrownBy(() -> new MailEnvelope(null, List.of("to@example.org")))
            .isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyRecipientListIsRejected() {
        assertThatThrownBy(() -> new MailEnvelope("from@example.org", List.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at least one recipient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"to@example.org\r\nRCPT TO:<evil@example.com>", "to@example.org\n", "to\r@example.org",
        "to\0@example.org", "to\t@example.org", "to\u007f@example.org", "", "   "})
    void recipientWithLineBreakControlCharacterOrNothingIsRejected(String recipient) {
        assertThatThrownBy(() -> new MailEnvelope("from@example.org", List.of("ok@example.org", recipient)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("recipient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"from@example.org\r\nRCPT TO:<evil@example.com>", "from@example.org\n", "fr\rom@example.org",
        "from\0@example.org", "from\u001b@example.org", "from\u007f@example.org"})
    void senderWithLineBreakOrControlCharacterIsRejected(String sender) {
        assertThatThrownBy(() -> new MailEnvelope(sender, List.of("to@example.org")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sender");
    }

    @Test
    void errorMessageDoesNotEchoTheRawControlCharacters() {
        assertThatThrownBy(() -> new MailEnvelope("from@example.org", List.of("a@b\r\nInjected: yes")))
            .isInstanceOf(IllegalArgumentException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r", "\n"));
    }

    @Test
    void recipientsAreCopiedSoLaterChangesToTheListDoNotLeakIn() {
        List<String> recipients = new ArrayList<>(List.of("to@example.org"));
        MailEnvelope envelope = new MailEnvelope("", recipients);

        recipients.add("late@example.org");

        assertThat(envelope.recipients()).containsExactly("to@example.org");
        assertThatThrownBy(() -> envelope.recipients().add("x@example.org"))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withRecipientsKeepsTheSenderAndValidatesTheNewList() {
        MailEnvelope envelope = new MailEnvelope("from@example.org", List.of("a@example.org", "b@example.org"));

        MailEnvelope remaining = envelope.withRecipients(List.of("b@example.org"));

        assertThat(remaining.sender()).isEqualTo("from@example.org");
        assertThat(remaining.recipients()).containsExactly("b@example.org");
        assertThatThrownBy(() -> envelope.withRecipients(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
