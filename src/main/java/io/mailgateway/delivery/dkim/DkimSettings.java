package io.mailgateway.delivery.dkim;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code gateway.delivery.dkim}: mail whose From is in {@code domain} is signed with the key
 * in {@code private-key}, published under {@code selector}. As a list, e.g.
 * <pre>
 * gateway.delivery.dkim[0].domain=example.com
 * gateway.delivery.dkim[0].selector=mail2025
 * gateway.delivery.dkim[0].private-key=/etc/mail-gateway/dkim/example.com.pem
 * </pre>
 * or {@code GATEWAY_DELIVERY_DKIM_0_DOMAIN} and so on. Validated at start like the rest of the settings; the
 * key file itself is checked by {@link DkimKeys#load}.
 */
public class DkimSettings {

    /** The sender domain (the From address's domain) and the signature's d=; a subdomain needs an entry of its own. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\\.?",
        message = "must be a domain name such as example.com")
    private String domain;

    /** The public key is published as a TXT record at {@code <selector>._domainkey.<domain>}. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*",
        message = "must be a DKIM selector: letters, digits, '-' and '_', dot-separated")
    private String selector;

    /**
     * Unencrypted PEM private key: PKCS#8 {@code PRIVATE KEY} (RSA or Ed25519) or PKCS#1
     * {@code RSA PRIVATE KEY}; RSA at least 1024 bits, 2048 recommended. Keep it readable by the gateway only.
     */
    @NotNull
    private Path privateKey;

    /** Header names to sign when present; empty means {@link DkimSigner#DEFAULT_HEADERS}. Must include From. */
    @NotNull
    private List<@NotBlank @Pattern(regexp = "[!-9;-~]+", message = "must be a header field name") String> headers =
        new ArrayList<>();

    /** {@code header/body}: {@code relaxed/relaxed} survives refolding by forwarders; {@code simple} survives nothing. */
    @NotNull
    @Pattern(regexp = "(?i)(relaxed|simple)(/(relaxed|simple))?", message = "must be relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple")
    private String canonicalization = "relaxed/relaxed";

    /** RFC 6376 §5.4: the From field MUST be signed. */
    @AssertTrue(message = "headers must include From when set (RFC 6376 §5.4)")
    public boolean isFromSigned() {
        return headers == null || headers.isEmpty()
            || headers.stream().anyMatch(name -> name != null && name.strip().equalsIgnoreCase("From"));
    }

    public String getDomain() { return domain; }
    public void setDomain(String domain) { this.domain = domain; }
    public String getSelector() { return selector; }
    public void setSelector(String selector) { this.selector = selector; }
    public Path getPrivateKey() { return privateKey; }
    public void setPrivateKey(Path privateKey) { this.privateKey = privateKey; }
    public List<String> getHeaders() { return headers; }
    public void setHeaders(List<String> headers) { this.headers = headers; }
    public String getCanonicalization() { return canonicalization; }
    public void setCanonicalization(String canonicalization) { this.canonicalization = canonicalization; }
}
