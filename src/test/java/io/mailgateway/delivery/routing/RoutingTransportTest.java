package io.mailgateway.delivery.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.delivery.DeliveryReport;
import io.mailgateway.delivery.RecipientResult;
import io.mailgateway.delivery.Transport;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** RoutingTransport and FailoverTransport with scripted next hops: who gets which recipients, in what order. */
class RoutingTransportTest {

    private static QueuedMail mail(String... recipients) {
        return QueuedMail.received("0000000A1B2C3D4E5F", new MailEnvelope("from@example.org", List.of(recipients)),
            MailContent.of("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)),
            new QueuedMail.Trace("smtp", Instant.parse("2024-03-01T10:00:00Z"), "127.0.0.1", null));
    }

    /** A next hop that answers each recipient with {@code answer} and remembers whom it was given. */
    private static final class ScriptedHop implements Transport {
        private final String name;
        private final Function<String, RecipientResult> answer;
        final List<List<String>> given = new ArrayList<>();

        ScriptedHop(String name, Function<String, RecipientResult> answer) {
            this.name = name;
            this.answer = answer;
        }

        @Override
        public DeliveryReport deliver(QueuedMail mail) {
            given.add(mail.envelope().recipients());
            // answered in reverse order: the caller must restore envelope order itself
            List<RecipientResult> results = new ArrayList<>(mail.envelope().recipients().stream().map(answer).toList());
            Collections.reverse(results);
            return new DeliveryReport(results);
        }

        @Override
        public String describe() {
            return name;
        }
    }

    @Test
    void routingHandsEachHopItsDomainsAndReportsInEnvelopeOrder() {
        ScriptedHop fallback = new ScriptedHop("default", r -> RecipientResult.delivered(r, "default said 250"));
        ScriptedHop partner = new ScriptedHop("partner", r -> RecipientResult.failed(r, "partner said 550"));
        RoutingTransport routing = new RoutingTransport(new DomainRoutes<Transport>(fallback).add("partner.example", partner),
            fallback, List.of(fallback, partner));

        DeliveryReport report = routing.deliver(mail("a@example.net", "b@partner.example", "c@example.net"));

        assertThat(fallback.given).containsExactly(List.of("a@example.net", "c@example.net"));
        assertThat(partner.given).containsExactly(List.of("b@partner.example"));
        assertThat(report.results()).extracting(RecipientResult::recipient)
            .containsExactly("a@example.net", "b@partner.example", "c@example.net");
        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(
            RecipientResult.Status.DELIVERED, RecipientResult.Status.FAILED, RecipientResult.Status.DELIVERED);
    }

    @Test
    void failoverSendsOnlyTheDeferredRecipientsToTheSecondaryAndNamesBothRepliesWhenItDefersToo() {
        ScriptedHop primary = new ScriptedHop("primary", r -> r.startsWith("ok")
            ? RecipientResult.delivered(r, "primary said 250") : RecipientResult.deferred(r, "primary said 421"));
        ScriptedHop secondary = new ScriptedHop("secondary", r -> r.startsWith("later")
            ? RecipientResult.deferred(r, "secondary said 451") : RecipientResult.delivered(r, "secondary said 250"));

        DeliveryReport report = new FailoverTransport(primary, secondary)
            .deliver(mail("busy@example.net", "ok@example.net", "later@example.net"));

        assertThat(secondary.given).hasSize(1);
        assertThat(secondary.given.get(0)).containsExactlyInAnyOrder("busy@example.net", "later@example.net");
        assertThat(report.results()).containsExactly(
            RecipientResult.delivered("busy@example.net", "secondary said 250"),
            RecipientResult.delivered("ok@example.net", "primary said 250"),
            RecipientResult.deferred("later@example.net", "primary said 421; failover: secondary said 451"));
    }
}
