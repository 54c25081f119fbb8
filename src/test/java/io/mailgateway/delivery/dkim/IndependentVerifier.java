package io.mailgateway.delivery.dkim;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;

/**
 * Verifies DKIM signatures with Apache James jDKIM (apache-jdkim-library 0.5), an implementation of
 * RFC 6376 that shares no code with ours. The public key records it would look up in DNS are published here
 * from the test's own key pair, in the record format of RFC 6376 §3.6.1, never taken from the signer.
 */
public final class IndependentVerifier {

    private final Map<String, String> records = new HashMap<>();

    /** What a receiver would find at {@code selector._domainkey.domain}: an RSA key record. */
    public IndependentVerifier publishRsa(String selector, String domain, PublicKey key) {
        records.put(selector + "._domainkey." + domain,
            "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded()));
        return this;
    }

    /** The outcome: the verified signatures' records, or the verifier's reason for failing. */
    public record Verdict(List<SignatureRecord> verified, String failure) {
        public boolean passed() {
            return failure == null && verified != null && !verified.isEmpty();
        }

        @Override
        public String toString() {
            return passed() ? "pass " + verified : "fail: " + failure;
        }
    }

    public Verdict verify(byte[] message) {
        PublicKeyRecordRetriever dns = (method, selector, domain) -> {
            String record = records.get(selector + "._domainkey." + domain);
            if (record == null) {
                throw new PermFailException("no key record for " + selector + "._domainkey." + domain);
            }
            return List.of(record);
        };
        try {
            List<SignatureRecord> verified = new DKIMVerifier(dns).verify(new ByteArrayInputStream(message));
            return new Verdict(verified, verified == null || verified.isEmpty() ? "no signature verified" : null);
        } catch (FailException e) {
            return new Verdict(null, e.getMessage());
        } catch (Exception e) {
            return new Verdict(null, e.toString());
        }
    }
}
