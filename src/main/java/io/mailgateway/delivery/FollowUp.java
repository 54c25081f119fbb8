package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.QueueNames;
import java.time.Instant;

/**
 * A message the delivery step puts back into the broker, in the same transaction that consumes the
 * attempted one: the deferred remainder (scheduled for its next attempt) or the dead letters.
 *
 * @param queue {@link QueueNames#OUTBOUND} or {@link QueueNames#DEAD}
 * @param mail the mail with the recipients this follow-up is about
 * @param deliverAt for a retry, the earliest delivery time; null otherwise
 * @param deadAt for a dead letter, when it died; null otherwise
 */
public record FollowUp(String queue, QueuedMail mail, Instant deliverAt, Instant deadAt) {

    public static FollowUp retry(QueuedMail mail) {
        return new FollowUp(QueueNames.OUTBOUND, mail, mail.nextAttemptAt(), null);
    }

    public static FollowUp dead(QueuedMail mail, Instant now) {
        return new FollowUp(QueueNames.DEAD, mail, null, now);
    }
}
