package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.QueueNames;
import java.time.Instant;

/**
 * A message the delivery step puts back into the broker, in the same transaction that consumes the
 * attempted one: the deferred remainder (scheduled for its next attempt), the dead letters, and the
 * delivery status notifications (bounces) about them.
 *
 * @param queue {@link QueueNames#OUTBOUND} or {@link QueueNames#DEAD}
 * @param mail the mail with the recipients this follow-up is about
 * @param deliverAt for a retry, the earliest delivery time; null otherwise
 * @param deadAt for a dead letter, when it died; null otherwise
 * @param delayWarnedAt for a retry, when the sender was sent a "delayed" notification about this mail
 *                      (sent once, so remembered on every later retry); null when none was sent
 */
public record FollowUp(String queue, QueuedMail mail, Instant deliverAt, Instant deadAt, Instant delayWarnedAt) {

    public static FollowUp retry(QueuedMail mail) {
        return new FollowUp(QueueNames.OUTBOUND, mail, mail.nextAttemptAt(), null, null);
    }

    public static FollowUp dead(QueuedMail mail, Instant now) {
        return new FollowUp(QueueNames.DEAD, mail, null, now, null);
    }

    /** A new mail for immediate delivery: a delivery status notification. */
    public static FollowUp bounce(QueuedMail notification) {
        return new FollowUp(QueueNames.OUTBOUND, notification, null, null, null);
    }

    public boolean isRetry() {
        return deliverAt != null;
    }

    public boolean isDead() {
        return deadAt != null;
    }

    public boolean isBounce() {
        return deliverAt == null && deadAt == null;
    }

    /** This retry, remembering that the sender has been warned of the delay at {@code warnedAt}. */
    public FollowUp withDelayWarnedAt(Instant warnedAt) {
        return new FollowUp(queue, mail, deliverAt, deadAt, warnedAt);
    }
}
