package io.mailgateway.deploy;

import static io.mailgateway.deploy.DeployFiles.group;
import static io.mailgateway.deploy.DeployFiles.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every way of starting the gateway runs it with the same default JVM options (heap cap, collector): the
 * POSIX launcher, the Windows launcher and service, {@code mvn spring-boot:run} and the container image.
 * The memory figures in the README were measured with these options; a launcher that forgot them would
 * let the JVM take a quarter of the machine's memory.
 */
class LauncherDefaultsTest {

    @Test
    void allLaunchersShareTheDefaultJvmOptionsOfBinMailGateway() throws IOException {
        String defaults = group(read("bin/mail-gateway"), "(?m)^DEFAULT_JAVA_OPTS=\"([^\"]+)\"$");

        assertThat(defaults).contains("-Xmx").contains("-XX:+UseParallelGC");
        assertThat(group(read("bin/mail-gateway.cmd"), "(?m)^set \"DEFAULT_JAVA_OPTS=([^\"]+)\"$"))
            .isEqualTo(defaults);
        assertThat(group(read("bin/mail-gateway-service.xml"), "<arguments>(.*)</arguments>"))
            .startsWith(defaults + " ");
        assertThat(group(read("pom.xml"), "<jvmArguments>(.*)</jvmArguments>")).isEqualTo(defaults);
    }

    @Test
    void thePosixLauncherExecsJavaWithTheDefaultsBeforeTheUsersOptions() throws IOException {
        String launcher = read("bin/mail-gateway");

        assertThat(launcher).startsWith("#!/bin/sh\n")
            .contains("exec \"$JAVA\" $DEFAULT_JAVA_OPTS $CDS_OPTS ${MAIL_GATEWAY_JAVA_OPTS:-} -jar \"$JAR\" \"$@\"");
        assertThat(Files.isExecutable(Path.of("bin/mail-gateway"))).as("checked out executable").isTrue();
    }

    @Test
    void theContainerImageStartsThroughTheLauncher() throws IOException {
        String dockerfile = read("src/main/docker/Dockerfile");

        assertThat(dockerfile).contains("COPY bin/mail-gateway bin/mail-gateway")
            .contains("ENTRYPOINT [\"/opt/mail-gateway/bin/mail-gateway\"]");
    }
}
