package io.mailgateway.delivery.routing;

import io.mailgateway.delivery.DeliveryReport;
import io.mailgateway.delivery.RecipientResult;
import io.mailgateway.delivery.Transport;
import io.mailgateway.mail.QueuedMail;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Splits a mail's recipients by the next hop their domain is routed to (gateway.delivery.routes, else the
 * default mode) and hands each group to its transport. Each group's result stands on its own: a domain that
 * was delivered is never sent again because another one was deferred (DeliveryOutcome re-queues only the
 * deferred recipients).
 */
public final class RoutingTransport implements Transport, AutoCloseable {

    private final DomainRoutes<Transport> routes;
    private final Transport fallback;
    private final List<Transport> all;

    public RoutingTransport(DomainRoutes<Transport> routes, Transport fallback, List<Transport> all) {
        this.routes = routes;
        this.fallback = fallback;
        this.all = List.copyOf(all);
    }

    @Override
    public DeliveryReport deliver(QueuedMail mail) {
        Map<Transport, List<String>> groups = new IdentityHashMap<>();
        List<Transport> order = new ArrayList<>();
        for (String recipient : mail.envelope().recipients()) {
            Transport transport = routes.forRecipient(recipient);
            groups.computeIfAbsent(transport, t -> {
                order.add(t);
                return new ArrayList<>();
            }).add(recipient);
        }
        if (order.size() == 1) {
            return order.get(0).deliver(mail);
        }
        List<RecipientResult> results = new ArrayList<>();
        for (Transport transport : order) {
            results.addAll(transport.deliver(mail.forRecipients(groups.get(transport))).results());
        }
        return DeliveryReport.inOrder(mail.envelope().recipients(), results);
    }

    /** Every next hop built for the routes and the default, each once (a failover's two sides apart). */
    public List<Transport> nextHops() {
        return all;
    }

    @Override
    public String describe() {
        Set<String> others = all.stream().filter(t -> t != fallback).map(Transport::describe)
            .collect(Collectors.toCollection(LinkedHashSet::new));
        return fallback.describe() + (others.isEmpty() ? "" : "; routes to " + String.join(", ", others));
    }

    @Override
    public void close() throws Exception {
        for (Transport transport : all) {
            if (transport instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
