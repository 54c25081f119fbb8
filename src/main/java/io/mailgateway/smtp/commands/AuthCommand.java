package io.mailgateway.smtp.commands;

import io.mailgateway.smtp.auth.AuthFailureThrottle;
import io.mailgateway.smtp.auth.SmtpUsers;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * AUTH PLAIN and LOGIN (RFC 4954, 4616), only over TLS: before TLS the mechanisms are not advertised and
 * AUTH gets 538 5.7.11, so no password ever crosses the wire in clear. Unknown user and wrong password
 * get the same 535 5.7.8 (and take the same time, see SmtpUsers). Failures are counted per client
 * address: at the limit the client gets 421 and the address is refused for a while.
 */
public final class AuthCommand extends BaseCommand {

    private static final Logger log = LoggerFactory.getLogger(AuthCommand.class);
    private static final String USERNAME_CHALLENGE = "334 VXNlcm5hbWU6"; // "Username:"
    private static final String PASSWORD_CHALLENGE = "334 UGFzc3dvcmQ6"; // "Password:"

    private final SmtpUsers users;
    private final AuthFailureThrottle throttle;

    public AuthCommand(SmtpUsers users, AuthFailureThrottle throttle) {
        super("AUTH", "Authenticate.", "PLAIN|LOGIN [initial-response]");
        this.users = users;
        this.throttle = throttle;
    }

    /** What subethasmtp keeps as the session's authentication: the user name. */
    private record Authenticated(String user) implements AuthenticationHandler {
        @Override
        public Optional<String> auth(String clientInput, MessageContext context) {
            return Optional.empty();
        }

        @Override
        public Object getIdentity() {
            return user;
        }
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        InetAddress client = session.getRemoteAddress().getAddress();
        if (!session.isTLSStarted()) {
            session.sendResponse(SmtpReply.ENCRYPTION_REQUIRED.line());
            return;
        }
        if (session.isAuthenticated()) {
            session.sendResponse(SmtpReply.ALREADY_AUTHENTICATED.line());
            return;
        }
        if (session.isMailTransactionInProgress()) {
            session.sendResponse(SmtpReply.NOT_IN_TRANSACTION.line());
            return;
        }
        if (throttle.isBlocked(client)) {
            throw SmtpReply.TOO_MANY_AUTH_FAILURES.dropConnection();
        }
        String[] args = getArgs(commandString);
        if (args.length < 2 || args.length > 3) {
            session.sendResponse(SmtpReply.AUTH_SYNTAX.line());
            return;
        }
        String mechanism = args[1].toUpperCase(Locale.ROOT);
        Credentials credentials;
        try {
            credentials = switch (mechanism) {
                case "PLAIN" -> plain(session, args.length == 3 ? args[2] : null);
                case "LOGIN" -> login(session, args.length == 3 ? args[2] : null);
                default -> null;
            };
        } catch (Cancelled e) {
            session.sendResponse(SmtpReply.AUTH_CANCELLED.line());
            return;
        } catch (IllegalArgumentException e) {
            session.sendResponse(SmtpReply.AUTH_BAD_BASE64.line());
            return;
        }
        if (credentials == null) {
            session.sendResponse(SmtpReply.AUTH_MECHANISM.line());
            return;
        }
        Optional<String> user;
        try {
            user = users.authenticate(credentials.user(), credentials.password());
        } finally {
            Arrays.fill(credentials.password(), '\0');
        }
        if (user.isPresent()) {
            throttle.recordSuccess(client);
            session.setAuthenticationHandler(new Authenticated(user.get()));
            log.info("[smtpd] AUTH {} succeeded user={} client={}", mechanism, user.get(), client.getHostAddress());
            session.sendResponse(SmtpReply.AUTH_OK.line());
            return;
        }
        throttle.recordFailure(client);
        log.info("[smtpd] AUTH {} failed user={} client={}", mechanism, printable(credentials.user()), client.getHostAddress());
        session.sendResponse(SmtpReply.AUTH_INVALID.line());
        if (throttle.shouldDisconnect(client)) {
            log.warn("[smtpd] too many failed AUTH attempts, refusing client={} for a while", client.getHostAddress());
            throw SmtpReply.TOO_MANY_AUTH_FAILURES.dropConnection();
        }
    }

    private record Credentials(String user, char[] password) {
    }

    private static final class Cancelled extends Exception {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** RFC 4616: authzid NUL authcid NUL passwd. An authzid other than empty or the user is refused. */
    private static Credentials plain(Session session, String initial) throws IOException, Cancelled {
        String response = initial;
        if (response == null) {
            session.sendResponse("334 ");
            response = readResponse(session);
        }
        byte[] decoded = decode(response);
        try {
            int first = indexOf(decoded, 0);
            int second = first < 0 ? -1 : indexOf(decoded, first + 1);
            if (first < 0 || second < 0) {
                throw new IllegalArgumentException("PLAIN response without two NULs");
            }
            String authzid = new String(decoded, 0, first, StandardCharsets.UTF_8);
            String authcid = new String(decoded, first + 1, second - first - 1, StandardCharsets.UTF_8);
            char[] password = utf8Chars(decoded, second + 1, decoded.length - second - 1);
            if (!authzid.isEmpty() && !authzid.equals(authcid)) {
                Arrays.fill(password, '\0');
                return new Credentials("\0invalid-authzid", new char[0]); // never matches a user
            }
            return new Credentials(authcid, password);
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private static Credentials login(Session session, String initialUser) throws IOException, Cancelled {
        String userResponse = initialUser;
        if (userResponse == null) {
            session.sendResponse(USERNAME_CHALLENGE);
            userResponse = readResponse(session);
        }
        String user = new String(decode(userResponse), StandardCharsets.UTF_8);
        session.sendResponse(PASSWORD_CHALLENGE);
        byte[] password = decode(readResponse(session));
        try {
            return new Credentials(user, utf8Chars(password, 0, password.length));
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static String readResponse(Session session) throws IOException, Cancelled {
        String line = session.getReader().readLine();
        if (line == null || line.trim().equals("*")) {
            throw new Cancelled();
        }
        return line.trim();
    }

    private static byte[] decode(String base64) {
        if (base64.equals("=")) {
            return new byte[0]; // RFC 4954 §4: an empty initial response
        }
        return Base64.getDecoder().decode(base64);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static char[] utf8Chars(byte[] bytes, int offset, int length) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, offset, length));
        char[] result = new char[chars.remaining()];
        chars.get(result);
        Arrays.fill(chars.array(), '\0');
        return result;
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned;
    }
}
