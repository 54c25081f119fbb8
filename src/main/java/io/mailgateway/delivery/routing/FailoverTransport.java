package io.mailgateway.delivery.routing;

import io.mailgateway.delivery.DeliveryReport;
import io.mailgateway.delivery.RecipientResult;
import io.mailgateway.delivery.Transport;
import io.mailgateway.mail.QueuedMail;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A smart host with a secondary (gateway.delivery.smarthost.failover): recipients the primary deferred —
 * it refused the connection, could not be reached, or answered 4xx such as 421 — go to the secondary in
 * the same attempt. Recipients the primary delivered or rejected for good (5xx) are not sent again, and
 * those a rate limit held back wait for the primary. What the secondary says is the final result; when it
 * defers too, the reply names both.
 */
public final class FailoverTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(FailoverTransport.class);

    private final Transport primary;
    private final Transport secondary;

    public FailoverTransport(Transport primary, Transport secondary) {
        this.primary = primary;
        this.secondary = secondary;
    }

    @Override
    public DeliveryReport deliver(QueuedMail mail) {
        DeliveryReport first = primary.deliver(mail);
        List<String> retry = first.results().stream()
            .filter(r -> r.status() == RecipientResult.Status.DEFERRED && !r.postponed())
            .map(RecipientResult::recipient)
            .toList();
        if (retry.isEmpty()) {
            return first;
        }
        Map<String, String> primaryReplies = new HashMap<>();
        first.results().forEach(r -> primaryReplies.put(r.recipient(), r.reply()));
        log.warn("[delivery] {} {} recipient(s) deferred by {} ({}); trying {}", mail.id(), retry.size(),
            primary.describe(), primaryReplies.get(retry.get(0)), secondary.describe());
        List<RecipientResult> results = new ArrayList<>(first.results());
        for (RecipientResult result : secondary.deliver(mail.forRecipients(retry)).results()) {
            results.add(result.status() == RecipientResult.Status.DEFERRED && !result.postponed()
                ? RecipientResult.deferred(result.recipient(), primaryReplies.get(result.recipient())
                    + "; failover: " + result.reply())
                : result);
        }
        // the secondary's word replaces the primary's for the recipients it was given
        return DeliveryReport.inOrder(mail.envelope().recipients(), results);
    }

    @Override
    public String describe() {
        return primary.describe() + " (failover: " + secondary.describe() + ")";
    }
}
