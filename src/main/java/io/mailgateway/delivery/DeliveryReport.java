package io.mailgateway.delivery;

import java.util.List;

/** The result of one delivery attempt: one entry per envelope recipient tried, in envelope order. */
public record DeliveryReport(List<RecipientResult> results) {

    public DeliveryReport {
        results = List.copyOf(results);
    }

    /** Every recipient gets the same result, e.g. when the connection failed before any RCPT. */
    public static DeliveryReport all(List<String> recipients, RecipientResult.Status status, String reply) {
        return new DeliveryReport(recipients.stream().map(r -> new RecipientResult(r, status, reply)).toList());
    }

    public List<RecipientResult> with(RecipientResult.Status status) {
        return results.stream().filter(r -> r.status() == status).toList();
    }
}
