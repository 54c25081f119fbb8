package io.mailgateway.envelope;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The MIME part of a file attached to a composed mail, for every composer that attaches one (an XML
 * envelope's attachments, a pickup report file): always base64, with exactly the given content type.
 */
public final class AttachmentParts {

    private AttachmentParts() {
    }

    /**
     * A file streamed into its part when the message is written, never read into memory first; opened without
     * following a final symbolic link in case the file was swapped after it was checked.
     */
    public static DataSource file(Path path, String contentType, String name) {
        return new NoFollowFileDataSource(path, contentType, name);
    }

    /** An attachment part named {@code fileName} with the bytes of {@code source}. */
    public static MimeBodyPart part(DataSource source, String fileName) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(source));
        // set before saveChanges, which would otherwise add the JVM's charset to a text/* attachment
        // whose bytes we know nothing about
        part.setHeader("Content-Type", source.getContentType());
        part.setDisposition(Part.ATTACHMENT);
        part.setFileName(fileName);
        // base64 whatever the type: a text/csv sent as 7bit would carry its bare LFs into DATA. Set here,
        // saveChanges does not read the whole file once more to choose an encoding
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    private static final class NoFollowFileDataSource implements DataSource {
        private final Path path;
        private final String contentType;
        private final String name;

        NoFollowFileDataSource(Path path, String contentType, String name) {
            this.path = path;
            this.contentType = contentType;
            this.name = name;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return name;
        }
    }
}
