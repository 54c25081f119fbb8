package io.mailgateway.mail;

import java.util.List;
import java.util.Objects;

/**
 * The SMTP envelope: who the mail is from (MAIL FROM) and whom it goes to (RCPT TO). Envelope recipients,
 * never header recipients, decide where mail goes: that is what keeps a Bcc-only recipient delivered and a
 * header-only address untouched.
 *
 * @param sender the reverse path without angle brackets; empty for the null sender {@code <>} (bounces)
 * @param recipients forward paths without angle brackets, at least one, in the order given
 */
public record MailEnvelope(String sender, List<String> recipients) {

    public MailEnvelope {
        Objects.requireNonNull(sender, "sender (use \"\" for the null sender)");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        for (String recipient : recipients) {
            if (recipient.isBlank() || containsLineBreakOrControl(recipient)) {
                throw new IllegalArgumentException("invalid envelope recipient: " + printable(recipient));
            }
        }
        if (containsLineBreakOrControl(sender)) {
            throw new IllegalArgumentException("invalid envelope sender: " + printable(sender));
        }
    }

    public MailEnvelope withRecipients(List<String> remaining) {
        return new MailEnvelope(sender, remaining);
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }

    private static boolean containsLineBreakOrControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
