package io.mailgateway.smtp.commands;

import java.util.Arrays;
import java.util.List;

/**
 * The argument of MAIL FROM / RCPT TO split into the path between angle brackets and the ESMTP
 * parameters after it (RFC 5321 §4.1.2). A quoted local part may hold {@code >} or spaces.
 *
 * @param address the path without brackets, {@code ""} for the null path
 * @param parameters the {@code KEY=value} parameters, in order
 */
record MailPath(String address, List<String> parameters) {

    /**
     * Whether subethasmtp, which records the address, reads {@code argument} as this same address. Its
     * reader stops at the first {@code >} even inside quotes: {@code <"a>b"@x>} would be judged here as
     * {@code "a>b"@x} and recorded as {@code "a}. Such addresses are refused instead.
     */
    static boolean readTheSameBySubethaSmtp(MailPath path, String argument, String keyword) {
        return org.subethamail.smtp.internal.util.EmailUtils.extractEmailAddress(argument, keyword.length())
            .equals(path.address());
    }

    /** Null when the argument is not {@code <keyword><path> [parameters]}. */
    static MailPath parse(String argument, String keyword) {
        if (argument.length() < keyword.length()
                || !argument.substring(0, keyword.length()).equalsIgnoreCase(keyword)) {
            return null;
        }
        String rest = argument.substring(keyword.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return null;
        }
        boolean quoted = false;
        int end = -1;
        for (int i = 1; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        String tail = rest.substring(end + 1).strip();
        List<String> parameters = tail.isEmpty() ? List.of() : Arrays.asList(tail.split("\\s+"));
        return new MailPath(rest.substring(1, end), parameters);
    }
}
