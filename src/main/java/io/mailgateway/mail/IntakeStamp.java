package io.mailgateway.mail;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The headers every intake adds before a mail is queued: Received on top (RFC 5321 §4.4), and Date and
 * Message-ID only when the submitter left them out (RFC 5322 §3.6 requires Date; a Message-ID keeps
 * retries and duplicates recognisable). Everything else of the submitted bytes stays as it is.
 */
public final class IntakeStamp {

    /** RFC 5322 §3.3 date-time with a numeric zone ("GMT" is obsolete syntax). */
    private static final DateTimeFormatter RFC_5322_DATE =
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private static final Pattern NON_PRINTABLE = Pattern.compile("[^\\x20-\\x7e]");

    private final String hostname;

    public IntakeStamp(String hostname) {
        this.hostname = hostname;
    }

    /**
     * @param from the Received "from" clause, e.g. {@code client.example ([192.0.2.1])} or
     *             {@code pickup (report.eml)}; non-printable characters are replaced
     * @param protocol the "with" clause: {@code ESMTP}, {@code ESMTPSA}, {@code local}...
     * @param id the queue id
     * @param recipients the envelope recipients; named in "for" only when there is exactly one, so that
     *                   Bcc recipients stay private
     * @return the fields, then {@code content} unchanged: nothing is copied, a large mail stays where it is
     */
    public MailContent stamp(MailContent content, String from, String protocol, String id, List<String> recipients, Instant now) {
        String date = RFC_5322_DATE.format(ZonedDateTime.ofInstant(now, ZoneId.systemDefault()));
        StringBuilder fields = new StringBuilder();
        fields.append("Received: from ").append(printable(from)).append("\r\n")
            .append("\tby ").append(hostname).append(" (Mail Gateway) with ").append(protocol).append(" id ").append(id);
        if (recipients.size() == 1) {
            fields.append("\r\n\tfor <").append(printable(recipients.get(0))).append(">");
        }
        fields.append("; ").append(date).append("\r\n");
        byte[] head = content.head();
        if (!HeaderSection.has(head, "Date")) {
            fields.append("Date: ").append(date).append("\r\n");
        }
        if (!HeaderSection.has(head, "Message-ID")) {
            fields.append("Message-ID: <").append(id.toLowerCase(Locale.ROOT)).append('@').append(hostname).append(">\r\n");
        }
        return HeaderSection.prepend(content, fields.toString());
    }

    private static String printable(String s) {
        return NON_PRINTABLE.matcher(s).replaceAll("?");
    }
}
