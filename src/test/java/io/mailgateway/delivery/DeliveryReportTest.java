package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryReportTest {

    @Test
    void inOrderPutsResultsGatheredPerNextHopBackIntoEnvelopeOrder() {
        DeliveryReport report = DeliveryReport.inOrder(List.of("a@one.example", "b@two.example", "c@one.example"),
            List.of(RecipientResult.delivered("a@one.example", "250 a"), RecipientResult.delivered("c@one.example", "250 c"),
                RecipientResult.failed("b@two.example", "550 b")));

        assertThat(report.results()).extracting(RecipientResult::recipient)
            .containsExactly("a@one.example", "b@two.example", "c@one.example");
        assertThat(report.results()).extracting(RecipientResult::reply).containsExactly("250 a", "550 b", "250 c");
    }

    @Test
    void inOrderLetsALaterResultForARecipientReplaceAnEarlierOne() {
        DeliveryReport report = DeliveryReport.inOrder(List.of("a@example.net"),
            List.of(RecipientResult.deferred("a@example.net", "421 primary busy"),
                RecipientResult.delivered("a@example.net", "250 secondary took it")));

        assertThat(report.results()).containsExactly(RecipientResult.delivered("a@example.net", "250 secondary took it"));
    }

    @Test
    void inOrderDefersARecipientNobodyReportedOnInsteadOfLosingIt() {
        DeliveryReport report = DeliveryReport.inOrder(List.of("a@example.net", "b@example.net"),
            List.of(RecipientResult.delivered("a@example.net", "250 ok")));

        assertThat(report.results()).hasSize(2);
        assertThat(report.results().get(1).recipient()).isEqualTo("b@example.net");
        assertThat(report.results().get(1).status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(report.results().get(1).reply()).contains("no result from the next hop");
    }
}
