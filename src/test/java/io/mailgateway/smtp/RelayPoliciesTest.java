package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.smtp.RecipientPolicy.Decision;
import io.mailgateway.smtp.RecipientPolicy.SessionFacts;
import io.mailgateway.smtp.commands.SmtpReply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayPoliciesTest {

    private final RelayPolicies policies = new RelayPolicies(TrustedNetworks.parse(List.of("127.0.0.0/8", "::1")));

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void trustedClientMayRelayToAnyRecipient() {
        SessionFacts session = new SessionFacts(ip("127.0.0.1"), null);

        assertThat(policies.decide(session, "someone@example.org").kind()).isEqualTo(Decision.Kind.ACCEPT);
        assertThat(policies.decide(session, "other@elsewhere.example").kind()).isEqualTo(Decision.Kind.ACCEPT);
    }

    @Test
    void trustedIpv6ClientMayRelay() {
        Decision decision = policies.decide(new SessionFacts(ip("::1"), null), "someone@example.org");

        assertThat(decision.kind()).isEqualTo(Decision.Kind.ACCEPT);
    }

    @Test
    void untrustedUnauthenticatedClientIsDeniedRelay() {
        Decision decision = policies.decide(new SessionFacts(ip("203.0.113.9"), null), "someone@example.org");

        assertThat(decision.kind()).isEqualTo(Decision.Kind.REJECT);
        assertThat(decision.reply()).isEqualTo(SmtpReply.RELAY_DENIED);
        assertThat(decision.reply().code()).isEqualTo(554);
        assertThat(decision.reply().text()).startsWith("5.7.1");
    }

    @Test
    void relayDeniedReplyBecomesARejectExceptionWithItsCode() {
        assertThat(SmtpReply.RELAY_DENIED.reject().getCode()).isEqualTo(554);
        assertThat(SmtpReply.RELAY_DENIED.toString()).startsWith("554 5.7.1");
    }

    @Test
    void authenticatedUserFromAnUntrustedNetworkMayRelay() {
        Decision decision = policies.decide(new SessionFacts(ip("203.0.113.9"), "alice"), "someone@example.org");

        assertThat(decision.kind()).isEqualTo(Decision.Kind.ACCEPT);
        assertThat(decision.reply()).isNull();
    }

    @Test
    void withNoTrustedNetworksEvenLoopbackMustAuthenticate() {
        RelayPolicies nobodyTrusted = new RelayPolicies(TrustedNetworks.parse(List.of()));

        assertThat(nobodyTrusted.decide(new SessionFacts(ip("127.0.0.1"), null), "x@example.org").kind())
            .isEqualTo(Decision.Kind.REJECT);
        assertThat(nobodyTrusted.decide(new SessionFacts(ip("127.0.0.1"), "alice"), "x@example.org").kind())
            .isEqualTo(Decision.Kind.ACCEPT);
    }
}
