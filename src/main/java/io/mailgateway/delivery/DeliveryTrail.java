package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to the last {@value #CAPACITY} mails at the next hop, by queue id: each attempt, and per
 * recipient delivered / deferred (with the next attempt) / dead, with the remote server's reply. Kept in
 * memory only (a restart forgets it; the log and the queues keep the lasting record), read by
 * {@code send-test} through {@code /actuator/deliveries/{queueId}}.
 */
public final class DeliveryTrail {

    public static final int CAPACITY = 1000;

    /** @param status {@code delivered}, {@code deferred} or {@code dead} */
    public record Recipient(String recipient, String status, String reply, String nextAttemptAt) {
    }

    /** @param at ISO-8601 UTC */
    public record Attempt(int attempt, String at, String via, List<Recipient> recipients) {
    }

    /**
     * @param state {@code deferred} while any recipient waits for a retry, else {@code dead} if any recipient
     *              failed for good, else {@code delivered}
     */
    public record Mail(String queueId, String state, List<Attempt> attempts) {
    }

    private final Map<String, List<Attempt>> attempts = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Attempt>> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Called once per attempt, after its follow-ups are decided. */
    public void record(QueuedMail mail, String via, DeliveryReport report, List<FollowUp> followUps, Instant now) {
        Map<String, Recipient> byRecipient = new LinkedHashMap<>();
        Map<String, String> replies = new HashMap<>();
        for (RecipientResult result : report.results()) {
            replies.putIfAbsent(result.recipient(), result.reply());
            if (result.status() == RecipientResult.Status.DELIVERED) {
                byRecipient.put(result.recipient(), new Recipient(result.recipient(), "delivered", result.reply(), null));
            }
        }
        for (FollowUp followUp : followUps) {
            if (followUp.isBounce()) {
                continue; // a notification to the sender is another mail, not an outcome of this one
            }
            for (String recipient : followUp.mail().envelope().recipients()) {
                byRecipient.put(recipient, followUp.isDead()
                    ? new Recipient(recipient, "dead", followUp.mail().lastError(), null)
                    : new Recipient(recipient, "deferred", replies.getOrDefault(recipient, followUp.mail().lastError()),
                        String.valueOf(followUp.deliverAt())));
            }
        }
        Attempt attempt = new Attempt(mail.attempts() + 1, now.toString(), via, List.copyOf(byRecipient.values()));
        synchronized (attempts) {
            attempts.computeIfAbsent(mail.id(), id -> new ArrayList<>()).add(attempt);
        }
    }

    public Optional<Mail> find(String queueId) {
        List<Attempt> made;
        synchronized (attempts) {
            List<Attempt> found = attempts.get(queueId);
            if (found == null) {
                return Optional.empty();
            }
            made = List.copyOf(found);
        }
        // a recipient's latest status counts: delivered recipients do not reappear in later attempts
        Map<String, String> latest = new LinkedHashMap<>();
        for (Attempt attempt : made) {
            for (Recipient recipient : attempt.recipients()) {
                latest.put(recipient.recipient(), recipient.status());
            }
        }
        String state = latest.containsValue("deferred") ? "deferred" : latest.containsValue("dead") ? "dead" : "delivered";
        return Optional.of(new Mail(queueId, state, made));
    }
}
