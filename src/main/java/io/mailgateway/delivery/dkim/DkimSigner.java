package io.mailgateway.delivery.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Signs outgoing mail for one domain with one key (RFC 6376; rsa-sha256, or ed25519-sha256 per RFC 8463).
 *
 * <p>The result is only the {@code DKIM-Signature} header field: the caller writes it in front of the
 * original bytes, which are not touched (shared/DESIGN.md: the stored message is never re-serialised). The
 * body is hashed as it streams past, so a message of any size costs a few KB of memory; only the header
 * section is buffered.
 *
 * <p>A message is signed only when its From field names exactly this domain (exact match: a subdomain has
 * its own key or none). Otherwise {@link DkimResult} says why not, and the mail goes out unsigned.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder}.
 */
public final class DkimSigner {

    /**
     * Signed when present (RFC 6376 §5.4.1 lists these as the ones that matter to a reader and to
     * verifiers). Each instance of a header is signed, and From once more than it occurs ("oversigning",
     * §8.15): a From added in transit then breaks the signature instead of sitting unsigned above it.
     */
    public static final List<String> DEFAULT_HEADERS = List.of(
        "From", "Subject", "Date", "To", "Cc", "Message-ID", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding", "Reply-To", "In-Reply-To", "References");

    /** RFC 6376 §3.1 selector: dot-separated sub-domains; RFC 5321 domain. */
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+");
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    private static final int BUFFER = 64 * 1024;

    /** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits ... */
    static final int MIN_RSA_BITS = 1024;
    /** ... and SHOULD use at least 2048 bits. */
    static final int RECOMMENDED_RSA_BITS = 2048;

    private final String domain;
    private final String selector;
    private final KeyPair keys;
    private final String algorithm;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final List<String> headers;
    private final Clock clock;

    private DkimSigner(Builder builder) {
        this.domain = builder.domain;
        this.selector = builder.selector;
        this.keys = builder.keys;
        this.algorithm = builder.algorithm;
        this.headerCanonicalization = builder.headerCanonicalization;
        this.bodyCanonicalization = builder.bodyCanonicalization;
        this.headers = List.copyOf(builder.headers);
        this.clock = builder.clock;
    }

    /**
     * @param domain the signing domain ({@code d=}), which the From domain must equal
     * @param selector the {@code s=} selector: the public key is published at
     *                 {@code <selector>._domainkey.<domain>}
     * @param keys an RSA key pair of at least 1024 bits, or an Ed25519 one
     */
    public static Builder builder(String domain, String selector, KeyPair keys) {
        return new Builder(domain, selector, keys);
    }

    /**
     * Signs a raw RFC 5322 message (CRLF line ends, not dot-stuffed) read from {@code message}, which is
     * read to its end but not closed.
     */
    public DkimResult sign(InputStream message) throws IOException {
        BufferedInputStream in = new BufferedInputStream(message, BUFFER);
        return sign(HeaderBlock.read(in), in);
    }

    /**
     * Signs a message given as its header section (the header fields, with or without the empty line that
     * ends them) and its body (everything after that empty line), which is read to its end but not closed.
     */
    public DkimResult sign(byte[] headerSection, InputStream body) throws IOException {
        return sign(HeaderBlock.of(headerSection), body);
    }

    DkimResult sign(HeaderBlock headerBlock, InputStream body) throws IOException {
        if (headerBlock.problem() != null) {
            return DkimResult.notSigned(headerBlock.problem());
        }
        FromDomain from = FromDomain.of(headerBlock);
        if (from.problem() != null) {
            return DkimResult.notSigned(from.problem());
        }
        if (!from.domain().equals(domain)) {
            return DkimResult.notSigned("From domain " + from.domain() + " is not the DKIM domain " + domain);
        }
        return signOwn(headerBlock, body);
    }

    /**
     * Signs a message already checked to be this signer's: a sound header section whose From domain is
     * {@link #domain()} ({@link DkimKeys} chose the signer by it, so it need not parse From again).
     */
    DkimResult signOwn(HeaderBlock headerBlock, InputStream body) throws IOException {
        BodyHash bodyHash = bodyHash(body);
        List<String> signed = signedHeaderNames(headerBlock);

        FoldedField field = new FoldedField("DKIM-Signature")
            .token("v=1;")
            .token("a=" + algorithm + ";")
            .token("c=" + headerCanonicalization.tag() + "/" + bodyHash.canonicalization().tag() + ";")
            .token("d=" + domain + ";")
            .token("s=" + selector + ";")
            .token("t=" + clock.instant().getEpochSecond() + ";");
        for (int i = 0; i < signed.size(); i++) {
            String name = signed.get(i) + (i == signed.size() - 1 ? ";" : "");
            if (i == 0) {
                field.token("h=" + name);
            } else {
                field.glued(":" + name);
            }
        }
        field.token("bh=" + Base64.getEncoder().encodeToString(bodyHash.digest()) + ";").token("b=");
        byte[] signature = signature(headerBlock, signed, field.text());
        field.base64(Base64.getEncoder().encodeToString(signature));
        return DkimResult.signature(field.text() + "\r\n");
    }

    /**
     * The header names for h=, in order: each configured header as often as it occurs (the verifier takes
     * instances from the bottom up, §5.4.2), From once more (oversigned).
     */
    List<String> signedHeaderNames(HeaderBlock headerBlock) {
        List<String> names = new ArrayList<>();
        for (String name : headers) {
            int count = headerBlock.count(name) + (name.equals("from") ? 1 : 0);
            for (int i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return names;
    }

    /** The body's hash and the canonicalisation it was computed with. */
    private record BodyHash(Canonicalization canonicalization, byte[] digest) {
    }

    /**
     * Hashes the body in one pass. An empty body is hashed with simple canonicalisation even when relaxed
     * is configured: RFC 6376 §3.4.4 makes an empty relaxed body the empty string (dkimpy agrees), but some
     * verifiers hash it as one CRLF (Apache jDKIM 0.5 does), so a relaxed signature on an empty body fails at
     * some receivers whichever reading is right. Simple turns an empty body into one CRLF in every
     * implementation. To know whether the body is empty the simple hash runs alongside the relaxed one only
     * until the first byte of content; after that it is dropped.
     */
    private BodyHash bodyHash(InputStream body) throws IOException {
        MessageDigest digest = sha256();
        BodyCanonicalizer canonicalizer = bodyCanonicalization.body(digest);
        MessageDigest simpleDigest = null;
        BodyCanonicalizer simple = null;
        if (bodyCanonicalization == Canonicalization.RELAXED) {
            simpleDigest = sha256();
            simple = Canonicalization.SIMPLE.body(simpleDigest);
        }
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = body.read(buffer)) != -1) {
            canonicalizer.update(buffer, 0, n);
            if (simple != null) {
                if (canonicalizer.isEmptySoFar()) {
                    simple.update(buffer, 0, n);
                } else {
                    simple = null;
                }
            }
        }
        canonicalizer.finish();
        if (simple != null && canonicalizer.isEmptySoFar()) {
            simple.finish();
            return new BodyHash(Canonicalization.SIMPLE, simpleDigest.digest());
        }
        return new BodyHash(bodyCanonicalization, digest.digest());
    }

    /**
     * Signs the header hash input (RFC 6376 §3.7) for a DKIM-Signature field whose b= is empty. Package
     * visible so the RFC 8463 example can be reproduced with its exact field.
     */
    byte[] signature(HeaderBlock headerBlock, List<String> signedNames, String signatureFieldWithEmptyB) {
        byte[] data = headerHashInput(headerBlock, signedNames, signatureFieldWithEmptyB)
            .getBytes(StandardCharsets.ISO_8859_1);
        try {
            if (algorithm.equals("rsa-sha256")) {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(keys.getPrivate());
                rsa.update(data);
                return rsa.sign();
            }
            // RFC 8463 §3: Ed25519 (PureEdDSA) signs the SHA-256 hash of the data, not the data itself
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(keys.getPrivate());
            ed25519.update(sha256().digest(data));
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            // the key was checked when the signer was built; this is a broken JDK, not a bad message
            throw new IllegalStateException("DKIM signing with " + algorithm + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The signed header fields, canonicalised, in h= order (each name's next instance from the bottom; a
     * name with no instance left adds nothing, §5.4.2), then the DKIM-Signature field itself with an empty
     * b= and without its final CRLF (§3.7).
     */
    String headerHashInput(HeaderBlock headerBlock, List<String> signedNames, String signatureFieldWithEmptyB) {
        StringBuilder data = new StringBuilder(1024);
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            String key = HeaderBlock.lowerCase(name.strip());
            List<HeaderBlock.Field> instances = headerBlock.all(key);
            int taken = used.merge(key, 1, Integer::sum) - 1;
            if (taken < instances.size()) {
                data.append(headerCanonicalization.header(instances.get(instances.size() - 1 - taken).raw()));
            }
        }
        String own = headerCanonicalization.header(signatureFieldWithEmptyB + "\r\n");
        data.append(own, 0, own.length() - 2);
        return data.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The signing domain ({@code d=}), lower case, ASCII. */
    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    /** {@code rsa-sha256} or {@code ed25519-sha256}. */
    public String algorithm() {
        return algorithm;
    }

    /** The header names signed when present, lower case, in h= order. */
    public List<String> headers() {
        return headers;
    }

    /** Where the public key must be published: {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.2.1). */
    public String dnsName() {
        return selector + "._domainkey." + domain;
    }

    /**
     * The TXT record to publish at {@link #dnsName()} (RFC 6376 §3.6.1): the public key as SubjectPublicKeyInfo
     * for RSA, the raw 32-byte key for Ed25519 (RFC 8463 §4).
     */
    public String dnsRecord() {
        byte[] encoded = keys.getPublic().getEncoded();
        if (algorithm.equals("rsa-sha256")) {
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(encoded);
        }
        byte[] raw = java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
    }

    /** For logs: domain, selector, algorithm; never key material. */
    @Override
    public String toString() {
        return "DKIM " + algorithm + " d=" + domain + " s=" + selector;
    }

    /** Builds a {@link DkimSigner}; every argument is checked here, so a built signer can always sign. */
    public static final class Builder {

        private final String domain;
        private final String selector;
        private final KeyPair keys;
        private final String algorithm;
        private Canonicalization headerCanonicalization = Canonicalization.RELAXED;
        private Canonicalization bodyCanonicalization = Canonicalization.RELAXED;
        private List<String> headers = lowerCaseUnique(DEFAULT_HEADERS);
        private Clock clock = Clock.systemUTC();

        private Builder(String domain, String selector, KeyPair keys) {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(keys, "keys");
            this.domain = FromDomain.normalise(domain);
            if (!DOMAIN.matcher(this.domain).matches()) {
                throw new IllegalArgumentException("DKIM domain '" + domain + "' is not a domain name");
            }
            if (!SELECTOR.matcher(selector).matches()) {
                throw new IllegalArgumentException("DKIM selector '" + selector + "' is not a valid selector"
                    + " (letters, digits, '-', '_', dot-separated)");
            }
            this.selector = selector;
            this.keys = keys;
            if (keys.getPrivate() instanceof RSAPrivateKey rsa) {
                int bits = rsa.getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("DKIM RSA key of " + bits + " bits; at least "
                        + MIN_RSA_BITS + " needed (RFC 8301)");
                }
                algorithm = "rsa-sha256";
            } else if (keys.getPrivate() instanceof EdECPrivateKey ed
                    && ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
                algorithm = "ed25519-sha256";
            } else {
                throw new IllegalArgumentException("DKIM signs with RSA or Ed25519 keys, not "
                    + keys.getPrivate().getAlgorithm());
            }
        }

        /**
         * The header names to sign when present, instead of {@link #DEFAULT_HEADERS}. Must include From
         * (RFC 6376 §5.4); From is always oversigned.
         */
        public Builder headers(List<String> names) {
            List<String> lower = lowerCaseUnique(names);
            for (String name : lower) {
                if (!FIELD_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("'" + name + "' is not a header field name");
                }
            }
            if (!lower.contains("from")) {
                throw new IllegalArgumentException("DKIM signed headers must include From (RFC 6376 §5.4)");
            }
            this.headers = lower;
            return this;
        }

        /**
         * {@code header/body}, each {@code relaxed} or {@code simple}; a single word is the header
         * algorithm with simple for the body (RFC 6376 §3.5, c= tag). Default relaxed/relaxed.
         */
        public Builder canonicalization(String tag) {
            String[] parts = tag.split("/", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("DKIM canonicalization '" + tag + "': header/body expected");
            }
            this.headerCanonicalization = Canonicalization.of(parts[0]);
            this.bodyCanonicalization = parts.length == 2 ? Canonicalization.of(parts[1]) : Canonicalization.SIMPLE;
            return this;
        }

        /** Where the t= timestamp comes from. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DkimSigner build() {
            return new DkimSigner(this);
        }

        private static List<String> lowerCaseUnique(List<String> names) {
            Set<String> unique = new LinkedHashSet<>();
            for (String name : names) {
                unique.add(name.strip().toLowerCase(Locale.ROOT));
            }
            return new ArrayList<>(unique);
        }
    }
}
