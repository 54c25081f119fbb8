package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void doctorOptionsAreTakenAndGatewaySettingsPassedOn() {
        DoctorCommand.Arguments arguments = DoctorCommand.Arguments.parse(new String[] {
            "--json", "--timeout", "3s", "--ports=587,2525", "--gateway.delivery.smarthost.host=smtp.example.net",
            "--mx", "--mx-domain", "example.org", "--verbose"});

        assertThat(arguments.json()).isTrue();
        assertThat(arguments.verbose()).isTrue();
        assertThat(arguments.options().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(arguments.options().otherPorts()).containsExactly(587, 2525);
        assertThat(arguments.options().mx()).isTrue();
        assertThat(arguments.options().mxDomain()).isEqualTo("example.org");
        assertThat(arguments.springArgs()).containsExactly("--gateway.delivery.smarthost.host=smtp.example.net");
    }

    @Test
    void withoutOptionsTheStandardPortsAreTried() {
        DoctorCommand.Arguments arguments = DoctorCommand.Arguments.parse(new String[0]);

        assertThat(arguments.options().otherPorts()).containsExactly(25, 587, 465);
        assertThat(arguments.options().timeout()).isNull();
        assertThat(arguments.json()).isFalse();
    }

    @Test
    void anEmptyPortListTriesOnlyTheConfiguredPort() {
        assertThat(DoctorCommand.Arguments.parse(new String[] {"--ports="}).options().otherPorts()).isEmpty();
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DoctorCommand.Arguments.parse(new String[] {"--ports", "25,seventy"}))
            .hasMessageContaining("'seventy' is not a port number");
        assertThatThrownBy(() -> DoctorCommand.Arguments.parse(new String[] {"--timeout", "soon"}))
            .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DoctorCommand.Arguments.parse(new String[] {"--timeout"}))
            .hasMessageContaining("--timeout needs a value");
        assertThatThrownBy(() -> DoctorCommand.Arguments.parse(new String[] {"smtp.example.net"}))
            .hasMessageContaining("unknown argument 'smtp.example.net'");
    }

    @Test
    void aBadArgumentExitsWithTwoAndPrintsUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = DoctorCommand.run(new String[] {"--nope"}, new PrintStream(out), new PrintStream(err));

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: doctor");
    }

    @Test
    void sendTestArgumentsNeedAPlainRecipientAddress() {
        SendTestCommand.Arguments arguments = SendTestCommand.Arguments.parse(new String[] {
            "--to", "<bob@example.net>", "--to=carol@example.org", "--from", "app@example.com", "--timeout", "90s",
            "--server.port=8081"});

        assertThat(arguments.to()).containsExactly("bob@example.net", "carol@example.org");
        assertThat(arguments.from()).isEqualTo("app@example.com");
        assertThat(arguments.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(arguments.springArgs()).isEqualTo(List.of("--server.port=8081"));
        assertThatThrownBy(() -> SendTestCommand.Arguments.parse(new String[] {"--to", "bob@example.net\r\nRCPT TO:<x@y>"}))
            .hasMessageContaining("not a plain address");
        assertThatThrownBy(() -> SendTestCommand.Arguments.parse(new String[] {"--from", "a@b.c"}))
            .hasMessageContaining("--to ADDRESS is required");
    }

    @Test
    void sendTestSaysWhichLoginToGiveWhenTheDeliveriesEndpointRefusesIt() {
        assertThat(SendTestCommand.loginHint(false)).contains("GATEWAY_CONSOLE_PASSWORD", "--gateway.console.password=");
        assertThat(SendTestCommand.loginHint(true)).contains("was refused", "gateway.console.password");
    }

    @Test
    void settingsAreNamedWithTheirEnvironmentVariable() {
        assertThat(Settings.named("gateway.delivery.smarthost.trust-store"))
            .isEqualTo("gateway.delivery.smarthost.trust-store (GATEWAY_DELIVERY_SMARTHOST_TRUST_STORE)");
        assertThat(Settings.assignment("gateway.delivery.smarthost.port", 587))
            .isEqualTo("gateway.delivery.smarthost.port=587 (GATEWAY_DELIVERY_SMARTHOST_PORT=587)");
        assertThat(CommandLineSettings.kebab("delivery.smarthost.maxIdle")).isEqualTo("delivery.smarthost.max-idle");
    }
}
