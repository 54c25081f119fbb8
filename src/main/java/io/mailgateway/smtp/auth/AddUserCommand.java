package io.mailgateway.smtp.auth;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/mail-gateway.jar add-user NAME [--senders PATTERNS] [--users-file PATH]}: adds a
 * user to the SMTP users file, or replaces that user's password.
 *
 * <p>The password is asked twice without echo on a terminal; without one (piped input) it is the first line
 * of standard input. {@code --senders} sets the MAIL FROM patterns ({@code *@example.com, reports@example.org});
 * {@code --senders ""} allows any sender; leaving it out keeps the user's current patterns. Without
 * {@code --users-file} the file is {@code $GATEWAY_SMTP_USERS_FILE}, else
 * {@code $GATEWAY_DATA_DIR/users.properties}, else {@code ./data/users.properties}, matching where the
 * gateway looks when those variables configure it. A running gateway picks the change up within a second.
 *
 * <p>Exit codes: 0 done, 1 the users file could not be read or written, 2 bad arguments or password.
 */
public final class AddUserCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_LINE = "usage: add-user NAME [--senders PATTERNS] [--users-file PATH]";
    // one pattern: no space, comma, backslash or control character (they would break the properties line)
    private static final Pattern SENDER_PATTERN = Pattern.compile("[^\\s,\\\\\\p{Cntrl}]+");
    private static final int MAX_PASSWORD_BYTES = 1024;

    private AddUserCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code add-user}
     * @param console the terminal to ask the password on, or {@code null} to read one line from {@code stdin}
     * @return the process exit code; every failure has printed one line to {@code err}
     */
    public static int run(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err) {
        return run(args, console, stdin, out, err, System.getenv());
    }

    static int run(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err,
                   Map<String, String> env) {
        try {
            return addUser(Arguments.parse(args, env), console, stdin, out);
        } catch (Refused refused) {
            err.println("add-user: " + refused.getMessage());
            return refused.exitCode;
        }
    }

    private static int addUser(Arguments arguments, Console console, InputStream stdin, PrintStream out) {
        Path file = arguments.usersFile();
        String existing = readExisting(file);
        try {
            // refuse before asking for a password if the gateway could not load the result anyway
            SmtpUsers.parse(existing, file.toString());
        } catch (IllegalStateException malformed) {
            throw new Refused(FAILED, malformed.getMessage() + "; fix it first, nothing was changed");
        }

        char[] password = console != null ? askTwice(console, arguments.name()) : readLine(stdin);
        String hash;
        try {
            if (password.length == 0) {
                throw new Refused(USAGE, "empty password refused");
            }
            hash = PasswordHasher.hash(password);
        } finally {
            Arrays.fill(password, '\0');
        }

        String updated = UsersFileWriter.withUser(existing, arguments.name(), hash, arguments.senders());
        try {
            SmtpUsers.parse(updated, file.toString());
            UsersFileWriter.replaceAtomically(file, updated);
        } catch (IllegalStateException | IOException e) {
            throw new Refused(FAILED, "cannot write " + file + ": " + e.getMessage());
        }
        out.println("user " + arguments.name() + " added to " + file.toAbsolutePath().normalize());
        return OK;
    }

    private static String readExisting(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            return "";
        } catch (IOException e) {
            throw new Refused(FAILED, "cannot read users file " + file + ": " + e);
        }
    }

    private static char[] askTwice(Console console, String name) {
        char[] first = console.readPassword("Password for %s: ", name);
        if (first == null) {
            throw new Refused(USAGE, "no password given");
        }
        char[] second = console.readPassword("Repeat password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw new Refused(USAGE, "passwords do not match, nothing was changed");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /**
     * The first line of {@code stdin} (UTF-8, without its line ending), read byte by byte so nothing past it
     * is consumed and no String copy of the password is left to the garbage collector.
     */
    private static char[] readLine(InputStream stdin) {
        byte[] bytes = new byte[MAX_PASSWORD_BYTES];
        int length = 0;
        try {
            int b;
            while ((b = stdin.read()) != -1 && b != '\n') {
                if (length == bytes.length) {
                    throw new Refused(USAGE, "password longer than " + MAX_PASSWORD_BYTES + " bytes refused");
                }
                bytes[length++] = (byte) b;
            }
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new Refused(USAGE, "password on standard input is not UTF-8");
        } catch (IOException e) {
            throw new Refused(FAILED, "cannot read the password from standard input: " + e.getMessage());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Where the users file is when {@code --users-file} is not given. */
    static Path defaultUsersFile(Map<String, String> env) {
        String usersFile = env.get("GATEWAY_SMTP_USERS_FILE");
        if (usersFile != null && !usersFile.isBlank()) {
            return Path.of(usersFile.trim());
        }
        String dataDir = env.get("GATEWAY_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir.trim(), "users.properties");
        }
        return Path.of("data", "users.properties");
    }

    private record Arguments(String name, String senders, Path usersFile) {

        static Arguments parse(String[] args, Map<String, String> env) {
            String name = null;
            String senders = null;
            String usersFile = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String option = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
                String inline = option.equals(arg) ? null : arg.substring(arg.indexOf('=') + 1);
                switch (option) {
                    case "--senders" -> senders = inline != null ? inline : valueAfter(args, ++i, option);
                    case "--users-file" -> usersFile = inline != null ? inline : valueAfter(args, ++i, option);
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new Refused(USAGE, "unknown option " + option + " (" + USAGE_LINE + ")");
                        }
                        if (name != null) {
                            throw new Refused(USAGE, "one user name only (" + USAGE_LINE + ")");
                        }
                        name = arg;
                    }
                }
            }
            if (name == null) {
                throw new Refused(USAGE, USAGE_LINE);
            }
            checkName(name);
            if (senders != null) {
                checkSenders(senders);
            }
            Path path;
            try {
                path = usersFile != null ? Path.of(usersFile) : defaultUsersFile(env);
            } catch (InvalidPathException e) {
                throw new Refused(USAGE, "not a usable users file path: " + e.getMessage());
            }
            return new Arguments(name, senders, path);
        }

        private static String valueAfter(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new Refused(USAGE, option + " needs a value (" + USAGE_LINE + ")");
            }
            return args[index];
        }

        private static void checkName(String name) {
            if (!SmtpUsers.USER_NAME.matcher(name).matches()
                || name.toLowerCase(Locale.ROOT).endsWith(SmtpUsers.SENDERS_SUFFIX)) {
                throw new Refused(USAGE, "invalid user name '" + printable(name)
                    + "': use 1-64 characters of A-Z a-z 0-9 . _ @ + - not ending in " + SmtpUsers.SENDERS_SUFFIX);
            }
        }

        private static void checkSenders(String senders) {
            for (String part : senders.split(",", -1)) {
                String pattern = part.trim();
                if (pattern.isEmpty()) {
                    continue;
                }
                if (!SENDER_PATTERN.matcher(pattern).matches()) {
                    throw new Refused(USAGE, "invalid sender pattern '" + printable(pattern)
                        + "': no spaces, backslashes or control characters");
                }
                if (!pattern.contains("@") && !pattern.contains("*")) {
                    // a bare domain would match only a sender literally called "example.com"
                    throw new Refused(USAGE, "sender pattern '" + pattern + "' matches no address; did you mean *@"
                        + pattern + "?");
                }
            }
        }

        /** Keeps a hostile argument from writing control characters to the operator's terminal. */
        private static String printable(String text) {
            String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
            return cut.replaceAll("\\p{Cntrl}", "?");
        }
    }

    /** A refusal with its exit code and its one-line message. */
    private static final class Refused extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int exitCode;

        Refused(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }
}
