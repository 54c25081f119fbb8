package io.mailgateway.delivery.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one delivery status notification reports about one queued mail: everything {@link BounceComposer}
 * needs, and nothing of the original message but its header section.
 *
 * @param action {@link Action#FAILED} (the mail is dead-lettered for these recipients) or
 *               {@link Action#DELAYED} (still being retried)
 * @param queueId the original mail's queue id, named in the report so operators can find it
 * @param sender the original envelope sender: the notification's To
 * @param arrivalDate when the gateway accepted the original mail
 * @param attempts delivery attempts made so far, the last one included
 * @param retryUntil for {@link Action#DELAYED}: when the gateway gives up; null otherwise
 * @param recipients the recipients the notification is about, at least one
 * @param originalHeaders the original header section (CRLF lines, no body); may be empty
 */
public record DeliveryNotice(
        Action action,
        String queueId,
        String sender,
        Instant arrivalDate,
        int attempts,
        Instant retryUntil,
        List<Recipient> recipients,
        byte[] originalHeaders) {

    public enum Action { FAILED, DELAYED }

    public DeliveryNotice {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(originalHeaders, "originalHeaders");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a delivery status notification is about at least one recipient");
        }
        if (sender.isEmpty()) {
            throw new IllegalArgumentException("no notification to the null sender <> (RFC 5321 §4.5.5)");
        }
    }

    /**
     * One recipient's line in the report.
     *
     * @param address the envelope recipient
     * @param reply the last reply about it, as the delivery step recorded it (see {@link NextHopReply})
     * @param expired true when the mail was given up because it outlived its lifetime, not because of this
     *                reply (which was then a temporary one)
     */
    public record Recipient(String address, String reply, boolean expired) {
        public Recipient {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(reply, "reply");
        }
    }
}
