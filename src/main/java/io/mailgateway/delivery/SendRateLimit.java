package io.mailgateway.delivery;

import io.mailgateway.config.GatewayProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How much one smart host may still be sent now: at most {@code messages} per {@code per} and
 * {@code recipients} per {@code recipients-per}, over sliding windows (gateway.delivery.smarthost.rate-limit).
 *
 * <p>A mail that does not fit is not refused: {@link #admit} tells how many of its recipients may go now and,
 * for the rest, the moment the window has room again, and the mail waits in the queue until then. State is in
 * memory and shared by the delivery threads; a restart forgets it (the provider's own counter does not, so
 * set the limits a little under the provider's). Thread-safe.
 */
public final class SendRateLimit {

    private final int maxMessages;
    private final Duration messageWindow;
    private final int maxRecipients;
    private final Duration recipientWindow;
    /** Send times within the message window, oldest first. */
    private final Deque<Instant> messages = new ArrayDeque<>();
    /** (time, recipient count) within the recipient window, oldest first. */
    private final Deque<Sent> recipients = new ArrayDeque<>();
    private int recipientsInWindow;

    private record Sent(Instant at, int count) {
    }

    /**
     * @param recipients how many of the mail's recipients may be sent now (0 = none: wait)
     * @param notBefore when the rest may be tried; null when all were admitted
     * @param reason why the rest waits, for the operator
     */
    public record Admission(int recipients, Instant notBefore, String reason) {
    }

    public SendRateLimit(GatewayProperties.RateLimit settings) {
        this(settings.getMessages(), settings.getPer(), settings.getRecipients(), settings.getRecipientsPer());
    }

    SendRateLimit(int maxMessages, Duration messageWindow, int maxRecipients, Duration recipientWindow) {
        this.maxMessages = maxMessages;
        this.messageWindow = messageWindow;
        this.maxRecipients = maxRecipients;
        this.recipientWindow = recipientWindow;
    }

    public boolean limited() {
        return maxMessages > 0 || maxRecipients > 0;
    }

    /** Admits as many of {@code wanted} recipients as the limits allow now, and counts them as sent. */
    public synchronized Admission admit(int wanted, Instant now) {
        forgetBefore(now);
        if (maxMessages > 0 && messages.size() >= maxMessages) {
            Instant free = messages.peekFirst().plus(messageWindow);
            return new Admission(0, free, "rate limit of " + maxMessages + " messages per " + describe(messageWindow)
                + " reached; waiting in the queue until " + free);
        }
        int admitted = wanted;
        if (maxRecipients > 0) {
            admitted = Math.min(wanted, Math.max(0, maxRecipients - recipientsInWindow));
        }
        if (admitted > 0) {
            messages.addLast(now);
            recipients.addLast(new Sent(now, admitted));
            recipientsInWindow += admitted;
        }
        if (admitted == wanted) {
            return new Admission(admitted, null, null);
        }
        // the rest comes back when the oldest counted recipients leave the window; it may again be admitted in part
        Instant free = recipients.peekFirst().at().plus(recipientWindow);
        return new Admission(admitted, free, "rate limit of " + maxRecipients + " recipients per "
            + describe(recipientWindow) + " reached; waiting in the queue until " + free);
    }

    private void forgetBefore(Instant now) {
        while (!messages.isEmpty() && !messages.peekFirst().plus(messageWindow).isAfter(now)) {
            messages.removeFirst();
        }
        while (!recipients.isEmpty() && !recipients.peekFirst().at().plus(recipientWindow).isAfter(now)) {
            recipientsInWindow -= recipients.removeFirst().count();
        }
    }

    private static String describe(Duration window) {
        if (window.equals(Duration.ofMinutes(1))) {
            return "minute";
        }
        if (window.equals(Duration.ofDays(1))) {
            return "day";
        }
        return window.toString().substring(2).toLowerCase();
    }
}
