package io.mailgateway.doctor;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.X509TrustManager;

/**
 * The verdict on a smart host's certificate chain, in the gateway's terms: it delivers only when the chain
 * is trusted (JVM or configured trust store), currently valid, and names the configured host
 * ({@code mail.smtp.ssl.checkserveridentity=true}). Each way of failing gets its own words and fix, and the
 * days to expiry are always reported.
 */
final class ServerCertificate {

    /** Fewer days than this before expiry: WARN, so someone renews it before mail stops. */
    static final int WARN_DAYS = 21;

    private static final Pattern CN = Pattern.compile("(?i)(?:^|,)\\s*CN=([^,]+)");

    /** @param trusted whether a password may be sent over this connection */
    record Verdict(Status status, String detail, String fix, boolean trusted) {
    }

    private ServerCertificate() {
    }

    static Verdict evaluate(X509Certificate[] chain, String authType, X509TrustManager trust, String trustSource,
                            String host, Instant now) {
        if (chain == null || chain.length == 0) {
            return new Verdict(Status.FAIL, "the smart host sent no certificate", null, false);
        }
        X509Certificate leaf = chain[0];
        List<String> names = names(leaf);
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        long daysLeft = Duration.between(now, notAfter).toDays();
        String subject = "certificate for " + (names.isEmpty() ? leaf.getSubjectX500Principal().getName() : String.join(", ", names))
            + " issued by " + commonName(leaf.getIssuerX500Principal().getName());
        String validity = "valid until " + day(notAfter) + " (" + daysLeft + " days left)";
        boolean selfSigned = chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());

        if (now.isAfter(notAfter)) {
            long ago = Duration.between(notAfter, now).toDays();
            return new Verdict(Status.FAIL, subject + ": EXPIRED on " + day(notAfter) + " (" + ago + " days ago)",
                "The smart host presents an expired certificate, so the gateway refuses to send through it (mail is"
                    + " deferred). Its operator must renew it. If the clock of this machine is wrong instead, fix"
                    + " the clock (today is " + day(now) + " here).", false);
        }
        if (now.isBefore(notBefore)) {
            return new Verdict(Status.FAIL, subject + ": not valid before " + day(notBefore),
                "Check this machine's date and time (today is " + day(now) + " here); a clock far off makes every"
                    + " certificate look invalid.", false);
        }
        String trustProblem = null;
        try {
            trust.checkServerTrusted(chain, authType == null ? "UNKNOWN" : authType);
        } catch (CertificateException | RuntimeException e) {
            trustProblem = trustProblem(e);
        }
        if (trustProblem != null) {
            String what = selfSigned ? "self-signed " + subject : subject + ", not trusted";
            return new Verdict(Status.FAIL, what + " (" + trustProblem + "); " + validity,
                (selfSigned
                    ? "A self-signed certificate proves nothing about who answers. If this smart host is your own"
                    + " relay on your network, import its certificate into a trust store and point the gateway to"
                    + " it: keytool -importcert -alias smarthost -file smarthost.crt -keystore"
                    + " data/smarthost-trust.p12 -storetype PKCS12, then set "
                    : "The chain does not lead to a certificate authority in " + trustSource + ". If the smart host"
                    + " uses a private CA, import that CA into a trust store and set ")
                    + Settings.named("gateway.delivery.smarthost.trust-store") + " and "
                    + Settings.named("gateway.delivery.smarthost.trust-store-password") + ". If it should be a"
                    + " public provider (Microsoft 365, Gmail, your ISP), something between you and it presents its"
                    + " own certificate: an antivirus mail shield or a proxy scanning SMTP; turn that off for this"
                    + " program.", false);
        }
        if (!matches(host, leaf)) {
            return new Verdict(Status.FAIL, subject + " does not name " + host + "; " + validity,
                "The gateway checks that the certificate names the host it connects to. Set "
                    + Settings.named("gateway.delivery.smarthost.host") + " to a name the certificate lists"
                    + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")")
                    + " instead of an address or an alias.", false);
        }
        if (daysLeft < WARN_DAYS) {
            return new Verdict(Status.WARN, subject + ", trusted, expires in " + daysLeft + " days on " + day(notAfter),
                "Tell the smart host's operator: when it expires the gateway stops delivering through it.", true);
        }
        return new Verdict(Status.OK, subject + ", trusted, names " + host + ", " + validity, null, true);
    }

    /** The JDK's PKIX messages, in words. */
    private static String trustProblem(Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("unable to find valid certification path")) {
            return "no certificate authority in the trust store vouches for it";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** RFC 6125 host-name matching: subjectAltName DNS and IP entries, the CN only when there is no DNS entry. */
    static boolean matches(String host, X509Certificate certificate) {
        String wanted = normalize(host);
        boolean hasDnsName = false;
        Collection<List<?>> alternatives = subjectAlternativeNames(certificate);
        if (isIpLiteral(wanted)) {
            byte[] address = ipBytes(wanted);
            for (List<?> entry : alternatives) {
                if (((Integer) entry.get(0)) == 7 && address != null && Arrays.equals(address, ipBytes(entry.get(1).toString()))) {
                    return true;
                }
            }
            return false;
        }
        for (List<?> entry : alternatives) {
            if (((Integer) entry.get(0)) == 2) {
                hasDnsName = true;
                if (dnsMatches(wanted, normalize(entry.get(1).toString()))) {
                    return true;
                }
            }
        }
        if (!hasDnsName) {
            String cn = commonName(certificate.getSubjectX500Principal().getName());
            return cn != null && dnsMatches(wanted, normalize(cn));
        }
        return false;
    }

    /** {@code *.example.com} matches one label only, and only in the leftmost position. */
    private static boolean dnsMatches(String host, String pattern) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(suffix) && suffix.indexOf('.', 1) > 0;
        }
        return host.equals(pattern);
    }

    /** The DNS and IP names of a certificate, or its CN when it has none. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> entry : subjectAlternativeNames(certificate)) {
            int type = (Integer) entry.get(0);
            if (type == 2 || type == 7) {
                names.add(entry.get(1).toString());
            }
        }
        if (names.isEmpty()) {
            String cn = commonName(certificate.getSubjectX500Principal().getName());
            if (cn != null) {
                names.add(cn);
            }
        }
        return names;
    }

    private static Collection<List<?>> subjectAlternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    static String commonName(String distinguishedName) {
        Matcher m = CN.matcher(distinguishedName);
        return m.find() ? m.group(1).strip() : distinguishedName;
    }

    private static String normalize(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.startsWith("[") && lower.endsWith("]")) {
            return lower.substring(1, lower.length() - 1);
        }
        try {
            return isIpLiteral(lower) || lower.startsWith("*.") ? lower : IDN.toASCII(lower).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return lower;
        }
    }

    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private static byte[] ipBytes(String literal) {
        try {
            // a literal is parsed, never looked up
            return InetAddress.getByName(literal.contains(":") && !literal.startsWith("[") ? "[" + literal + "]" : literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
