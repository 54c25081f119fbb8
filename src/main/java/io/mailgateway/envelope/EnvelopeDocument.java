package io.mailgateway.envelope;

import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;
import java.util.ArrayList;
import java.util.List;

/**
 * The root {@code <envelope version="1">} of {@code mail-envelope-1.xsd}: one mail to submit.
 *
 * <p>A mutable JAXB bean. A document read by {@link EnvelopeReader} has passed the schema; one built in code
 * has not, which is why {@link EnvelopeComposer} checks every value again. Lists are live and never null.
 */
@XmlRootElement(name = "envelope")
@XmlType(name = "Envelope", propOrder = {
    "from", "replyTo", "to", "cc", "bcc", "subject", "text", "html", "attachments", "headers", "idempotencyKey"})
public class EnvelopeDocument {

    /** The namespace of format 1; a later, incompatible format gets a new one. */
    public static final String NAMESPACE = "urn:mailgateway:envelope:1";

    /** Classpath location of the schema. */
    public static final String SCHEMA_RESOURCE = "/xsd/mail-envelope-1.xsd";

    @XmlAttribute(name = "version", required = true)
    private String version = "1";

    @XmlElement(required = true)
    private EnvelopeMailbox from;

    private EnvelopeMailbox replyTo;

    @XmlElement(required = true)
    private List<EnvelopeMailbox> to = new ArrayList<>();

    private List<EnvelopeMailbox> cc = new ArrayList<>();

    private List<EnvelopeMailbox> bcc = new ArrayList<>();

    @XmlElement(required = true)
    private String subject;

    private String text;

    private String html;

    @XmlElement(name = "attachment")
    private List<EnvelopeAttachment> attachments = new ArrayList<>();

    @XmlElement(name = "header")
    private List<EnvelopeHeader> headers = new ArrayList<>();

    private String idempotencyKey;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public EnvelopeMailbox getFrom() {
        return from;
    }

    public void setFrom(EnvelopeMailbox from) {
        this.from = from;
    }

    /** @return the Reply-To mailbox, or null */
    public EnvelopeMailbox getReplyTo() {
        return replyTo;
    }

    public void setReplyTo(EnvelopeMailbox replyTo) {
        this.replyTo = replyTo;
    }

    public List<EnvelopeMailbox> getTo() {
        return to;
    }

    public List<EnvelopeMailbox> getCc() {
        return cc;
    }

    public List<EnvelopeMailbox> getBcc() {
        return bcc;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    /** @return the plain-text body, or null */
    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    /** @return the HTML body, or null */
    public String getHtml() {
        return html;
    }

    public void setHtml(String html) {
        this.html = html;
    }

    public List<EnvelopeAttachment> getAttachments() {
        return attachments;
    }

    public List<EnvelopeHeader> getHeaders() {
        return headers;
    }

    /** @return the submitter's duplicate-suppression key, or null */
    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public void setIdempotencyKey(String idempotencyKey) {
        this.idempotencyKey = idempotencyKey;
    }
}
