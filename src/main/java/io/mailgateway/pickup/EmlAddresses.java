package io.mailgateway.pickup;

import io.mailgateway.mail.RejectedMailException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns header field values (as {@link io.mailgateway.mail.HeaderFields#values} returns them: raw bytes as
 * ISO-8859-1 chars) into envelope addresses: bare {@code local@domain}, checked strictly, or a rejection
 * that quotes the offending address.
 */
final class EmlAddresses {

    private static final int MAX_QUOTED = 200;

    private EmlAddresses() {
    }

    /**
     * Every mailbox in an address-list field (To, Cc, Bcc, From, Sender), group members included; a group
     * without members ({@code undisclosed-recipients:;}) gives none.
     */
    static List<String> fromAddressList(String field, String rawValue) throws RejectedMailException {
        Decoded value = decode(rawValue);
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(value.text(), false);
        } catch (AddressException e) {
            throw new RejectedMailException(field + " field cannot be parsed (" + e.getMessage() + "): "
                + quoted(value.text()));
        }
        List<String> addresses = new ArrayList<>();
        for (InternetAddress address : parsed) {
            if (address.isGroup()) {
                InternetAddress[] members;
                try {
                    members = address.getGroup(false);
                } catch (AddressException e) {
                    throw new RejectedMailException("invalid group in " + field + " (" + e.getMessage() + "): "
                        + quoted(address.getAddress()));
                }
                for (InternetAddress member : members) {
                    addresses.add(checked(field, member.getAddress(), value.utf8()));
                }
            } else {
                addresses.add(checked(field, address.getAddress(), value.utf8()));
            }
        }
        return addresses;
    }

    /**
     * The one address in an IIS {@code X-Sender} or {@code X-Receiver} field: {@code local@domain}, optionally
     * in angle brackets, nothing else (no display name, no second address). {@code <>} is the null sender
     * (returned as "") where {@code nullAllowed}.
     */
    static String single(String field, String rawValue, boolean nullAllowed) throws RejectedMailException {
        Decoded value = decode(rawValue);
        String address = value.text().strip();
        if (address.equals("<>") && nullAllowed) {
            return "";
        }
        if (address.startsWith("<") && address.endsWith(">") && address.length() >= 2) {
            address = address.substring(1, address.length() - 1).strip();
        }
        if (address.isEmpty()) {
            throw new RejectedMailException(field + " field is empty; it must hold one address");
        }
        checkNoControl(field, address);
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            if (parsed.getPersonal() != null || !address.equals(parsed.getAddress())) {
                throw new AddressException("more than a bare address");
            }
        } catch (AddressException e) {
            throw new RejectedMailException(field + " field must hold exactly one address (local@domain, optionally"
                + " in <>), found " + quoted(value.text().strip()) + " (" + e.getMessage() + ")");
        }
        return checked(field, address, value.utf8());
    }

    private static String checked(String field, String address, boolean utf8) throws RejectedMailException {
        checkNoControl(field, address);
        try {
            InternetAddress strict = new InternetAddress(address, true);
            if (!address.equals(strict.getAddress())) {
                throw new AddressException("not a bare address");
            }
        } catch (AddressException e) {
            throw new RejectedMailException("invalid address in " + field + ": " + quoted(address)
                + " (" + e.getMessage() + ")");
        }
        if (!utf8 && !address.chars().allMatch(c -> c < 0x80)) {
            // 8-bit bytes that are not UTF-8 (a Windows code page?) would reach RCPT TO as the wrong address
            throw new RejectedMailException("address in " + field + " has 8-bit characters that are not UTF-8"
                + " (RFC 6532): " + quoted(address));
        }
        return address;
    }

    private static void checkNoControl(String field, String address) throws RejectedMailException {
        if (address.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new RejectedMailException("address in " + field + " contains a line break or control character: "
                + quoted(address));
        }
    }

    /** The value as UTF-8 when its bytes are valid UTF-8 (RFC 6532), else as the ISO-8859-1 chars given. */
    private static Decoded decode(String rawValue) {
        byte[] raw = rawValue.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return new Decoded(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString(), true);
        } catch (CharacterCodingException e) {
            return new Decoded(rawValue, false);
        }
    }

    private record Decoded(String text, boolean utf8) {
    }

    /** For messages: control characters shown as '?', long values cut, so a reason file stays one readable line. */
    static String quoted(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        if (printable.length() > MAX_QUOTED) {
            printable = printable.substring(0, MAX_QUOTED) + "...";
        }
        return "\"" + printable + "\"";
    }
}
