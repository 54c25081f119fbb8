package io.mailgateway.delivery.bounce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recipient's result as the delivery step records it, taken apart for a delivery status report: who
 * answered, what they said, and the enhanced status code (RFC 3463) in it. The delivery step writes
 * {@link #said} ({@code <peer> said: <SMTP reply> (in reply to <command>)}, the peer being a smart host's
 * {@code host:port} or an MX hop's {@code host[address]}) for a reply from the next hop, and plain words
 * ({@code cannot connect to ...}) for a failure that never got a reply. Both ends of that format live here.
 *
 * @param remoteMta the host that replied, without the port; null when no server replied
 * @param smtpReply the reply itself ({@code 550 5.1.1 <a@example.net>: Recipient address rejected}); null
 *                  when no server replied
 * @param command the command the reply answered ({@code RCPT TO}), or null
 * @param text what to show: the SMTP reply when there is one, else the whole recorded text
 * @param enhancedStatus the enhanced status code in the reply ({@code 5.1.1}), or null
 * @param replyCode the three-digit reply code, or 0 when no server replied
 */
public record NextHopReply(String remoteMta, String smtpReply, String command, String text,
                           String enhancedStatus, int replyCode) {

    private static final Pattern SAID =
        Pattern.compile("^(\\S+) said: ([2-5]\\d\\d(?:[ -].*)?)$");
    private static final Pattern IN_REPLY_TO = Pattern.compile("^(.*) \\(in reply to ([A-Za-z ]+)\\)$");
    private static final Pattern BARE_REPLY = Pattern.compile("^[2-5]\\d\\d(?:[ -].*)?$");
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    /**
     * How a next hop's reply is recorded (the recipient's reply, the mail's last error), for operators and for
     * {@link #parse}: one line, Postfix's wording.
     *
     * @param peer {@code host:port}, {@code [v6]:port} or {@code host[address]}
     * @param reply the server's reply, line breaks already folded into spaces
     * @param command the command it answered, e.g. {@code RCPT TO}
     */
    public static String said(String peer, String reply, String command) {
        return peer + " said: " + reply + " (in reply to " + command + ")";
    }

    public static NextHopReply parse(String recorded) {
        String text = recorded == null ? "" : recorded.strip();
        String peer = null;
        String reply = null;
        String command = null;
        Matcher said = SAID.matcher(text);
        if (said.matches()) {
            peer = said.group(1);
            reply = said.group(2);
            Matcher inReplyTo = IN_REPLY_TO.matcher(reply);
            if (inReplyTo.matches()) {
                reply = inReplyTo.group(1);
                command = inReplyTo.group(2);
            }
        } else if (BARE_REPLY.matcher(text).matches()) {
            reply = text;
        }
        if (reply == null) {
            return new NextHopReply(null, null, null, text, null, 0);
        }
        Matcher enhanced = ENHANCED.matcher(reply);
        return new NextHopReply(peer == null ? null : hostOf(peer), reply, command, reply,
            enhanced.find() ? enhanced.group(1) : null, Integer.parseInt(reply.substring(0, 3)));
    }

    /** {@code host:port}, {@code [v6]:port}, an MX hop's {@code host[address]} or a bare host → the host. */
    private static String hostOf(String peer) {
        int bracket = peer.indexOf('[');
        if (bracket > 0 && peer.endsWith("]")) {
            return peer.substring(0, bracket);
        }
        int colon = peer.lastIndexOf(':');
        if (colon > 0 && peer.substring(colon + 1).matches("\\d{1,5}")
                && (peer.indexOf(':') == colon || peer.charAt(colon - 1) == ']')) {
            peer = peer.substring(0, colon);
        }
        if (peer.startsWith("[") && peer.endsWith("]")) {
            peer = peer.substring(1, peer.length() - 1);
        }
        return peer;
    }
}
