package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.GatewayProperties.ReportRule;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.SubmittedMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMailComposerTest {

    @TempDir
    Path dir;

    @Test
    void aCsvReportWithUnixLineEndingsIsAttachedAsBase64SoNoBareLineFeedReachesData() throws Exception {
        String csv = "region,total\nnorth,12\nsouth,7\n";
        Path report = Files.writeString(dir.resolve("sales.csv"), csv);
        ReportRule rule = new ReportRule();
        rule.setGlob("*.csv");
        rule.setTo(List.of("ops@example.com"));
        rule.setFrom("reports@example.com");
        rule.setSubject("Report {file}");
        rule.setBody("Attached: {file}");
        MailSpool spool = new MailSpool(Files.createDirectories(dir.resolve("spool")), MailSpool.DEFAULT_MEMORY_LIMIT);

        SubmittedMail mail = ReportMailComposer.compose(rule, report, LocalDateTime.of(2026, 1, 2, 3, 4), spool);

        try (MailContent content = mail.content()) {
            String text = new String(content.bytes(), StandardCharsets.ISO_8859_1);
            assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
            assertThat(text).contains("Content-Type: text/csv; name=sales.csv\r\n")
                .contains("Content-Transfer-Encoding: base64")
                .contains("filename=sales.csv")
                .contains(Base64.getEncoder().encodeToString(csv.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
