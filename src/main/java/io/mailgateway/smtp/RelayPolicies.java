package io.mailgateway.smtp;

import io.mailgateway.smtp.RecipientPolicy.Decision;
import io.mailgateway.smtp.RecipientPolicy.SessionFacts;
import java.util.List;

/**
 * The ordered recipient policies of the relay: trusted networks and authenticated users may send anywhere;
 * everyone else is refused. There is no "accept by default" at the end, so the gateway is never an open
 * relay, whatever is added before it.
 */
public final class RelayPolicies {

    private final List<RecipientPolicy> policies;

    public RelayPolicies(TrustedNetworks trustedNetworks) {
        this.policies = List.of(
            (session, recipient) -> trustedNetworks.contains(session.clientAddress())
                ? Decision.accept() : Decision.noOpinion(),
            (session, recipient) -> session.authenticatedUser() != null
                ? Decision.accept() : Decision.noOpinion());
    }

    public Decision decide(SessionFacts session, String recipient) {
        for (RecipientPolicy policy : policies) {
            Decision decision = policy.decide(session, recipient);
            if (decision.kind() != Decision.Kind.NO_OPINION) {
                return decision;
            }
        }
        return Decision.reject(SmtpReply.RELAY_DENIED);
    }
}
