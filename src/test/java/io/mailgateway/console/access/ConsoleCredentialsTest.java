package io.mailgateway.console.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.smtp.auth.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCredentialsTest {

    @TempDir
    Path dataDir;

    @Test
    void aConfiguredPasswordIsCheckedAndNothingIsWritten() throws Exception {
        GatewayProperties.Console settings = new GatewayProperties.Console();
        settings.setPassword("s3cret-console");
        ConsoleCredentials credentials = ConsoleCredentials.load(settings, dataDir);

        assertThat(credentials.verify("admin", "s3cret-console".toCharArray())).isTrue();
        assertThat(credentials.verify("admin", "s3cret-consolE".toCharArray())).isFalse();
        assertThat(credentials.verify("Admin", "s3cret-console".toCharArray())).isFalse();
        assertThat(credentials.verify(null, "s3cret-console".toCharArray())).isFalse();
        assertThat(credentials.verify("admin", null)).isFalse();
        assertThat(dataDir.resolve("console")).doesNotExist();
    }

    @Test
    void theSameLoginAgainSkipsThePbkdf2CheckButEveryOtherLoginPaysIt() {
        AtomicInteger slowChecks = new AtomicInteger();
        ConsoleCredentials credentials = new ConsoleCredentials("admin", PasswordHasher.hash("pw-123456".toCharArray()),
            (password, hash) -> {
                slowChecks.incrementAndGet();
                return PasswordHasher.verify(password, hash);
            });

        for (int i = 0; i < 5; i++) {
            assertThat(credentials.verify("admin", "pw-123456".toCharArray())).isTrue();
        }
        assertThat(slowChecks).hasValue(1);

        assertThat(credentials.verify("admin", "pw-1234567".toCharArray())).isFalse();
        assertThat(credentials.verify("Admin", "pw-123456".toCharArray())).isFalse();
        assertThat(credentials.verify("adminp", "w-123456".toCharArray())).isFalse();
        assertThat(slowChecks).hasValue(4);
        assertThat(credentials.verify("admin", "pw-123456".toCharArray())).isTrue();
        assertThat(slowChecks).hasValue(4);
    }

    @Test
    void withoutAPasswordOneIsGeneratedOnceAndOnlyItsHashIsKept() throws Exception {
        GatewayProperties.Console settings = new GatewayProperties.Console();
        ConsoleCredentials first = ConsoleCredentials.load(settings, dataDir);
        Path hashFile = dataDir.resolve("console").resolve("password.hash");
        String stored = Files.readString(hashFile, StandardCharsets.US_ASCII);
        assertThat(stored).startsWith("pbkdf2-sha256$");

        ConsoleCredentials second = ConsoleCredentials.load(settings, dataDir);
        assertThat(Files.readString(hashFile, StandardCharsets.US_ASCII)).isEqualTo(stored);
        // the generated password is not recoverable from here; a guess does not pass either instance
        assertThat(first.verify("admin", "admin".toCharArray())).isFalse();
        assertThat(second.verify("admin", "".toCharArray())).isFalse();
    }

    @Test
    void aDamagedHashFileStopsTheStartWithWhatToDo() throws Exception {
        Files.createDirectories(dataDir.resolve("console"));
        Files.writeString(dataDir.resolve("console").resolve("password.hash"), "not a hash");
        assertThatThrownBy(() -> ConsoleCredentials.load(new GatewayProperties.Console(), dataDir))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("delete it and restart");
    }

    @Test
    void aHashFileWithTheRightPrefixButBrokenContentStopsTheStartTooInsteadOfLockingEveryoneOut() throws Exception {
        Files.createDirectories(dataDir.resolve("console"));
        Files.writeString(dataDir.resolve("console").resolve("password.hash"), "pbkdf2-sha256$210000$not-base64$");
        assertThatThrownBy(() -> ConsoleCredentials.load(new GatewayProperties.Console(), dataDir))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("delete it and restart");
    }

    @Test
    void generatedPasswordsAreLongAndFreeOfLookAlikes() {
        String password = new String(ConsoleCredentials.generate());
        assertThat(password).hasSize(20).doesNotContainPattern("[0O1lI]").matches("[A-Za-z2-9]+");
        assertThat(new String(ConsoleCredentials.generate())).isNotEqualTo(password);
    }
}
