package io.mailgateway.envelope;

import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlType;
import jakarta.xml.bind.annotation.XmlValue;

/**
 * {@code <attachment file="report.pdf"/>} (a file next to the envelope, resolved by an
 * {@link AttachmentResolver}) or {@code <attachment name="data.csv" contentType="text/csv">base64</attachment>}
 * (inline). The content is kept as the base64 text so that {@link EnvelopeComposer} decodes it strictly and
 * names the attachment when it is malformed.
 */
@XmlType(name = "Attachment")
public class EnvelopeAttachment {

    @XmlValue
    private String content;

    @XmlAttribute(name = "file")
    private String file;

    @XmlAttribute(name = "name")
    private String name;

    @XmlAttribute(name = "contentType")
    private String contentType;

    public static EnvelopeAttachment file(String reference) {
        EnvelopeAttachment attachment = new EnvelopeAttachment();
        attachment.setFile(reference);
        return attachment;
    }

    public static EnvelopeAttachment inline(String name, String contentType, String base64) {
        EnvelopeAttachment attachment = new EnvelopeAttachment();
        attachment.setName(name);
        attachment.setContentType(contentType);
        attachment.setContent(base64);
        return attachment;
    }

    /** @return the inline content as base64 text (whitespace allowed), or null / blank for a file reference */
    public String getContent() {
        return content;
    }

    public void setContent(String content) {
        this.content = content;
    }

    /** @return the file reference as written in the envelope, or null for inline content */
    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    /** @return the file name of inline content, or null */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** @return "type/subtype", or null to derive it from the file extension */
    public String getContentType() {
        return contentType;
    }

    public void setContentType(String contentType) {
        this.contentType = contentType;
    }
}
