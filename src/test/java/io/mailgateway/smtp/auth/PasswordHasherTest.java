package io.mailgateway.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {

    private static final String SECRET_HASH = PasswordHasher.hash("correct horse".toCharArray());

    @Test
    void verifyAcceptsThePasswordThatWasHashed() {
        assertThat(PasswordHasher.verify("correct horse".toCharArray(), SECRET_HASH)).isTrue();
    }

    @Test
    void verifyRejectsAWrongPassword() {
        assertThat(PasswordHasher.verify("correct horse ".toCharArray(), SECRET_HASH)).isFalse();
        assertThat(PasswordHasher.verify("Correct horse".toCharArray(), SECRET_HASH)).isFalse();
        assertThat(PasswordHasher.verify(new char[0], SECRET_HASH)).isFalse();
        assertThat(PasswordHasher.verify(null, SECRET_HASH)).isFalse();
    }

    @Test
    void encodedHashCarriesAlgorithmIterationsSixteenByteSaltAndThirtyTwoByteKey() {
        String[] parts = SECRET_HASH.split("\\$");

        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[1]).isEqualTo("210000");
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(SECRET_HASH).doesNotContain("correct horse");
    }

    @Test
    void hashingTheSamePasswordTwiceGivesDifferentSaltsAndHashes() {
        String again = PasswordHasher.hash("correct horse".toCharArray());

        assertThat(again).isNotEqualTo(SECRET_HASH);
        assertThat(again.split("\\$")[2]).isNotEqualTo(SECRET_HASH.split("\\$")[2]);
        assertThat(PasswordHasher.verify("correct horse".toCharArray(), again)).isTrue();
    }

    @Test
    void hashLeavesTheCallersPasswordIntact() {
        char[] password = "correct horse".toCharArray();

        PasswordHasher.hash(password);

        assertThat(password).containsExactly("correct horse".toCharArray());
    }

    @Test
    void verifyUsesTheIterationCountStoredWithTheHashSoOlderHashesStayValid() throws Exception {
        byte[] salt = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec("old".toCharArray(), salt, 1000, 256)).getEncoded();
        String encoded = "pbkdf2-sha256$1000$" + Base64.getEncoder().encodeToString(salt) + "$"
            + Base64.getEncoder().encodeToString(key);

        assertThat(PasswordHasher.verify("old".toCharArray(), encoded)).isTrue();
        assertThat(PasswordHasher.verify("new".toCharArray(), encoded)).isFalse();
    }

    @Test
    void anEmptyPasswordCanBeHashedAndVerified() {
        String encoded = PasswordHasher.hash(new char[0]);

        assertThat(PasswordHasher.verify(new char[0], encoded)).isTrue();
        assertThat(PasswordHasher.verify("x".toCharArray(), encoded)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "plain-text-password",
        "pbkdf2-sha256$",
        "pbkdf2-sha256$210000$",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$",
        "pbkdf2-sha256$abc$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$-5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$210000$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$c2hvcnQ=",
        "pbkdf2-sha256$210000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$extra",
        "PBKDF2-SHA256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "$2y$10$abcdefghijklmnopqrstuu5C3PhqyA6sI3q7Y0kdc5Ff3rQ0b0dG."
    })
    void verifyReturnsFalseWithoutThrowingForAnEncodingItDoesNotKnow(String encoded) {
        assertThatCode(() -> assertThat(PasswordHasher.verify("secret".toCharArray(), encoded)).isFalse())
            .doesNotThrowAnyException();
        assertThat(PasswordHasher.isWellFormed(encoded)).isFalse();
    }
}
