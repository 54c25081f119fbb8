package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.GatewayProperties.ReportRule;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.SubmittedMail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMailComposerTest {

    @TempDir
    Path dir;

    @Test
    void theDigestGivenHoldsTheHashOfTheReportFileOnceTheMailIsComposed() throws Exception {
        Path report = Files.write(dir.resolve("daily.pdf"), new byte[] {'%', 'P', 'D', 'F', 0, (byte) 0xff, '\n'});
        MessageDigest digest = MessageDigest.getInstance("SHA-256");

        try (MailContent content = ReportMailComposer.compose(rule(), report, LocalDateTime.of(2026, 1, 2, 3, 4),
                spool(), digest).content()) {
            assertThat(digest.digest())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(report)));
        }
    }

    @Test
    void aMultiLineBodyTemplateKeepsItsLinesWithCrlfAndTheSubjectStaysOneLine() throws Exception {
        Path report = Files.writeString(dir.resolve("sales.pdf"), "%PDF");
        ReportRule rule = rule();
        rule.setSubject("Report\n{file}");
        rule.setBody("Hello,\n\nplease find {file} attached.\r\n-- \nOps");

        try (MailContent content = ReportMailComposer.compose(rule, report, LocalDateTime.of(2026, 1, 2, 3, 4), spool(),
                null).content()) {
            String text = new String(content.bytes(), StandardCharsets.ISO_8859_1);
            assertThat(text).contains("\r\nSubject: Report sales.pdf\r\n")
                .contains("\r\n\r\nHello,\r\n\r\nplease find sales.pdf attached.\r\n-- \r\nOps");
            assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        }
    }

    @Test
    void aCsvReportWithUnixLineEndingsIsAttachedAsBase64SoNoBareLineFeedReachesData() throws Exception {
        String csv = "region,total\nnorth,12\nsouth,7\n";
        Path report = Files.writeString(dir.resolve("sales.csv"), csv);

        SubmittedMail mail = ReportMailComposer.compose(rule(), report, LocalDateTime.of(2026, 1, 2, 3, 4), spool(), null);

        try (MailContent content = mail.content()) {
            String text = new String(content.bytes(), StandardCharsets.ISO_8859_1);
            assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
            assertThat(text).contains("Content-Type: text/csv; name=sales.csv\r\n")
                .contains("Content-Transfer-Encoding: base64")
                .contains("filename=sales.csv")
                .contains(Base64.getEncoder().encodeToString(csv.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private static ReportRule rule() {
        ReportRule rule = new ReportRule();
        rule.setGlob("*");
        rule.setTo(List.of("ops@example.com"));
        rule.setFrom("reports@example.com");
        rule.setSubject("Report {file}");
        rule.setBody("Attached: {file}");
        return rule;
    }

    private MailSpool spool() throws IOException {
        return new MailSpool(Files.createDirectories(dir.resolve("spool")), MailSpool.DEFAULT_MEMORY_LIMIT);
    }
}
