package io.mailgateway.it.support;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Data folders for gateways under test: below target/, never below the system temp directory (the
 * gateway refuses that, rightly).
 */
public final class TestDataDirs {

    private TestDataDirs() {
    }

    public static Path fresh(String name) {
        return Path.of("target", "it-data", name + "-" + UUID.randomUUID()).toAbsolutePath();
    }
}
