package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.QueueNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryOutcomeTest {

    private static final Instant RECEIVED = Instant.parse("2024-03-01T10:00:00Z");
    private static final byte[] CONTENT = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DeliveryOutcome outcome =
        new DeliveryOutcome(new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5)));

    private static QueuedMail mail(int attempts, String... recipients) {
        return new QueuedMail("0000000A1B2C3D4E5F", new MailEnvelope("from@example.org", List.of(recipients)),
            MailContent.of(CONTENT), new QueuedMail.Trace("smtp", RECEIVED, "127.0.0.1", null), attempts, null, null);
    }

    private static DeliveryReport report(RecipientResult... results) {
        return new DeliveryReport(List.of(results));
    }

    @Test
    void allDeliveredLeavesNothingToDo() {
        List<FollowUp> followUps = outcome.decide(mail(0, "a@example.org", "b@example.org"),
            report(RecipientResult.delivered("a@example.org", "250 ok"),
                RecipientResult.delivered("b@example.org", "250 ok")),
            RECEIVED.plusSeconds(1));

        assertThat(followUps).isEmpty();
    }

    @Test
    void oneRejectedAndOneDeliveredGivesOneDeadLetterForTheRejectedOnly() {
        Instant now = RECEIVED.plusSeconds(30);
        QueuedMail mail = mail(2, "good@example.org", "bad@example.org");

        List<FollowUp> followUps = outcome.decide(mail,
            report(RecipientResult.failed("bad@example.org", "550 5.1.1 no such user"),
                RecipientResult.delivered("good@example.org", "250 2.0.0 ok")),
            now);

        assertThat(followUps).hasSize(1);
        FollowUp dead = followUps.get(0);
        assertThat(dead.queue()).isEqualTo(QueueNames.DEAD).isEqualTo("mail.dead");
        assertThat(dead.deadAt()).isEqualTo(now);
        assertThat(dead.deliverAt()).isNull();
        assertThat(dead.mail().envelope().recipients()).containsExactly("bad@example.org");
        assertThat(dead.mail().envelope().sender()).isEqualTo("from@example.org");
        assertThat(dead.mail().lastError()).isEqualTo("550 5.1.1 no such user");
        assertThat(dead.mail().attempts()).isEqualTo(3);
        assertThat(dead.mail().id()).isEqualTo(mail.id());
        assertThat(dead.mail().content()).as("the same bytes, not a copy").isSameAs(mail.content());
        assertThat(dead.mail().nextAttemptAt()).isNull();
    }

    @Test
    void deferredRecipientsAreRetriedLaterOnTheOutboundQueue() {
        Instant now = RECEIVED.plus(Duration.ofMinutes(7));
        QueuedMail mail = mail(0, "a@example.org", "slow@example.org", "busy@example.org");

        List<FollowUp> followUps = outcome.decide(mail,
            report(RecipientResult.delivered("a@example.org", "250 ok"),
                RecipientResult.deferred("slow@example.org", "451 4.7.1 greylisted"),
                RecipientResult.deferred("busy@example.org", "451 4.7.1 greylisted")),
            now);

        assertThat(followUps).hasSize(1);
        FollowUp retry = followUps.get(0);
        assertThat(retry.queue()).isEqualTo(QueueNames.OUTBOUND).isEqualTo("mail.outbound");
        assertThat(retry.mail().envelope().recipients()).containsExactly("slow@example.org", "busy@example.org");
        assertThat(retry.mail().attempts()).isEqualTo(1);
        assertThat(retry.mail().lastError()).isEqualTo("451 4.7.1 greylisted");
        assertThat(retry.mail().nextAttemptAt()).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(retry.deliverAt()).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(retry.deadAt()).isNull();
    }

    @Test
    void laterRetriesWaitLonger() {
        Instant now = RECEIVED.plus(Duration.ofHours(2));

        List<FollowUp> followUps = outcome.decide(mail(3, "slow@example.org"),
            report(RecipientResult.deferred("slow@example.org", "421 try later")), now);

        assertThat(followUps).singleElement().satisfies(f -> {
            assertThat(f.mail().attempts()).isEqualTo(4);
            assertThat(f.deliverAt()).isEqualTo(now.plus(Duration.ofMinutes(40)));
        });
    }

    @Test
    void differentDeferralRepliesAreAllRecordedInTheLastError() {
        List<FollowUp> followUps = outcome.decide(mail(0, "a@example.org", "b@example.org"),
            report(RecipientResult.deferred("a@example.org", "451 greylisted"),
                RecipientResult.deferred("b@example.org", "452 mailbox full")),
            RECEIVED.plusSeconds(60));

        assertThat(followUps).singleElement()
            .satisfies(f -> assertThat(f.mail().lastError()).contains("451 greylisted").contains("452 mailbox full"));
    }

    @Test
    void deferredAfterTheLifetimeBecomesADeadLetterSayingItExpired() {
        Instant now = RECEIVED.plus(Duration.ofDays(5)).plusSeconds(1);

        List<FollowUp> followUps = outcome.decide(mail(41, "a@example.org", "slow@example.org"),
            report(RecipientResult.delivered("a@example.org", "250 ok"),
                RecipientResult.deferred("slow@example.org", "451 4.4.1 no answer")),
            now);

        assertThat(followUps).hasSize(1);
        FollowUp dead = followUps.get(0);
        assertThat(dead.queue()).isEqualTo(QueueNames.DEAD);
        assertThat(dead.deadAt()).isEqualTo(now);
        assertThat(dead.mail().envelope().recipients()).containsExactly("slow@example.org");
        assertThat(dead.mail().attempts()).isEqualTo(42);
        assertThat(dead.mail().lastError()).startsWith("expired after 42 attempts: ").endsWith("451 4.4.1 no answer");
        assertThat(dead.mail().nextAttemptAt()).isNull();
    }

    @Test
    void deferredJustBeforeTheLifetimeEndsIsStillRetried() {
        Instant now = RECEIVED.plus(Duration.ofDays(5)).minusSeconds(1);

        List<FollowUp> followUps = outcome.decide(mail(40, "slow@example.org"),
            report(RecipientResult.deferred("slow@example.org", "451 later")), now);

        assertThat(followUps).singleElement().satisfies(f -> assertThat(f.queue()).isEqualTo(QueueNames.OUTBOUND));
    }

    @Test
    void twoRecipientsFailedForDifferentReasonsGiveTwoDeadLetters() {
        Instant now = RECEIVED.plusSeconds(5);

        List<FollowUp> followUps = outcome.decide(mail(0, "a@example.org", "b@example.org"),
            report(RecipientResult.failed("a@example.org", "550 5.1.1 unknown user"),
                RecipientResult.failed("b@example.org", "552 5.2.2 mailbox full")),
            now);

        assertThat(followUps).hasSize(2).allSatisfy(f -> {
            assertThat(f.queue()).isEqualTo(QueueNames.DEAD);
            assertThat(f.mail().attempts()).isEqualTo(1);
        });
        assertThat(followUps.get(0).mail().envelope().recipients()).containsExactly("a@example.org");
        assertThat(followUps.get(0).mail().lastError()).isEqualTo("550 5.1.1 unknown user");
        assertThat(followUps.get(1).mail().envelope().recipients()).containsExactly("b@example.org");
        assertThat(followUps.get(1).mail().lastError()).isEqualTo("552 5.2.2 mailbox full");
    }

    @Test
    void recipientsFailedForTheSameReasonShareOneDeadLetter() {
        List<FollowUp> followUps = outcome.decide(mail(0, "a@example.org", "b@example.org"),
            report(RecipientResult.failed("a@example.org", "554 5.7.1 rejected"),
                RecipientResult.failed("b@example.org", "554 5.7.1 rejected")),
            RECEIVED.plusSeconds(5));

        assertThat(followUps).singleElement().satisfies(f ->
            assertThat(f.mail().envelope().recipients()).containsExactly("a@example.org", "b@example.org"));
    }

    @Test
    void failedDeferredAndDeliveredTogetherGiveOneDeadLetterAndOneRetry() {
        List<FollowUp> followUps = outcome.decide(mail(0, "ok@example.org", "bad@example.org", "slow@example.org"),
            report(RecipientResult.delivered("ok@example.org", "250 ok"),
                RecipientResult.failed("bad@example.org", "550 no"),
                RecipientResult.deferred("slow@example.org", "451 later")),
            RECEIVED.plusSeconds(5));

        assertThat(followUps).extracting(FollowUp::queue).containsExactlyInAnyOrder(QueueNames.DEAD, QueueNames.OUTBOUND);
        assertThat(followUps).flatExtracting(f -> f.mail().envelope().recipients())
            .containsExactlyInAnyOrder("bad@example.org", "slow@example.org");
    }

    @Test
    void smtpReplyCodesClassifyRecipients() {
        assertThat(RecipientResult.fromReply("a@example.org", 250, "ok").status()).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(RecipientResult.fromReply("a@example.org", 451, "later").status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(RecipientResult.fromReply("a@example.org", 550, "no").status()).isEqualTo(RecipientResult.Status.FAILED);
        assertThat(RecipientResult.fromReply("a@example.org", -1, "no answer").status()).isEqualTo(RecipientResult.Status.DEFERRED);
    }

    @Test
    void recipientsHeldBackByARateLimitWaitUntilTheGivenTimeWithoutCountingAnAttempt() {
        Instant now = RECEIVED.plusSeconds(10);
        Instant slot = RECEIVED.plusSeconds(60);
        List<FollowUp> followUps = outcome.decide(mail(2, "a@example.org", "b@example.org", "c@example.org"),
            report(RecipientResult.delivered("a@example.org", "250 ok"),
                RecipientResult.postponed("b@example.org", "rate limit of 30 messages per minute reached", slot),
                RecipientResult.deferred("c@example.org", "421 busy")),
            now);

        assertThat(followUps).hasSize(2);
        FollowUp held = followUps.get(0);
        assertThat(held.queue()).isEqualTo(QueueNames.OUTBOUND);
        assertThat(held.mail().envelope().recipients()).containsExactly("b@example.org");
        assertThat(held.deliverAt()).isEqualTo(slot);
        assertThat(held.mail().attempts()).isEqualTo(2);
        assertThat(held.mail().lastError()).contains("rate limit");
        FollowUp retried = followUps.get(1);
        assertThat(retried.mail().envelope().recipients()).containsExactly("c@example.org");
        assertThat(retried.mail().attempts()).isEqualTo(3);
    }

    @Test
    void mailHeldBackPastItsLifetimeBecomesADeadLetter() {
        Instant now = RECEIVED.plus(Duration.ofDays(5)).plusSeconds(1);
        List<FollowUp> followUps = outcome.decide(mail(0, "b@example.org"),
            report(RecipientResult.postponed("b@example.org", "rate limit reached", now.plusSeconds(60))), now);
        assertThat(followUps).singleElement().satisfies(f -> {
            assertThat(f.queue()).isEqualTo(QueueNames.DEAD);
            assertThat(f.mail().lastError()).startsWith("expired while held back: rate limit reached");
        });
    }
}
