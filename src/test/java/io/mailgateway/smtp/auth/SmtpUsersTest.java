package io.mailgateway.smtp.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmtpUsersTest {

    private static String aliceHash;
    private static String bobHash;

    private final Path dir = TestDirs.fresh();
    private final Path file = dir.resolve("users.properties");
    private final TestClock clock = new TestClock();

    @BeforeAll
    static void hashOnce() {
        aliceHash = PasswordHasher.hash("alice-pw".toCharArray());
        bobHash = PasswordHasher.hash("bob-pw".toCharArray());
    }

    private SmtpUsers usersFile(String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", UTF_8);
        return SmtpUsers.load(file, clock);
    }

    @Test
    void userWithTheRightPasswordIsAuthenticatedUnderTheNameSpelledInTheFile() throws IOException {
        SmtpUsers users = usersFile("# office scanners", "Alice=" + aliceHash, "bob=" + bobHash);

        assertThat(users.authenticate("Alice", "alice-pw".toCharArray())).contains("Alice");
        assertThat(users.authenticate("ALICE", "alice-pw".toCharArray())).contains("Alice");
        assertThat(users.authenticate("bob", "bob-pw".toCharArray())).contains("bob");
        assertThat(users.isEmpty()).isFalse();
    }

    @Test
    void aFileSavedByWindowsNotepadWithByteOrderMarkAndCrlfIsRead() throws IOException {
        Files.writeString(file, "\uFEFFalice=" + aliceHash + "\r\nalice.senders=*@example.com\r\n", UTF_8);

        SmtpUsers users = SmtpUsers.load(file, clock);

        assertThat(users.authenticate("alice", "alice-pw".toCharArray())).contains("alice");
        assertThat(users.maySendAs("alice", "alice@example.com")).isTrue();
    }

    @Test
    void wrongPasswordIsRefused() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash, "bob=" + bobHash);

        assertThat(users.authenticate("alice", "bob-pw".toCharArray())).isEmpty();
        assertThat(users.authenticate("alice", new char[0])).isEmpty();
        assertThat(users.authenticate("alice", null)).isEmpty();
    }

    @Test
    void unknownUserIsRefused() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash);

        assertThat(users.authenticate("mallory", "alice-pw".toCharArray())).isEmpty();
        assertThat(users.authenticate("", "alice-pw".toCharArray())).isEmpty();
        assertThat(users.authenticate(null, "alice-pw".toCharArray())).isEmpty();
        assertThat(users.authenticate("alice.senders", "alice-pw".toCharArray())).isEmpty();
    }

    @Test
    void unknownUserCostsAsMuchPbkdf2WorkAsAWrongPassword() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash);
        users.authenticate("alice", "warm-up".toCharArray());

        long wrongPassword = fastestOf(3, () -> users.authenticate("alice", "wrong".toCharArray()));
        long unknownUser = fastestOf(3, () -> users.authenticate("nobody", "wrong".toCharArray()));

        // a skipped PBKDF2 would be thousands of times faster; a factor of 3 leaves room for a busy machine
        assertThat(unknownUser).isGreaterThan(wrongPassword / 3);
    }

    private static long fastestOf(int runs, Runnable action) {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            fastest = Math.min(fastest, System.nanoTime() - start);
        }
        return fastest;
    }

    @Test
    void missingFileMeansNoUsers() {
        SmtpUsers users = SmtpUsers.load(dir.resolve("absent.properties"), clock);

        assertThat(users.isEmpty()).isTrue();
        assertThat(users.authenticate("alice", "alice-pw".toCharArray())).isEmpty();
        assertThat(users.maySendAs("alice", "alice@example.com")).isFalse();
    }

    @Test
    void senderPatternsMatchWholeAddressesIgnoringCase() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash, "alice.senders=*@example.com, reports@example.org");

        assertThat(users.maySendAs("alice", "alice@example.com")).isTrue();
        assertThat(users.maySendAs("ALICE", "Someone@EXAMPLE.com")).isTrue();
        assertThat(users.maySendAs("alice", "reports@example.org")).isTrue();
        assertThat(users.maySendAs("alice", "other@example.org")).isFalse();
        assertThat(users.maySendAs("alice", "alice@sub.example.com")).isFalse();
        assertThat(users.maySendAs("alice", "alice@example.com.evil.test")).isFalse();
        assertThat(users.maySendAs("alice", "xreports@example.org")).isFalse();
    }

    @Test
    void nullSenderNeedsNoPatternsOrOneMatchingTheEmptyString() throws IOException {
        SmtpUsers users = usersFile(
            "restricted=" + aliceHash, "restricted.senders=*@example.com",
            "free=" + bobHash,
            "wildcard=" + bobHash, "wildcard.senders=*");

        assertThat(users.maySendAs("restricted", "")).isFalse();
        assertThat(users.maySendAs("restricted", null)).isFalse();
        assertThat(users.maySendAs("free", "")).isTrue();
        assertThat(users.maySendAs("wildcard", "")).isTrue();
    }

    @Test
    void userWithoutOrWithEmptySenderPatternsMaySendAsAnyone() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash, "bob=" + bobHash, "bob.senders= , ");

        assertThat(users.maySendAs("alice", "anyone@anywhere.example")).isTrue();
        assertThat(users.maySendAs("bob", "anyone@anywhere.example")).isTrue();
    }

    @Test
    void unknownUserMaySendAsNobody() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash);

        assertThat(users.maySendAs("mallory", "mallory@example.com")).isFalse();
        assertThat(users.maySendAs(null, "")).isFalse();
    }

    @Test
    void globMatchesRunsOfCharactersWithoutBlowingUpOnManyStars() {
        assertThat(SmtpUsers.Glob.matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(SmtpUsers.Glob.matches("a*b*c", "axxbyy")).isFalse();
        assertThat(SmtpUsers.Glob.matches("**", "")).isTrue();
        assertThat(SmtpUsers.Glob.matches("*@*.example.com", "a@b.example.com")).isTrue();
        String hostile = "*a".repeat(30) + "b";
        assertThat(SmtpUsers.Glob.matches(hostile, "a".repeat(256))).isFalse();
    }

    @Test
    void changedFileIsReadAgainAfterAtMostOneSecond() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash);
        Files.writeString(file, "alice=" + aliceHash + "\nbob=" + bobHash + "\n", UTF_8);

        assertThat(users.authenticate("bob", "bob-pw".toCharArray()))
            .as("checked at most once a second").isEmpty();

        clock.advance(Duration.ofSeconds(1));

        assertThat(users.authenticate("bob", "bob-pw".toCharArray())).contains("bob");
    }

    @Test
    void deletedFileMeansNoUsersOnceNoticed() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash);
        Files.delete(file);
        clock.advance(Duration.ofSeconds(2));

        assertThat(users.isEmpty()).isTrue();
    }

    @Test
    void fileBrokenWhileRunningLetsNobodyInUntilFixed() throws IOException {
        SmtpUsers users = usersFile("alice=" + aliceHash, "bob=" + bobHash);

        Files.writeString(file, "alice=" + aliceHash + "\nbob=oops-plain-password\n", UTF_8);
        clock.advance(Duration.ofSeconds(2));

        assertThat(users.authenticate("alice", "alice-pw".toCharArray())).isEmpty();
        assertThat(users.isEmpty()).isTrue();

        Files.writeString(file, "alice=" + aliceHash + "\n", UTF_8);
        clock.advance(Duration.ofSeconds(2));

        assertThat(users.authenticate("alice", "alice-pw".toCharArray())).contains("alice");
    }

    @Test
    void valueThatIsNotAHashIsRefusedNamingFileAndKeyButNotTheValue() throws IOException {
        Files.writeString(file, "alice=" + aliceHash + "\nbob=hunter2\n", UTF_8);

        assertThatThrownBy(() -> SmtpUsers.load(file))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("'bob'")
            .hasMessageNotContaining("hunter2")
            .hasMessageNotContaining(aliceHash);
    }

    @Test
    void keyThatIsNotAUserNameIsRefusedNamingIt() throws IOException {
        Files.writeString(file, "alice=" + aliceHash + "\nbad/name=" + bobHash + "\n", UTF_8);

        assertThatThrownBy(() -> SmtpUsers.load(file))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("'bad/name'")
            .hasMessageNotContaining(bobHash);
    }

    @Test
    void senderPatternsWithoutAPasswordLineAreRefused() throws IOException {
        Files.writeString(file, "alice=" + aliceHash + "\nbob.senders=*@example.com\n", UTF_8);

        assertThatThrownBy(() -> SmtpUsers.load(file))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("'bob.senders'");
    }

    @Test
    void sameNameTwiceIgnoringCaseIsRefused() throws IOException {
        Files.writeString(file, "alice=" + aliceHash + "\nALICE=" + bobHash + "\n", UTF_8);

        assertThatThrownBy(() -> SmtpUsers.load(file))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("same user name");
    }

    @Test
    void userToStringNeverShowsTheHash() {
        SmtpUsers.User user = new SmtpUsers.User("alice", aliceHash, java.util.List.of());

        assertThat(user.toString()).contains("alice").doesNotContain(aliceHash);
    }

    @Test
    void emptyFileHasNoUsers() throws IOException {
        SmtpUsers users = usersFile("# nobody yet");

        assertThat(users.isEmpty()).isTrue();
        assertThat(users.authenticate("alice", "alice-pw".toCharArray())).isEqualTo(Optional.empty());
    }
}
