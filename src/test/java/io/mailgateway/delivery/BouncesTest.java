package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.delivery.bounce.BounceComposer;
import io.mailgateway.delivery.bounce.DeliveryNotice;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.QueueNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which delivery status notifications an attempt adds to its follow-ups, and to whom; the notification's
 * bytes are {@link BounceComposer}'s business (BounceComposerTest).
 */
class BouncesTest {

    private static final Instant RECEIVED = Instant.parse("2026-12-04T10:00:00Z");
    private static final byte[] CONTENT = ("Message-ID: <m1@client.test>\r\nSubject: Quarterly numbers\r\n\r\n"
        + "the confidential body\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final Duration LIFETIME = Duration.ofDays(5);

    private final RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), LIFETIME);
    private final DeliveryOutcome outcome = new DeliveryOutcome(schedule);
    private final List<DeliveryNotice> composed = new ArrayList<>();
    private final BounceComposer composer = new BounceComposer("gateway.test", ZoneOffset.UTC);

    private Bounces bounces(boolean enabled, String postmaster, Duration delayWarningAfter) {
        return new Bounces(new Bounces.Settings(enabled, postmaster, delayWarningAfter, LIFETIME), (notice, id, now) -> {
            composed.add(notice);
            return composer.compose(notice, id, now);
        });
    }

    private static QueuedMail mail(String sender, String intake, String... recipients) {
        return new QueuedMail("6B12E67B7F572C0138", new MailEnvelope(sender, List.of(recipients)), MailContent.of(CONTENT),
            new QueuedMail.Trace(intake, RECEIVED, "127.0.0.1", null), 0, null, null);
    }

    private List<FollowUp> attempt(Bounces bounces, QueuedMail mail, Instant now, Instant delayWarnedAt, RecipientResult... results) {
        DeliveryReport report = new DeliveryReport(List.of(results));
        return bounces.addTo(outcome.decide(mail, report, now), mail, report, delayWarnedAt, now);
    }

    @Test
    void aDeadLetterGetsOneFailureNotificationFromTheNullSenderToTheEnvelopeSender() throws Exception {
        Instant now = RECEIVED.plusSeconds(5);
        List<FollowUp> followUps = attempt(bounces(true, null, null), mail("alice@example.com", "smtp", "typo@example.net"), now, null,
            RecipientResult.failed("typo@example.net", "127.0.0.1:2525 said: 550 5.1.1 unknown (in reply to RCPT TO)"));

        assertThat(followUps).hasSize(2);
        assertThat(followUps.get(0).isDead()).isTrue();
        assertThat(followUps.get(0).mail().content().bytes()).isEqualTo(CONTENT);
        FollowUp bounce = followUps.get(1);
        assertThat(bounce.isBounce()).isTrue();
        assertThat(bounce.queue()).isEqualTo(QueueNames.OUTBOUND);
        assertThat(bounce.deliverAt()).isNull();
        assertThat(bounce.mail().id()).matches("[0-9A-F]{18}").isNotEqualTo("6B12E67B7F572C0138");
        assertThat(bounce.mail().envelope().sender()).isEmpty();
        assertThat(bounce.mail().envelope().recipients()).containsExactly("alice@example.com");
        assertThat(bounce.mail().trace().intake()).isEqualTo(Bounces.INTAKE).isEqualTo("bounce");
        assertThat(bounce.mail().trace().receivedAt()).isEqualTo(now);
        assertThat(bounce.mail().trace().clientAddress()).isEqualTo("bounce of 6B12E67B7F572C0138");
        assertThat(bounce.mail().attempts()).isZero();
        assertThat(new String(bounce.mail().content().bytes(), StandardCharsets.US_ASCII))
            .contains("multipart/report").contains("Final-Recipient: rfc822; typo@example.net")
            .contains("Message-ID: <m1@client.test>").doesNotContain("confidential body");
        assertThat(composed).singleElement().satisfies(n -> {
            assertThat(n.action()).isEqualTo(DeliveryNotice.Action.FAILED);
            assertThat(n.queueId()).isEqualTo("6B12E67B7F572C0138");
            assertThat(n.attempts()).isEqualTo(1);
            assertThat(new String(n.originalHeaders(), StandardCharsets.US_ASCII))
                .isEqualTo("Message-ID: <m1@client.test>\r\nSubject: Quarterly numbers\r\n");
        });
    }

    @Test
    void thePostmasterIsAnExtraEnvelopeRecipientOfTheSameNotification() {
        List<FollowUp> followUps = attempt(bounces(true, "postmaster@example.com", null),
            mail("alice@example.com", "smtp", "typo@example.net"), RECEIVED.plusSeconds(5), null,
            RecipientResult.failed("typo@example.net", "550 5.1.1 unknown"));

        assertThat(followUps).filteredOn(FollowUp::isBounce).singleElement()
            .satisfies(b -> assertThat(b.mail().envelope().recipients()).containsExactly("alice@example.com", "postmaster@example.com"));
    }

    @Test
    void thePostmasterIsNotNamedTwiceWhenItIsTheSender() {
        List<FollowUp> followUps = attempt(bounces(true, "Postmaster@example.com", null),
            mail("postmaster@example.com", "smtp", "typo@example.net"), RECEIVED.plusSeconds(5), null,
            RecipientResult.failed("typo@example.net", "550 5.1.1 unknown"));

        assertThat(followUps).filteredOn(FollowUp::isBounce).singleElement()
            .satisfies(b -> assertThat(b.mail().envelope().recipients()).containsExactly("postmaster@example.com"));
    }

    @Test
    void mailFromTheNullSenderGetsNoNotificationNotEvenForThePostmaster() {
        List<FollowUp> followUps = attempt(bounces(true, "postmaster@example.com", null),
            mail("", "smtp", "typo@example.net"), RECEIVED.plusSeconds(5), null,
            RecipientResult.failed("typo@example.net", "550 5.1.1 unknown"));

        assertThat(followUps).singleElement().satisfies(f -> assertThat(f.isDead()).isTrue());
        assertThat(composed).isEmpty();
    }

    @Test
    void aNotificationThatCannotBeDeliveredCausesNoFurtherNotification() {
        List<FollowUp> followUps = attempt(bounces(true, "postmaster@example.com", Duration.ofMinutes(1)),
            mail("someone@example.com", Bounces.INTAKE, "alice@example.com"), RECEIVED.plusSeconds(3600), null,
            RecipientResult.failed("alice@example.com", "550 5.1.1 unknown"));

        assertThat(followUps).singleElement().satisfies(f -> assertThat(f.isDead()).isTrue());
        assertThat(composed).isEmpty();
    }

    @Test
    void disabledBouncesSendNothing() {
        List<FollowUp> followUps = attempt(bounces(false, "postmaster@example.com", Duration.ofMinutes(1)),
            mail("alice@example.com", "smtp", "typo@example.net", "slow@example.net"), RECEIVED.plusSeconds(3600), null,
            RecipientResult.failed("typo@example.net", "550 5.1.1 unknown"),
            RecipientResult.deferred("slow@example.net", "451 4.4.1 later"));

        assertThat(followUps).hasSize(2).noneMatch(FollowUp::isBounce);
        assertThat(followUps).filteredOn(FollowUp::isRetry).singleElement()
            .satisfies(r -> assertThat(r.delayWarnedAt()).isNull());
    }

    @Test
    void twoDeadLettersForDifferentReasonsGiveOneNotificationNamingBothRecipients() {
        List<FollowUp> followUps = attempt(bounces(true, null, null),
            mail("alice@example.com", "smtp", "a@example.net", "ok@example.net", "b@example.net"), RECEIVED.plusSeconds(5), null,
            RecipientResult.failed("a@example.net", "550 5.1.1 unknown"),
            RecipientResult.delivered("ok@example.net", "250 ok"),
            RecipientResult.failed("b@example.net", "552 5.2.2 full"));

        assertThat(followUps).filteredOn(FollowUp::isDead).hasSize(2);
        assertThat(followUps).filteredOn(FollowUp::isBounce).hasSize(1);
        assertThat(composed).singleElement().satisfies(n -> assertThat(n.recipients())
            .extracting(DeliveryNotice.Recipient::address, DeliveryNotice.Recipient::reply, DeliveryNotice.Recipient::expired)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("a@example.net", "550 5.1.1 unknown", false),
                org.assertj.core.groups.Tuple.tuple("b@example.net", "552 5.2.2 full", false)));
    }

    @Test
    void deliveredAndDeferredRecipientsGetNoFailureNotification() {
        List<FollowUp> followUps = attempt(bounces(true, "postmaster@example.com", null),
            mail("alice@example.com", "smtp", "ok@example.net", "slow@example.net"), RECEIVED.plusSeconds(5), null,
            RecipientResult.delivered("ok@example.net", "250 ok"),
            RecipientResult.deferred("slow@example.net", "451 later"));

        assertThat(followUps).singleElement().satisfies(f -> assertThat(f.isRetry()).isTrue());
    }

    @Test
    void mailThatOutlivedItsLifetimeIsReportedAsExpired() {
        QueuedMail old = new QueuedMail("6B12E67B7F572C0138", new MailEnvelope("alice@example.com", List.of("slow@example.net")),
            MailContent.of(CONTENT), new QueuedMail.Trace("smtp", RECEIVED, null, null), 41, "451 4.4.1 later", null);
        Instant now = RECEIVED.plus(LIFETIME).plusSeconds(1);
        DeliveryReport report = new DeliveryReport(List.of(RecipientResult.deferred("slow@example.net", "451 4.4.1 later")));

        List<FollowUp> followUps = bounces(true, null, Duration.ofHours(4))
            .addTo(outcome.decide(old, report, now), old, report, Instant.parse("2026-12-04T14:00:00Z"), now);

        assertThat(followUps).filteredOn(FollowUp::isBounce).hasSize(1);
        assertThat(composed).singleElement().satisfies(n -> {
            assertThat(n.action()).isEqualTo(DeliveryNotice.Action.FAILED);
            assertThat(n.attempts()).isEqualTo(42);
            assertThat(n.recipients()).singleElement().satisfies(r -> {
                assertThat(r.expired()).isTrue();
                assertThat(r.reply()).isEqualTo("451 4.4.1 later");
            });
        });
    }

    @Test
    void aDeferralThatCrossesTheWarningTimeSendsOneDelayWarningAndTheRetryRemembersIt() {
        Bounces bounces = bounces(true, "postmaster@example.com", Duration.ofHours(4));
        Instant now = RECEIVED.plus(Duration.ofHours(4)).plusSeconds(1);

        List<FollowUp> followUps = attempt(bounces, mail("alice@example.com", "smtp", "ok@example.net", "busy@example.net"), now, null,
            RecipientResult.delivered("ok@example.net", "250 ok"),
            RecipientResult.deferred("busy@example.net", "450 4.2.1 busy"));

        assertThat(followUps).hasSize(2);
        FollowUp retry = followUps.get(0);
        assertThat(retry.isRetry()).isTrue();
        assertThat(retry.delayWarnedAt()).isEqualTo(now);
        FollowUp warning = followUps.get(1);
        assertThat(warning.isBounce()).isTrue();
        // the postmaster gets copies of failures only
        assertThat(warning.mail().envelope().recipients()).containsExactly("alice@example.com");
        assertThat(warning.mail().envelope().sender()).isEmpty();
        assertThat(composed).singleElement().satisfies(n -> {
            assertThat(n.action()).isEqualTo(DeliveryNotice.Action.DELAYED);
            assertThat(n.retryUntil()).isEqualTo(RECEIVED.plus(LIFETIME));
            assertThat(n.recipients()).extracting(DeliveryNotice.Recipient::address).containsExactly("busy@example.net");
        });
    }

    @Test
    void recipientsDeferredAndRecipientsHeldBackByARateLimitShareOneDelayWarningThatEveryRetryRemembers() {
        Bounces bounces = bounces(true, null, Duration.ofHours(4));
        Instant now = RECEIVED.plus(Duration.ofHours(4)).plusSeconds(1);

        List<FollowUp> followUps = attempt(bounces, mail("alice@example.com", "smtp", "busy@example.net", "held@example.net"), now, null,
            RecipientResult.deferred("busy@example.net", "450 4.2.1 busy"),
            RecipientResult.postponed("held@example.net", "rate limit reached", now.plusSeconds(60)));

        // two retries (one per next-attempt time), each a queued copy of its own: neither may warn again
        assertThat(followUps).filteredOn(FollowUp::isRetry).hasSize(2)
            .allSatisfy(retry -> assertThat(retry.delayWarnedAt()).isEqualTo(now));
        assertThat(followUps).filteredOn(FollowUp::isBounce).hasSize(1);
        assertThat(composed).singleElement().satisfies(n -> {
            assertThat(n.action()).isEqualTo(DeliveryNotice.Action.DELAYED);
            assertThat(n.recipients()).extracting(DeliveryNotice.Recipient::address)
                .containsExactlyInAnyOrder("busy@example.net", "held@example.net");
        });
    }

    @Test
    void aMailAlreadyWarnedIsNotWarnedAgainAndItsNextRetryStillRemembers() {
        Instant warnedAt = RECEIVED.plus(Duration.ofHours(4));
        List<FollowUp> followUps = attempt(bounces(true, null, Duration.ofHours(4)),
            mail("alice@example.com", "smtp", "busy@example.net"), RECEIVED.plus(Duration.ofHours(9)), warnedAt,
            RecipientResult.deferred("busy@example.net", "450 4.2.1 busy"));

        assertThat(followUps).singleElement().satisfies(f -> {
            assertThat(f.isRetry()).isTrue();
            assertThat(f.delayWarnedAt()).isEqualTo(warnedAt);
        });
        assertThat(composed).isEmpty();
    }

    @Test
    void noDelayWarningBeforeTheWarningTimeOrWhenNoneIsConfigured() {
        assertThat(attempt(bounces(true, null, Duration.ofHours(4)), mail("alice@example.com", "smtp", "busy@example.net"),
            RECEIVED.plus(Duration.ofHours(4)).minusSeconds(1), null, RecipientResult.deferred("busy@example.net", "450 busy")))
            .singleElement().satisfies(f -> assertThat(f.delayWarnedAt()).isNull());
        assertThat(attempt(bounces(true, null, null), mail("alice@example.com", "smtp", "busy@example.net"),
            RECEIVED.plus(Duration.ofDays(4)), null, RecipientResult.deferred("busy@example.net", "450 busy")))
            .singleElement().satisfies(f -> assertThat(f.delayWarnedAt()).isNull());
        assertThat(composed).isEmpty();
    }

    @Test
    void aNotificationThatCannotBeComposedIsLeftOutAndTheDeadLetterAndRetryStayAsTheyAre() {
        Bounces failing = new Bounces(new Bounces.Settings(true, "postmaster@example.com", Duration.ofMinutes(1), LIFETIME),
            (notice, id, now) -> {
                throw new IllegalStateException("composer broken");
            });
        QueuedMail mail = mail("alice@example.com", "smtp", "typo@example.net", "busy@example.net");
        Instant now = RECEIVED.plusSeconds(3600);
        DeliveryReport report = new DeliveryReport(List.of(
            RecipientResult.failed("typo@example.net", "550 5.1.1 unknown"),
            RecipientResult.deferred("busy@example.net", "450 busy")));
        List<FollowUp> decided = outcome.decide(mail, report, now);

        List<FollowUp> followUps = failing.addTo(decided, mail, report, null, now);

        assertThat(followUps).isEqualTo(decided);
        assertThat(followUps).filteredOn(FollowUp::isRetry).singleElement()
            .satisfies(r -> assertThat(r.delayWarnedAt()).as("not warned, so warned at a later attempt").isNull());
    }
}
