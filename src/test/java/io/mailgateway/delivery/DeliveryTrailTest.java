package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryTrailTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private final DeliveryTrail trail = new DeliveryTrail();
    private final DeliveryOutcome outcome = new DeliveryOutcome(
        new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5)));

    @Test
    void anUnknownQueueIdHasNoTrail() {
        assertThat(trail.find("6B12E67B7F572C0138")).isEmpty();
    }

    @Test
    void eachRecipientShowsItsOwnOutcomeAndReply() {
        QueuedMail mail = mail("ID1", "bob@example.net", "nobody@example.net", "busy@example.net");
        DeliveryReport report = new DeliveryReport(List.of(
            RecipientResult.delivered("bob@example.net", "relay said: 250 ok"),
            RecipientResult.failed("nobody@example.net", "relay said: 550 5.1.1 user unknown"),
            RecipientResult.deferred("busy@example.net", "relay said: 450 4.2.1 busy")));

        trail.record(mail, "smarthost relay:587", report, outcome.decide(mail, report, NOW), NOW);

        DeliveryTrail.Mail found = trail.find("ID1").orElseThrow();
        assertThat(found.state()).isEqualTo("deferred");
        DeliveryTrail.Attempt attempt = found.attempts().get(0);
        assertThat(attempt.attempt()).isEqualTo(1);
        assertThat(attempt.via()).isEqualTo("smarthost relay:587");
        assertThat(attempt.recipients()).extracting(DeliveryTrail.Recipient::recipient, DeliveryTrail.Recipient::status)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("bob@example.net", "delivered"),
                org.assertj.core.groups.Tuple.tuple("nobody@example.net", "dead"),
                org.assertj.core.groups.Tuple.tuple("busy@example.net", "deferred"));
        assertThat(attempt.recipients().get(1).reply()).contains("550 5.1.1 user unknown");
        assertThat(attempt.recipients().get(2).nextAttemptAt()).isEqualTo("2026-12-04T12:05:00Z");
    }

    @Test
    void aLaterAttemptDecidesTheStateOfTheRecipientsItCarries() {
        QueuedMail mail = mail("ID2", "busy@example.net");
        DeliveryReport first = new DeliveryReport(List.of(RecipientResult.deferred("busy@example.net", "450 busy")));
        List<FollowUp> followUps = outcome.decide(mail, first, NOW);
        trail.record(mail, "smarthost", first, followUps, NOW);
        QueuedMail retry = followUps.get(0).mail();
        DeliveryReport second = new DeliveryReport(List.of(RecipientResult.delivered("busy@example.net", "250 ok")));

        trail.record(retry, "smarthost", second, outcome.decide(retry, second, NOW.plusSeconds(300)), NOW.plusSeconds(300));

        DeliveryTrail.Mail found = trail.find("ID2").orElseThrow();
        assertThat(found.state()).isEqualTo("delivered");
        assertThat(found.attempts()).extracting(DeliveryTrail.Attempt::attempt).containsExactly(1, 2);
    }

    @Test
    void onlyTheMostRecentMailsAreKept() {
        for (int i = 0; i <= DeliveryTrail.CAPACITY; i++) {
            QueuedMail mail = mail("ID-" + i, "bob@example.net");
            DeliveryReport report = new DeliveryReport(List.of(RecipientResult.delivered("bob@example.net", "250")));
            trail.record(mail, "capture", report, List.of(), NOW);
        }

        assertThat(trail.find("ID-0")).isEmpty();
        assertThat(trail.find("ID-" + DeliveryTrail.CAPACITY)).isPresent();
    }

    private static QueuedMail mail(String id, String... recipients) {
        return QueuedMail.received(id, new MailEnvelope("app@example.com", List.of(recipients)),
            io.mailgateway.mail.MailContent.of("Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)),
            new QueuedMail.Trace("smtp", NOW.minusSeconds(1), "127.0.0.1", null));
    }
}
