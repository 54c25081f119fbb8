package io.mailgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/mail-gateway's class data sharing, run by sh against a stand-in java that records its arguments
 * (and does what the real one would: extracts the jar, writes the archive): the first run records an
 * archive, the next uses it, a new jar starts over, and the tools never take part.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherClassDataSharingTest {

    @TempDir
    Path home;

    private Path calls;

    @BeforeEach
    void installation() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Path.of("bin", "mail-gateway"), home.resolve("bin/mail-gateway"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(home.resolve("mail-gateway.jar"), "a jar");
        calls = home.resolve("calls.txt");
        Path java = Files.createDirectories(home.resolve("jdk/bin")).resolve("java");
        Files.writeString(home.resolve("jdk/release"), "JAVA_VERSION=\"17.0.15\"\n");
        // extract: makes the thin jar; a run with ArchiveClassesAtExit: writes the archive, as a clean stop would
        Files.writeString(java, """
            #!/bin/sh
            echo "$*" >> "%s"
            case "$*" in
              *jarmode=tools*) dest=; for a in "$@"; do [ "$prev" = --destination ] && dest=$a; prev=$a; done
                               mkdir -p "$dest" && echo thin > "$dest/mail-gateway.jar" ;;
              *ArchiveClassesAtExit=*) for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) echo jsa > "${a#*=}";; esac; done ;;
            esac
            """.formatted(calls));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theFirstRunRecordsAnArchiveAndTheNextRunsUseIt() throws Exception {
        run();
        run();

        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("-Djarmode=tools -jar " + home.resolve("mail-gateway.jar") + " extract");
        assertThat(lines.get(1)).contains("-XX:ArchiveClassesAtExit=" + home.resolve("cds/mail-gateway.jsa"))
            .endsWith("-jar " + home.resolve("cds/app/mail-gateway.jar"));
        assertThat(lines.get(2)).contains("-XX:SharedArchiveFile=" + home.resolve("cds/mail-gateway.jsa"))
            .contains("-XX:+UseParallelGC").endsWith("-jar " + home.resolve("cds/app/mail-gateway.jar"));
    }

    @Test
    void aNewJarThrowsTheOldArchiveAway() throws Exception {
        run();
        run();
        Files.writeString(home.resolve("mail-gateway.jar"), "a newer, longer jar");
        run();

        List<String> lines = Files.readAllLines(calls);
        assertThat(lines.get(3)).contains("extract");
        assertThat(lines.get(4)).contains("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void toolsAndTheSwitchRunTheJarAsItIs() throws Exception {
        run("doctor");
        run("--gateway.smtp.relay.port=2526", "MAIL_GATEWAY_CDS=off");

        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).doesNotContain("XX:Shared").doesNotContain("Archive")
            .endsWith("-jar " + home.resolve("mail-gateway.jar") + " doctor");
        assertThat(lines.get(1)).doesNotContain("Archive")
            .endsWith("-jar " + home.resolve("mail-gateway.jar") + " --gateway.smtp.relay.port=2526");
        assertThat(home.resolve("cds/app")).doesNotExist();
    }

    @Test
    void aSwitchThatIsNeitherOnNorOffStopsTheLauncherWithAClearMessage() throws Exception {
        Process process = launcher("MAIL_GATEWAY_CDS=yes");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isEqualTo(1);
        assertThat(output).contains("MAIL_GATEWAY_CDS must be on or off, not 'yes'");
        assertThat(calls).doesNotExist();
    }

    /** Runs the launcher; an argument NAME=value starting with MAIL_GATEWAY_ is an environment variable. */
    private void run(String... args) throws Exception {
        Process process = launcher(args);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    private Process launcher(String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin/mail-gateway").toString());
        builder.environment().put("JAVA_HOME", home.resolve("jdk").toString());
        builder.environment().remove("MAIL_GATEWAY_CDS");
        builder.environment().remove("MAIL_GATEWAY_CDS_DIR");
        for (String arg : args) {
            if (arg.startsWith("MAIL_GATEWAY_")) {
                builder.environment().put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                builder.command().add(arg);
            }
        }
        return builder.redirectErrorStream(true).start();
    }
}
