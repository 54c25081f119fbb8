package io.mailgateway.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The result of one delivery attempt: one entry per envelope recipient tried, in envelope order. */
public record DeliveryReport(List<RecipientResult> results) {

    public DeliveryReport {
        results = List.copyOf(results);
    }

    /** Every recipient gets the same result, e.g. when the connection failed before any RCPT. */
    public static DeliveryReport all(List<String> recipients, RecipientResult.Status status, String reply) {
        return new DeliveryReport(recipients.stream().map(r -> new RecipientResult(r, status, reply)).toList());
    }

    /**
     * One report for {@code recipients}, in their (envelope) order, from results gathered in any order, e.g.
     * per domain or per next hop: a later result for a recipient replaces an earlier one. A recipient nobody
     * reported on is deferred, not lost: that is a gateway bug, and the mail waits for the next attempt.
     */
    public static DeliveryReport inOrder(List<String> recipients, Iterable<RecipientResult> results) {
        Map<String, RecipientResult> byRecipient = new HashMap<>();
        results.forEach(result -> byRecipient.put(result.recipient(), result));
        return new DeliveryReport(recipients.stream().map(r -> {
            RecipientResult result = byRecipient.get(r);
            return result != null ? result : RecipientResult.deferred(r, "no result from the next hop (gateway error)");
        }).toList());
    }

    public List<RecipientResult> with(RecipientResult.Status status) {
        return results.stream().filter(r -> r.status() == status).toList();
    }
}
