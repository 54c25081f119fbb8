package io.mailgateway.smtp.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A fresh folder per test under target/auth-test, left for inspection after a failure. */
final class TestDirs {

    private TestDirs() {
    }

    static Path fresh() {
        try {
            return Files.createDirectories(Path.of("target", "auth-test", UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
