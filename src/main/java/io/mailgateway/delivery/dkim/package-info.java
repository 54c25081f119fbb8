/**
 * DKIM signing at delivery (issue 7): mail whose From domain has a configured key leaves with a
 * {@code DKIM-Signature} field (RFC 6376; rsa-sha256, or ed25519-sha256 per RFC 8463) in front of the
 * queued bytes, which are not changed or re-serialised.
 *
 * <ul>
 *   <li>{@link io.mailgateway.delivery.dkim.DkimSettings}: one {@code gateway.delivery.dkim[n]} entry
 *       (domain, selector, private-key, optional headers and canonicalization).</li>
 *   <li>{@link io.mailgateway.delivery.dkim.DkimKeys}: loads the keys at start (a bad key stops the
 *       gateway with the file named) and signs a message with the key of its From domain.</li>
 *   <li>{@link io.mailgateway.delivery.dkim.DkimSigner}: one domain's key; streams the body.</li>
 *   <li>{@link io.mailgateway.delivery.dkim.DkimResult}: the field to write first, or why none.</li>
 * </ul>
 *
 * <p>Sign at every delivery attempt, not at intake: the queued copy stays unsigned, so a retry days later
 * gets a fresh {@code t=} and a key rotated in between, and signatures never pile up on a message.
 */
package io.mailgateway.delivery.dkim;
