package io.mailgateway.smtp.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddUserCommandTest {

    private final Path dir = TestDirs.fresh();
    private final Path file = dir.resolve("users.properties");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs add-user with {@code stdin} piped in (no console) against this test's users file. */
    private int addUser(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--users-file");
        all.add(file.toString());
        return AddUserCommand.run(all.toArray(String[]::new), null, new ByteArrayInputStream(stdin.getBytes(UTF_8)),
            new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Map.of());
    }

    private String stdout() {
        return out.toString(UTF_8);
    }

    private String stderr() {
        return err.toString(UTF_8);
    }

    @Test
    void addsAUserThatTheGatewayCanAuthenticate() throws IOException {
        int exit = addUser("s3cret-pw\n", "alice");

        assertThat(exit).isZero();
        assertThat(stdout()).isEqualTo("user alice added to " + file.toAbsolutePath().normalize() + System.lineSeparator());
        assertThat(stderr()).isEmpty();
        SmtpUsers users = SmtpUsers.load(file);
        assertThat(users.authenticate("alice", "s3cret-pw".toCharArray())).contains("alice");
        assertThat(users.authenticate("alice", "wrong".toCharArray())).isEmpty();
        assertThat(Files.readString(file, UTF_8)).doesNotContain("s3cret-pw").contains("alice=pbkdf2-sha256$");
    }

    @Test
    void neverPrintsThePasswordOrTheHash() throws IOException {
        addUser("s3cret-pw\n", "alice");

        String hash = SmtpUsers.parse(Files.readString(file, UTF_8), "test").get("alice").passwordHash();
        assertThat(stdout() + stderr()).doesNotContain("s3cret-pw").doesNotContain(hash).doesNotContain("pbkdf2");
    }

    @Test
    void pipedPasswordEndsAtTheFirstLineBreakWithoutTheCarriageReturn() {
        assertThat(addUser("from-windows\r\nsecond line\n", "alice")).isZero();

        SmtpUsers users = SmtpUsers.load(file);
        assertThat(users.authenticate("alice", "from-windows".toCharArray())).contains("alice");
    }

    @Test
    void pipedPasswordWithoutLineBreakIsTakenWhole() {
        assertThat(addUser("no-newline", "alice")).isZero();

        assertThat(SmtpUsers.load(file).authenticate("alice", "no-newline".toCharArray())).contains("alice");
    }

    @Test
    void writesSenderPatterns() {
        assertThat(addUser("pw\n", "scanner", "--senders", "*@example.com, reports@example.org")).isZero();

        SmtpUsers users = SmtpUsers.load(file);
        assertThat(users.maySendAs("scanner", "copier@example.com")).isTrue();
        assertThat(users.maySendAs("scanner", "reports@example.org")).isTrue();
        assertThat(users.maySendAs("scanner", "ceo@example.org")).isFalse();
    }

    @Test
    void replacesAUserKeepingOtherUsersCommentsAndSenderPatterns() throws IOException {
        String bobHash = PasswordHasher.hash("bob-pw".toCharArray());
        Files.writeString(file, String.join("\n",
            "# users of the office gateway",
            "",
            "alice=" + PasswordHasher.hash("old-pw".toCharArray()),
            "alice.senders=*@example.com",
            "! scanners below",
            "bob=" + bobHash,
            ""), UTF_8);

        assertThat(addUser("new-pw\n", "alice")).isZero();

        String text = Files.readString(file, UTF_8);
        assertThat(text).startsWith("# users of the office gateway\n\nalice=pbkdf2-sha256$");
        assertThat(text).contains("\nalice.senders=*@example.com\n! scanners below\nbob=" + bobHash + "\n");
        assertThat(text.lines().filter(line -> line.startsWith("alice=")).count()).isEqualTo(1);
        SmtpUsers users = SmtpUsers.load(file);
        assertThat(users.authenticate("alice", "new-pw".toCharArray())).contains("alice");
        assertThat(users.authenticate("alice", "old-pw".toCharArray())).isEmpty();
        assertThat(users.authenticate("bob", "bob-pw".toCharArray())).contains("bob");
        assertThat(users.maySendAs("alice", "someone@elsewhere.example")).isFalse();
    }

    @Test
    void replacingMatchesTheNameIgnoringCaseAndTakesTheNewSpelling() throws IOException {
        addUser("old-pw\n", "alice");

        assertThat(addUser("new-pw\n", "Alice")).isZero();

        SmtpUsers users = SmtpUsers.load(file);
        assertThat(users.authenticate("alice", "new-pw".toCharArray())).contains("Alice");
    }

    @Test
    void newSenderPatternsReplaceTheOldOnesAndAnEmptyListAllowsAnySender() {
        addUser("pw\n", "alice", "--senders", "*@example.com");

        addUser("pw\n", "alice", "--senders=alerts@example.org");
        assertThat(SmtpUsers.load(file).maySendAs("alice", "a@example.com")).isFalse();
        assertThat(SmtpUsers.load(file).maySendAs("alice", "alerts@example.org")).isTrue();

        addUser("pw\n", "alice", "--senders", "");
        assertThat(SmtpUsers.load(file).maySendAs("alice", "anyone@anywhere.example")).isTrue();
    }

    @Test
    void refusesAnEmptyPasswordWithExitCode2AndWritesNothing() {
        assertThat(addUser("\n", "alice")).isEqualTo(2);
        assertThat(addUser("", "alice")).isEqualTo(2);

        assertThat(stderr()).isEqualTo(("add-user: empty password refused" + System.lineSeparator()).repeat(2));
        assertThat(file).doesNotExist();
    }

    @Test
    void refusesAnInvalidUserNameWithExitCode2AndOneLine() {
        for (String name : List.of("bad name", "bad/name", "x".repeat(65), "alice.senders", "ALICE.SENDERS", "é")) {
            err.reset();

            assertThat(addUser("pw\n", name)).as(name).isEqualTo(2);
            assertThat(stderr()).as(name).startsWith("add-user: invalid user name").hasLineCount(1);
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void refusesUnknownOptionsAndMissingArguments() {
        assertThat(addUser("pw\n", "alice", "--password", "x")).isEqualTo(2);
        assertThat(addUser("pw\n")).isEqualTo(2);
        assertThat(addUser("pw\n", "alice", "bob")).isEqualTo(2);
        assertThat(AddUserCommand.run(new String[] {"alice", "--users-file"}, null, new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Map.of())).isEqualTo(2);

        assertThat(stderr()).hasLineCount(4).contains("usage: add-user NAME");
        assertThat(file).doesNotExist();
    }

    @Test
    void refusesSenderPatternsThatCannotMatchOrWouldBreakTheFile() {
        assertThat(addUser("pw\n", "alice", "--senders", "example.com")).isEqualTo(2);
        assertThat(stderr()).contains("did you mean *@example.com?");
        assertThat(addUser("pw\n", "alice", "--senders", "a@example.com\nbob=x")).isEqualTo(2);
        assertThat(addUser("pw\n", "alice", "--senders", "a\\@example.com")).isEqualTo(2);
        assertThat(file).doesNotExist();
    }

    @Test
    void leavesAMalformedUsersFileAloneWithExitCode1() throws IOException {
        String broken = "alice=not-a-hash\n";
        Files.writeString(file, broken, UTF_8);

        assertThat(addUser("pw\n", "bob")).isEqualTo(1);

        assertThat(stderr()).contains("'alice'").doesNotContain("not-a-hash").hasLineCount(1);
        assertThat(Files.readString(file, UTF_8)).isEqualTo(broken);
    }

    @Test
    void writtenFileIsReadableByItsOwnerOnlyWherePosixPermissionsExist() throws IOException {
        assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"));

        addUser("pw\n", "alice");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        addUser("pw2\n", "bob");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void leavesNoTemporaryFileBehind() throws IOException {
        addUser("pw\n", "alice");
        addUser("pw\n", "bob");

        try (var files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("users.properties");
        }
    }

    @Test
    void createsTheFoldersOfANewUsersFile() {
        Path nested = dir.resolve("data/sub/users.properties");

        int exit = AddUserCommand.run(new String[] {"alice", "--users-file=" + nested}, null,
            new ByteArrayInputStream("pw\n".getBytes(UTF_8)), new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8), Map.of());

        assertThat(exit).isZero();
        assertThat(SmtpUsers.load(nested).authenticate("alice", "pw".toCharArray())).contains("alice");
    }

    @Test
    void defaultUsersFileFollowsTheGatewaysEnvironmentVariables() {
        assertThat(AddUserCommand.defaultUsersFile(Map.of())).isEqualTo(Path.of("data", "users.properties"));
        assertThat(AddUserCommand.defaultUsersFile(Map.of("GATEWAY_DATA_DIR", "/srv/gw")))
            .isEqualTo(Path.of("/srv/gw", "users.properties"));
        assertThat(AddUserCommand.defaultUsersFile(Map.of("GATEWAY_DATA_DIR", "/srv/gw",
            "GATEWAY_SMTP_USERS_FILE", "/etc/gw/users.properties"))).isEqualTo(Path.of("/etc/gw/users.properties"));
        assertThat(AddUserCommand.defaultUsersFile(Map.of("GATEWAY_SMTP_USERS_FILE", " ")))
            .isEqualTo(Path.of("data", "users.properties"));
    }

    @Test
    void environmentDecidesTheFileWhenNoOptionGivesIt() {
        int exit = AddUserCommand.run(new String[] {"alice"}, null, new ByteArrayInputStream("pw\n".getBytes(UTF_8)),
            new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8),
            Map.of("GATEWAY_SMTP_USERS_FILE", file.toString()));

        assertThat(exit).isZero();
        assertThat(SmtpUsers.load(file).authenticate("alice", "pw".toCharArray())).contains("alice");
    }
}
