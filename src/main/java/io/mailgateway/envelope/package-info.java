/**
 * The XML envelope intake: a JAXB model of {@code urn:mailgateway:envelope:1}
 * ({@code src/main/resources/xsd/mail-envelope-1.xsd}), a hardened reader, and the composer that turns a
 * document into a {@link io.mailgateway.mail.SubmittedMail}. Shared by the pickup folder and the JMS intake;
 * they differ only in their {@link io.mailgateway.envelope.AttachmentResolver}.
 */
@XmlSchema(namespace = EnvelopeDocument.NAMESPACE, elementFormDefault = XmlNsForm.QUALIFIED)
@XmlAccessorType(XmlAccessType.FIELD)
package io.mailgateway.envelope;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlNsForm;
import jakarta.xml.bind.annotation.XmlSchema;
