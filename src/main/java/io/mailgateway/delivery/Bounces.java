package io.mailgateway.delivery;

import io.mailgateway.delivery.bounce.BounceComposer;
import io.mailgateway.delivery.bounce.DeliveryNotice;
import io.mailgateway.delivery.bounce.DeliveryNotice.Action;
import io.mailgateway.mail.HeaderSection;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery status notifications one attempt owes the envelope sender, added to that attempt's
 * follow-ups so that they commit in the same transaction as the dead letters and retries they are about
 * (Postfix's bounce daemon, in-line):
 * <ul>
 * <li>recipients dead-lettered by this attempt: one "failed" notification for all of them, to the sender
 *     and, when configured, the postmaster (an extra envelope recipient of the same bytes);</li>
 * <li>recipients still deferred once the mail is older than {@code delay-warning-after}: one "delayed"
 *     notification to the sender, once per mail, naming every recipient still waiting; every retry of that attempt
 *     remembers it ({@link FollowUp#delayWarnedAt()}).</li>
 * </ul>
 * None when bounces are disabled, for the null sender {@code <>}, or for a notification itself (intake
 * {@value #INTAKE}, null sender too): a notification never causes another one (RFC 5321 §4.5.5). A
 * notification that cannot be composed is logged and left out; the dead letter and the retry are never
 * affected by it.
 */
public final class Bounces {

    /** The intake of a delivery status notification, as operators see it in MailIntake. */
    public static final String INTAKE = "bounce";

    private static final Logger log = LoggerFactory.getLogger(Bounces.class);

    /**
     * @param enabled false: no notifications at all
     * @param postmaster also receives every "failed" notification; null for nobody
     * @param delayWarningAfter mail deferred this long after intake gets one "delayed" notification; null: never
     * @param maxLifetime how long deferred mail is retried (for the "until" in delay warnings)
     */
    public record Settings(boolean enabled, String postmaster, Duration delayWarningAfter, Duration maxLifetime) {
    }

    /** Builds a notification's bytes: {@link BounceComposer#compose}, or a stand-in in tests. */
    @FunctionalInterface
    interface Composer {
        byte[] compose(DeliveryNotice notice, String bounceId, Instant now);
    }

    private final Settings settings;
    private final Composer composer;

    public Bounces(Settings settings, BounceComposer composer) {
        this(settings, composer::compose);
    }

    Bounces(Settings settings, Composer composer) {
        this.settings = settings;
        this.composer = composer;
    }

    /**
     * @param attempted the mail as it was attempted (all its recipients of this attempt)
     * @param report what became of each recipient
     * @param followUps what {@link DeliveryOutcome} decided for this attempt
     * @param delayWarnedAt when the sender was already warned of a delay, from the attempted message; or null
     * @return the follow-ups, retries carrying the delay-warning mark, with the notifications after them
     */
    public List<FollowUp> addTo(List<FollowUp> followUps, QueuedMail attempted, DeliveryReport report,
                                Instant delayWarnedAt, Instant now) {
        List<FollowUp> result = new ArrayList<>();
        for (FollowUp followUp : followUps) {
            result.add(followUp.isRetry() && delayWarnedAt != null ? followUp.withDelayWarnedAt(delayWarnedAt) : followUp);
        }
        if (!settings.enabled() || attempted.envelope().isNullSender() || INTAKE.equals(attempted.trace().intake())) {
            return result;
        }
        Map<String, RecipientResult> results = new LinkedHashMap<>();
        report.results().forEach(r -> results.putIfAbsent(r.recipient(), r));

        List<DeliveryNotice.Recipient> failed = new ArrayList<>();
        for (FollowUp followUp : followUps) {
            if (followUp.isDead()) {
                for (String recipient : followUp.mail().envelope().recipients()) {
                    RecipientResult r = results.get(recipient);
                    // a deferral that became a dead letter: the mail outlived its lifetime
                    boolean expired = r == null || r.status() == RecipientResult.Status.DEFERRED;
                    failed.add(new DeliveryNotice.Recipient(recipient, r != null ? r.reply() : followUp.mail().lastError(), expired));
                }
            }
        }
        if (!failed.isEmpty()) {
            List<String> to = new ArrayList<>(List.of(attempted.envelope().sender()));
            if (settings.postmaster() != null && !settings.postmaster().equalsIgnoreCase(attempted.envelope().sender())) {
                to.add(settings.postmaster());
            }
            FollowUp bounce = notification(attempted, Action.FAILED, failed, to, null, now);
            if (bounce != null) {
                result.add(bounce);
            }
        }

        if (settings.delayWarningAfter() != null && delayWarnedAt == null
                && !now.isBefore(attempted.trace().receivedAt().plus(settings.delayWarningAfter()))) {
            // every retry of this attempt (the deferred ones, and those a rate limit held back) is named in the
            // one warning and remembers it: each is a queued copy of its own, and none may warn again later
            List<DeliveryNotice.Recipient> delayed = new ArrayList<>();
            for (FollowUp retry : result) {
                if (retry.isRetry()) {
                    for (String recipient : retry.mail().envelope().recipients()) {
                        RecipientResult r = results.get(recipient);
                        delayed.add(new DeliveryNotice.Recipient(recipient, r != null ? r.reply() : retry.mail().lastError(), false));
                    }
                }
            }
            if (!delayed.isEmpty()) {
                Instant until = settings.maxLifetime() == null ? null : attempted.trace().receivedAt().plus(settings.maxLifetime());
                FollowUp warning = notification(attempted, Action.DELAYED, delayed,
                    List.of(attempted.envelope().sender()), until, now);
                if (warning != null) {
                    result.replaceAll(f -> f.isRetry() ? f.withDelayWarnedAt(now) : f);
                    result.add(warning);
                }
            }
        }
        return result;
    }

    /** The notification as a new queued mail from {@code <>}, or null (logged) when it cannot be built. */
    private FollowUp notification(QueuedMail attempted, Action action, List<DeliveryNotice.Recipient> recipients,
                                  List<String> to, Instant retryUntil, Instant now) {
        String id = QueueIds.next();
        try {
            DeliveryNotice notice = new DeliveryNotice(action, attempted.id(), attempted.envelope().sender(),
                attempted.trace().receivedAt(), attempted.attempts() + 1, retryUntil, recipients, originalHeaders(attempted));
            byte[] content = composer.compose(notice, id, now);
            QueuedMail bounce = QueuedMail.received(id, new MailEnvelope("", to), MailContent.of(content),
                new QueuedMail.Trace(INTAKE, now, "bounce of " + attempted.id(), null));
            log.info("[bounce] {} {} notification {} to {} about {} recipient(s)", attempted.id(),
                action == Action.FAILED ? "failure" : "delay", id, to, recipients.size());
            return FollowUp.bounce(bounce);
        } catch (RuntimeException e) {
            log.error("[bounce] {} {} notification to <{}> not sent, could not compose it: {}", attempted.id(),
                action == Action.FAILED ? "failure" : "delay", attempted.envelope().sender(), e.toString(), e);
            return null;
        }
    }

    /**
     * The original header section, without the body: the one place that reads the original content for a
     * notification, and it needs only the head of it (no more than the composer keeps, plus one byte so it
     * can tell that it had to cut).
     */
    private static byte[] originalHeaders(QueuedMail mail) {
        byte[] head = mail.content().head();
        return Arrays.copyOf(head, Math.min(HeaderSection.end(head), BounceComposer.MAX_ORIGINAL_HEADERS + 1));
    }
}
