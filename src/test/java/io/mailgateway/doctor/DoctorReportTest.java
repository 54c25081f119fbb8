package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorReportTest {

    @Test
    void warningsAloneExitWithZeroAndAnyFailureWithOne() {
        DoctorReport warned = new DoctorReport(List.of(
            CheckResult.ok("a", "a", "fine"),
            CheckResult.warn("b", "b", "almost", "do this"),
            CheckResult.skip("c", "c", "n/a")), List.of());
        DoctorReport failed = new DoctorReport(List.of(
            CheckResult.ok("a", "a", "fine"),
            CheckResult.fail("d", "d", "broken", "fix it")), List.of());

        assertThat(warned.exitCode()).isZero();
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.summary()).isEqualTo("1 OK, 0 WARN, 1 FAIL, 0 SKIP: exit code 1");
    }

    @Test
    void jsonHasStableKeysForScripts() throws Exception {
        DoctorReport report = new DoctorReport(List.of(
            CheckResult.fail("smarthost.connect", "smart host connect", "timed out", "open the port"),
            CheckResult.ok("disk", "free disk", "plenty")), List.of("-> EHLO vm"));

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertThat(json.get("version").asInt()).isEqualTo(1);
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("counts").get("FAIL").asInt()).isEqualTo(1);
        assertThat(json.get("checks").get(0).get("id").asText()).isEqualTo("smarthost.connect");
        assertThat(json.get("checks").get(0).get("fix").asText()).isEqualTo("open the port");
        assertThat(json.get("checks").get(1).get("fix").isNull()).isTrue();
        assertThat(json.get("transcript").get(0).asText()).isEqualTo("-> EHLO vm");
    }

    @Test
    void textIsAsciiAndWrapsTheFixBelowTheCheck() {
        String longFix = "word ".repeat(60).trim();
        DoctorReport report = new DoctorReport(List.of(
            CheckResult.fail("x", "smart host TLS", "caf\u00e9 \u2192 na\u00efve\r\ninjected line", longFix)), List.of());

        String text = report.toText(false);

        assertThat(text).contains("FAIL  smart host TLS caf? ? na?ve injected line");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(text.lines().filter(l -> l.startsWith("      fix: word"))).hasSize(1);
        assertThat(text).doesNotContain("\u2192");
    }

    @Test
    void theTranscriptIsPrintedOnlyWhenVerbose() {
        DoctorReport report = new DoctorReport(List.of(CheckResult.ok("a", "a", "fine")), List.of("<- 220 hello"));

        assertThat(report.toText(false)).doesNotContain("220 hello");
        assertThat(report.toText(true)).contains("SMTP transcript with the smart host:", "  <- 220 hello");
    }
}
