package io.mailgateway.console;

import java.beans.ConstructorProperties;

/**
 * One mail as an operator sees it in a listing (an MXBean open type: a getter per column).
 * Times are ISO-8601 UTC, empty when not applicable.
 */
public final class MailSummary {

    private final String id;
    private final String from;
    private final String to;
    private final String subject;
    private final String intake;
    private final int attempts;
    private final String lastError;
    private final String nextAttempt;
    private final String deadAt;

    @ConstructorProperties({"id", "from", "to", "subject", "intake", "attempts", "lastError", "nextAttempt", "deadAt"})
    public MailSummary(String id, String from, String to, String subject, String intake, int attempts,
                       String lastError, String nextAttempt, String deadAt) {
        this.id = id;
        this.from = from;
        this.to = to;
        this.subject = subject;
        this.intake = intake;
        this.attempts = attempts;
        this.lastError = lastError;
        this.nextAttempt = nextAttempt;
        this.deadAt = deadAt;
    }

    public String getId() { return id; }
    public String getFrom() { return from; }
    public String getTo() { return to; }
    public String getSubject() { return subject; }
    public String getIntake() { return intake; }
    public int getAttempts() { return attempts; }
    /** For a dead letter: the reason it died. */
    public String getLastError() { return lastError; }
    public String getNextAttempt() { return nextAttempt; }
    public String getDeadAt() { return deadAt; }
}
