package io.mailgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped deployment files as text, and the one value a regex picks out of them. */
final class DeployFiles {

    private DeployFiles() {
    }

    /** {@code path}, relative to the checkout, as UTF-8 text. */
    static String read(String path) throws IOException {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    /** Group 1 of the first match of {@code regex} in {@code text}; fails the test when nothing matches. */
    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
