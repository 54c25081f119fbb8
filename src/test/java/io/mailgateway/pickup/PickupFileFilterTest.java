package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.GatewayProperties;
import java.io.File;
import java.util.List;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;

class PickupFileFilterTest {

    /** A rule that mails every file in reports/, whatever its name. */
    private final PickupFileFilter filter = new PickupFileFilter(new ReportRules(List.of(everythingIn("reports"))));

    @Test
    void emlAndXmlAnywhereAndFilesARuleMatchesAreMail() {
        assertThat(filter.accept(file("invoice.eml"))).isTrue();
        assertThat(filter.accept(file("sub/envelope.XML"))).isTrue();
        assertThat(filter.accept(file("reports/daily.pdf"))).isTrue();
        assertThat(filter.accept(file("notes.txt"))).isFalse();
    }

    @Test
    void windowsExplorerFilesAreNeverMailedEvenByARuleForEverything() {
        assertThat(filter.accept(file("reports/Thumbs.db"))).isFalse();
        assertThat(filter.accept(file("reports/desktop.ini"))).isFalse();
        assertThat(filter.accept(file("reports/~$daily.xlsx"))).as("Office lock file").isFalse();
    }

    @Test
    void filesStillBeingWrittenAndTheGatewaysOwnFilesAreSkipped() {
        assertThat(filter.accept(file("reports/daily.pdf.part"))).isFalse();
        assertThat(filter.accept(file("invoice.eml.tmp"))).isFalse();
        assertThat(filter.accept(file("reports/.hidden.pdf"))).isFalse();
        assertThat(filter.accept(file("failed/invoice.xml.reason.txt"))).isFalse();
    }

    private static GenericFile<File> file(String relative) {
        GenericFile<File> file = new GenericFile<>();
        file.setRelativeFilePath(relative.replace('/', File.separatorChar));
        file.setFileNameOnly(relative.substring(relative.lastIndexOf('/') + 1));
        file.setFile(new File("target", relative));
        file.setDirectory(false);
        return file;
    }

    private static GatewayProperties.ReportRule everythingIn(String folder) {
        GatewayProperties.ReportRule rule = new GatewayProperties.ReportRule();
        rule.setFolder(folder);
        rule.setGlob("*");
        rule.setTo(List.of("ops@example.com"));
        rule.setFrom("reports@example.com");
        return rule;
    }
}
