package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Decides what becomes of a mail after one attempt, per recipient: delivered recipients are done and never
 * sent again; failed ones (5xx) become a dead letter; deferred ones are rescheduled with backoff, or become
 * a dead letter "expired after N attempts" once the mail has outlived {@code max-lifetime}. Recipients a
 * rate limit held back wait until the time the limit gave, without counting an attempt.
 */
public final class DeliveryOutcome {

    private final RetrySchedule schedule;

    public DeliveryOutcome(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    public List<FollowUp> decide(QueuedMail mail, DeliveryReport report, Instant now) {
        List<FollowUp> followUps = new ArrayList<>();

        // one dead letter per distinct reason, so each reads as one story
        Map<String, List<String>> failedByReason = new LinkedHashMap<>();
        for (RecipientResult result : report.with(RecipientResult.Status.FAILED)) {
            failedByReason.computeIfAbsent(result.reply(), r -> new ArrayList<>()).add(result.recipient());
        }
        failedByReason.forEach((reason, recipients) ->
            followUps.add(FollowUp.dead(mail.failed(recipients, reason), now)));

        List<RecipientResult> deferred = new ArrayList<>();
        Map<Instant, List<RecipientResult>> postponedUntil = new LinkedHashMap<>();
        for (RecipientResult result : report.with(RecipientResult.Status.DEFERRED)) {
            if (result.postponed()) {
                postponedUntil.computeIfAbsent(result.notBefore(), t -> new ArrayList<>()).add(result);
            } else {
                deferred.add(result);
            }
        }
        // held back by a rate limit: no attempt was made, so none is counted, but the lifetime still holds
        postponedUntil.forEach((notBefore, held) -> {
            List<String> recipients = held.stream().map(RecipientResult::recipient).toList();
            String reason = held.get(0).reply();
            if (schedule.expired(mail.trace().receivedAt(), now)) {
                followUps.add(FollowUp.dead(mail.failed(recipients, "expired while held back: " + reason), now));
            } else {
                followUps.add(FollowUp.retry(mail.postponed(recipients, reason, notBefore)));
            }
        });

        if (!deferred.isEmpty()) {
            List<String> recipients = deferred.stream().map(RecipientResult::recipient).toList();
            String error = String.join("; ", new LinkedHashSet<>(deferred.stream().map(RecipientResult::reply).toList()));
            int attemptsMade = mail.attempts() + 1;
            if (schedule.expired(mail.trace().receivedAt(), now)) {
                followUps.add(FollowUp.dead(
                    mail.failed(recipients, "expired after " + attemptsMade + " attempts: " + error), now));
            } else {
                Instant next = now.plus(schedule.delayAfter(attemptsMade));
                followUps.add(FollowUp.retry(mail.deferred(recipients, error, next)));
            }
        }
        return followUps;
    }
}
