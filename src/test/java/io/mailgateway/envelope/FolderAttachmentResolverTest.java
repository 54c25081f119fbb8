package io.mailgateway.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.mail.RejectedMailException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FolderAttachmentResolverTest {

    private Path scratch;
    private Path pickup;
    private Path outside;
    private FolderAttachmentResolver resolver;

    @BeforeEach
    void createPickupFolder() throws Exception {
        scratch = EnvelopeFixtures.scratchFolder();
        pickup = Files.createDirectories(scratch.resolve("pickup"));
        outside = Files.createDirectories(scratch.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(pickup.resolve("secret.txt"), "not so secret");
        Files.writeString(pickup.resolve("report.pdf"), "%PDF-1.4");
        Files.createDirectories(pickup.resolve("sub"));
        Files.writeString(pickup.resolve("sub/report.pdf"), "%PDF-1.4 sub");
        resolver = new FolderAttachmentResolver(pickup, pickup);
    }

    @AfterEach
    void cleanUp() throws Exception {
        EnvelopeFixtures.delete(scratch);
    }

    @Test
    void plainFileNextToTheEnvelopeIsAccepted() throws Exception {
        assertThat(resolver.resolve("report.pdf")).isEqualTo(pickup.resolve("report.pdf"));
    }

    @Test
    void fileInASubfolderIsAcceptedWithEitherSeparator() throws Exception {
        assertThat(resolver.resolve("sub/report.pdf")).isEqualTo(pickup.resolve("sub/report.pdf"));
        assertThat(resolver.resolve("sub\\report.pdf")).isEqualTo(pickup.resolve("sub/report.pdf"));
    }

    @Test
    void referencesAreRelativeToTheEnvelopeFolder() throws Exception {
        FolderAttachmentResolver inSub = new FolderAttachmentResolver(pickup, pickup.resolve("sub"));

        assertThat(inSub.resolve("report.pdf")).isEqualTo(pickup.resolve("sub/report.pdf"));
        assertThatThrownBy(() -> inSub.resolve("../report.pdf")).hasMessageContaining("'../report.pdf'");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "../secret.txt          | '..' is not allowed",
        "..\\secret.txt         | '..' is not allowed",
        "sub/../../x            | '..' is not allowed",
        "sub/../secret.txt      | '..' is not allowed",
        "/etc/passwd            | absolute paths are not allowed",
        "C:\\Windows\\win.ini   | absolute paths are not allowed",
        "c:secret.txt           | absolute paths are not allowed",
        "\\\\server\\share\\x   | absolute paths are not allowed",
        "\\secret.txt           | absolute paths are not allowed",
        "name:stream            | ':' is not allowed",
        "report.pdf:hidden      | ':' is not allowed",
        "missing.pdf            | not found next to the envelope",
        "sub                    | not a regular file",
        "sub/                   | not a regular file",
    })
    void hostileOrBrokenReferenceIsRefusedNamingTheReference(String reference, String reason) {
        assertThatThrownBy(() -> resolver.resolve(reference))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("attachment '" + reference + "'")
            .hasMessageContaining(reason);
    }

    @Test
    void missingFileMessageIsTheOneOperatorsSee() {
        assertThatThrownBy(() -> resolver.resolve("x.pdf"))
            .hasMessage("attachment 'x.pdf' not found next to the envelope");
    }

    @Test
    void emptyReferenceIsRefused() {
        assertThatThrownBy(() -> resolver.resolve("")).hasMessage("attachment file reference is empty");
        assertThatThrownBy(() -> resolver.resolve("  ")).hasMessage("attachment file reference is empty");
    }

    @Test
    void controlCharacterIsRefusedAndNotEchoed() {
        assertThatThrownBy(() -> resolver.resolve("report.pdf\r\nX-Injected: 1"))
            .hasMessage("attachment 'report.pdf??X-Injected: 1' refused: the name contains a control character");
        assertThatThrownBy(() -> resolver.resolve("report\u0000.pdf")).hasMessageContaining("control character");
    }

    @Test
    void symlinkToAFileOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(pickup.resolve("link.txt"), outside.resolve("secret.txt"));

        assertThatThrownBy(() -> resolver.resolve("link.txt"))
            .hasMessage("attachment 'link.txt' refused: it is a symbolic link");
    }

    @Test
    void symlinkToAFileInsideIsRefusedToo() throws Exception {
        Files.createSymbolicLink(pickup.resolve("alias.pdf"), pickup.resolve("report.pdf"));

        assertThatThrownBy(() -> resolver.resolve("alias.pdf"))
            .hasMessage("attachment 'alias.pdf' refused: it is a symbolic link");
    }

    @Test
    void fileBehindASymlinkedSubfolderIsRefused() throws Exception {
        Files.createSymbolicLink(pickup.resolve("linked"), outside);

        assertThatThrownBy(() -> resolver.resolve("linked/secret.txt"))
            .hasMessage("attachment 'linked/secret.txt' refused: its folder is a symbolic link");
    }

    @Test
    void symlinkedSubfolderPointingInsideIsRefusedToo() throws Exception {
        Files.createSymbolicLink(pickup.resolve("linked"), pickup.resolve("sub"));

        assertThatThrownBy(() -> resolver.resolve("linked\\report.pdf"))
            .hasMessageContaining("its folder is a symbolic link");
    }

    @Test
    void pickupRootReachedThroughALinkStillWorks() throws Exception {
        Path linkedRoot = Files.createSymbolicLink(scratch.resolve("pickup-link"), pickup);
        FolderAttachmentResolver viaLink = new FolderAttachmentResolver(linkedRoot, linkedRoot);

        assertThat(viaLink.resolve("sub/report.pdf")).isEqualTo(linkedRoot.resolve("sub/report.pdf"));
    }

    @Test
    void envelopeFolderOutsideThePickupRootIsAProgrammingError() {
        assertThatThrownBy(() -> new FolderAttachmentResolver(pickup, outside))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void intakesWithoutAFolderRefuseEveryReference() {
        assertThatThrownBy(() -> AttachmentResolver.none().resolve("report.pdf"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageContaining("'report.pdf'");
    }
}
