package io.mailgateway.smtp;

import io.mailgateway.smtp.RecipientPolicy.Decision;
import io.mailgateway.smtp.RecipientPolicy.SessionFacts;
import io.mailgateway.smtp.commands.SmtpReply;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ordered recipient policies of the listeners: trusted networks and authenticated users may send
 * anywhere; anyone else only to plain addresses in {@code gateway.smtp.accepted-domains} (none by default).
 * There is no "accept by default" at the end, so the gateway is never an open relay, whatever is added
 * before it.
 */
public final class RelayPolicies {

    private final List<RecipientPolicy> policies;

    public RelayPolicies(TrustedNetworks trustedNetworks) {
        this(trustedNetworks, List.of());
    }

    public RelayPolicies(TrustedNetworks trustedNetworks, List<String> acceptedDomains) {
        Set<String> domains = acceptedDomains.stream()
            .map(d -> d.trim().toLowerCase(Locale.ROOT))
            .map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d)
            .filter(d -> !d.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
        this.policies = List.of(
            (session, recipient) -> trustedNetworks.contains(session.clientAddress())
                ? Decision.accept() : Decision.noOpinion(),
            (session, recipient) -> session.authenticatedUser() != null
                ? Decision.accept() : Decision.noOpinion(),
            (session, recipient) -> RelayAddress.isPlainAddressIn(recipient, domains)
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
