package io.mailgateway.smtp;

import io.mailgateway.smtp.commands.SmtpReply;
import java.net.InetAddress;

/**
 * One rule about whether a recipient may be accepted in the current session (after Apache James' SMTP
 * hooks). Policies run in order; the first that does not answer {@link Decision#noOpinion()} decides.
 */
@FunctionalInterface
public interface RecipientPolicy {

    Decision decide(SessionFacts session, String recipient);

    /** What a policy knows about the session asking. */
    record SessionFacts(InetAddress clientAddress, String authenticatedUser) {
    }

    /** Accept, reject with a reply, or no opinion. */
    record Decision(Kind kind, SmtpReply reply) {
        public enum Kind { ACCEPT, REJECT, NO_OPINION }

        public static Decision accept() {
            return new Decision(Kind.ACCEPT, null);
        }

        public static Decision reject(SmtpReply reply) {
            return new Decision(Kind.REJECT, reply);
        }

        public static Decision noOpinion() {
            return new Decision(Kind.NO_OPINION, null);
        }
    }
}
