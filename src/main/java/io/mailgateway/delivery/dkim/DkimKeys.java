package io.mailgateway.delivery.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured DKIM keys, one per sender domain. Delivery asks it to sign each outgoing message; the key
 * is chosen by the From domain, exactly: mail from {@code news.example.com} is not signed with
 * {@code example.com}'s key unless {@code news.example.com} has an entry of its own (a parent's key for a
 * subdomain would be a d= that DMARC's strict alignment rejects, and the operator did not ask for it).
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimKeys {

    private static final Logger log = LoggerFactory.getLogger(DkimKeys.class);

    private final Map<String, DkimSigner> byDomain;

    private DkimKeys(Map<String, DkimSigner> byDomain) {
        this.byDomain = byDomain;
    }

    /** No keys: nothing is signed. */
    public static DkimKeys none() {
        return new DkimKeys(Map.of());
    }

    /** The given signers, keyed by their domain; two for one domain is an error. */
    public static DkimKeys of(Collection<DkimSigner> signers) {
        Map<String, DkimSigner> byDomain = new LinkedHashMap<>();
        for (DkimSigner signer : signers) {
            DkimSigner previous = byDomain.putIfAbsent(signer.domain(), signer);
            if (previous != null) {
                throw new DkimKeyException("DKIM domain " + signer.domain() + " is configured twice (selectors "
                    + previous.selector() + " and " + signer.selector() + "); one key per domain");
            }
        }
        return new DkimKeys(Map.copyOf(byDomain));
    }

    /**
     * Reads every configured key and builds its signer; called once at start. A missing, unreadable,
     * encrypted, unsupported or too short key stops the gateway with a {@link DkimKeyException} naming the
     * file: a configured domain must never go out unsigned because of a typo in a path. Logs, per domain,
     * the TXT record to publish.
     */
    public static DkimKeys load(List<DkimSettings> settings, Clock clock) {
        List<DkimSigner> signers = new ArrayList<>();
        for (DkimSettings entry : settings) {
            KeyPair keys = PemPrivateKeys.read(entry.getPrivateKey());
            DkimSigner.Builder builder;
            try {
                builder = DkimSigner.builder(entry.getDomain(), entry.getSelector(), keys)
                    .canonicalization(entry.getCanonicalization())
                    .clock(clock);
                if (entry.getHeaders() != null && !entry.getHeaders().isEmpty()) {
                    builder.headers(entry.getHeaders());
                }
            } catch (IllegalArgumentException e) {
                throw new DkimKeyException("gateway.delivery.dkim entry for " + entry.getDomain() + ": " + e.getMessage(), e);
            }
            DkimSigner signer = builder.build();
            if (keys.getPrivate() instanceof RSAKey rsa
                    && rsa.getModulus().bitLength() < DkimSigner.RECOMMENDED_RSA_BITS) {
                // RFC 8301 §3.2: 1024 bits still verify, but some receivers already treat them as weak
                log.warn("[delivery] DKIM key {} for {} is RSA {} bits; {} or more is recommended (RFC 8301)",
                    entry.getPrivateKey(), signer.domain(), rsa.getModulus().bitLength(),
                    DkimSigner.RECOMMENDED_RSA_BITS);
            }
            log.info("[delivery] DKIM signing mail from {} ({} s={}); publish TXT {} \"{}\"",
                signer.domain(), signer.algorithm(), signer.selector(), signer.dnsName(), signer.dnsRecord());
            signers.add(signer);
        }
        return of(signers);
    }

    /** The signer for mail from exactly this domain (case and a trailing dot do not matter). */
    public Optional<DkimSigner> forSenderDomain(String domain) {
        if (domain == null || domain.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDomain.get(FromDomain.normalise(domain)));
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    public Collection<DkimSigner> signers() {
        return byDomain.values();
    }

    /**
     * Signs a raw message (CRLF line ends, not dot-stuffed) with the key of its From domain, if there is one.
     * The stream is read to its end but not closed. Not signing (no key for the domain, no From) is a
     * result, not an error.
     */
    public DkimResult sign(InputStream message) throws IOException {
        if (byDomain.isEmpty()) {
            return DkimResult.notSigned("no DKIM keys configured");
        }
        BufferedInputStream in = new BufferedInputStream(message, 64 * 1024);
        HeaderBlock headers = HeaderBlock.read(in);
        if (headers.problem() != null) {
            return DkimResult.notSigned(headers.problem());
        }
        FromDomain from = FromDomain.of(headers);
        if (from.problem() != null) {
            return DkimResult.notSigned(from.problem());
        }
        DkimSigner signer = byDomain.get(from.domain());
        if (signer == null) {
            return DkimResult.notSigned("no DKIM key for " + from.domain());
        }
        return signer.signOwn(headers, in);
    }
}
