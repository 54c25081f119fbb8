package io.mailgateway.envelope;

import io.mailgateway.mail.RejectedMailException;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.ValidationEventLocator;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Reads an XML envelope ({@code urn:mailgateway:envelope:1}) from untrusted bytes.
 *
 * <p>Contract: {@link #read} returns a document that is well-formed, has no DOCTYPE, is at most
 * {@code maxBytes} long and is valid against {@code mail-envelope-1.xsd}; anything else is a
 * {@link RejectedMailException} whose message names the source and, for XML errors, the line and column.
 * The encoding comes from the byte order mark or the XML declaration (UTF-8 when neither says otherwise).
 *
 * <p>Thread-safe: share one instance. The JAXB context and the compiled schema are built once per JVM.
 */
public final class EnvelopeReader {

    /** Default size limit: 10 MB, room for a few inline attachments, small enough to keep in memory. */
    public static final int DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

    // JDK-specific limits (JAXP 1.5 / jdk.xml.* system properties); the JDK's built-in parser is used on purpose
    // so that they are honoured whatever XML parser happens to be on the classpath.
    private static final String MAX_ELEMENT_DEPTH = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";
    private static final String ENTITY_EXPANSION_LIMIT =
        "http://www.oracle.com/xml/jaxp/properties/entityExpansionLimit";
    private static final String TOTAL_ENTITY_SIZE_LIMIT =
        "http://www.oracle.com/xml/jaxp/properties/totalEntitySizeLimit";
    private static final String MAX_GENERAL_ENTITY_SIZE_LIMIT =
        "http://www.oracle.com/xml/jaxp/properties/maxGeneralEntitySizeLimit";
    private static final String MAX_PARAMETER_ENTITY_SIZE_LIMIT =
        "http://www.oracle.com/xml/jaxp/properties/maxParameterEntitySizeLimit";

    /** The schema nests two levels deep; anything near this limit is an attack on the parser's stack. */
    private static final int MAX_DEPTH = 64;

    private final int maxBytes;

    private EnvelopeReader(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A reader with the {@linkplain #DEFAULT_MAX_BYTES default size limit}. */
    public static EnvelopeReader create() {
        return create(DEFAULT_MAX_BYTES);
    }

    /**
     * A reader that refuses envelopes longer than {@code maxBytes}.
     *
     * @throws IllegalStateException if the schema cannot be compiled (a broken build, not bad input)
     */
    public static EnvelopeReader create(int maxBytes) {
        Compiled.get(); // compile now: a broken schema fails at start, not on the first envelope
        return new EnvelopeReader(maxBytes);
    }

    /**
     * Parses, validates and unmarshals one envelope. Reads {@code xml} up to the size limit and does not close it.
     *
     * @param sourceName how the source is named in error messages, e.g. the file name
     * @throws RejectedMailException when the input is empty, too large, not well-formed, has a DOCTYPE or is
     *     not valid against the schema; the message says where and why
     * @throws UncheckedIOException when {@code xml} itself cannot be read (possibly transient)
     */
    public EnvelopeDocument read(InputStream xml, String sourceName) throws RejectedMailException {
        Objects.requireNonNull(xml, "xml");
        String source = sourceName == null || sourceName.isBlank() ? "envelope" : sourceName;
        byte[] bytes = readBounded(xml, source);
        if (bytes.length == 0) {
            throw new RejectedMailException(source + ": envelope is empty (0 bytes)");
        }

        FirstError firstError = new FirstError();
        try {
            Unmarshaller unmarshaller = Compiled.get().context.createUnmarshaller();
            unmarshaller.setSchema(Compiled.get().schema);
            unmarshaller.setEventHandler(firstError);
            InputSource input = new InputSource(new ByteArrayInputStream(bytes));
            Object result = unmarshaller.unmarshal(new SAXSource(hardenedReader(), input));
            if (result instanceof EnvelopeDocument document) {
                return document;
            }
            // unreachable while the schema declares a single global element
            throw new RejectedMailException(source + ": the root element must be {" + EnvelopeDocument.NAMESPACE
                + "}envelope");
        } catch (UnmarshalException e) {
            throw rejection(source, firstError, e);
        } catch (JAXBException e) {
            throw new IllegalStateException("JAXB is misconfigured", e);
        }
    }

    private byte[] readBounded(InputStream xml, String source) throws RejectedMailException {
        try {
            // one byte more than allowed tells "exactly at the limit" from "over it" without reading the rest
            byte[] bytes = xml.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new RejectedMailException(source + ": envelope larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            // reading the source failed, not the envelope: the intake keeps it and tries again
            throw new UncheckedIOException(source + " could not be read", e);
        }
    }

    /**
     * A namespace-aware SAX reader that cannot fetch anything: no DOCTYPE at all (so no entities, internal
     * or external, and no billion laughs), no XInclude, no external DTD or schema access, plus depth and
     * entity limits as a second line of defence.
     */
    private static XMLReader hardenedReader() {
        try {
            // a fresh factory per read: JAXP factories are not thread-safe
            SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setValidating(false);
            factory.setXIncludeAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            SAXParser parser = factory.newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            parser.setProperty(MAX_ELEMENT_DEPTH, String.valueOf(MAX_DEPTH));
            parser.setProperty(ENTITY_EXPANSION_LIMIT, "100");
            parser.setProperty(TOTAL_ENTITY_SIZE_LIMIT, "10000");
            parser.setProperty(MAX_GENERAL_ENTITY_SIZE_LIMIT, "10000");
            parser.setProperty(MAX_PARAMETER_ENTITY_SIZE_LIMIT, "1000");
            return parser.getXMLReader();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK XML parser does not support the hardening features", e);
        }
    }

    private static RejectedMailException rejection(String source, FirstError firstError, UnmarshalException e) {
        SAXParseException parseException = findCause(e, SAXParseException.class);
        String message;
        int line;
        int column;
        if (firstError.event != null) {
            ValidationEvent event = firstError.event;
            ValidationEventLocator locator = event.getLocator();
            line = locator == null ? -1 : locator.getLineNumber();
            column = locator == null ? -1 : locator.getColumnNumber();
            message = event.getMessage();
            if (message == null && event.getLinkedException() != null) {
                message = event.getLinkedException().getMessage();
            }
        } else if (parseException != null) {
            line = parseException.getLineNumber();
            column = parseException.getColumnNumber();
            message = parseException.getMessage();
        } else {
            line = -1;
            column = -1;
            Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e;
            message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        if (findCause(e, CharConversionException.class) != null) {
            // the decoder fails below the parser, which then knows no position
            message = "not text in the encoding its byte order mark or XML declaration names (" + message + ")";
        }
        return new RejectedMailException(source + position(line, column) + ": " + explain(message), e);
    }

    private static String position(int line, int column) {
        if (line < 0) {
            return "";
        }
        return column < 0 ? " line " + line : " line " + line + ", column " + column;
    }

    /** The parser's own words, except where an operator needs to know it is a policy, not a typo. */
    private static String explain(String message) {
        String text = message == null ? "not a valid envelope" : message.strip();
        if (text.contains("DOCTYPE") || text.contains("disallow-doctype-decl")) {
            return "DOCTYPE is not allowed (no DTDs, no external entities)";
        }
        if (text.contains("maxElementDepth") || text.contains("JAXP00081002")) {
            return "document is nested more than " + MAX_DEPTH + " elements deep";
        }
        return text;
    }

    private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c instanceof JAXBException jaxb && jaxb.getLinkedException() != null
                && type.isInstance(jaxb.getLinkedException())) {
                return type.cast(jaxb.getLinkedException());
            }
        }
        return null;
    }

    /** Stops at the first problem and keeps it: the first error is the one with a useful position. */
    private static final class FirstError implements jakarta.xml.bind.ValidationEventHandler {
        ValidationEvent event;

        @Override
        public boolean handleEvent(ValidationEvent event) {
            if (this.event == null) {
                this.event = event;
            }
            return false;
        }
    }

    /** The JAXB context and the compiled schema, both immutable and thread-safe, built on first use. */
    private static final class Compiled {
        private static volatile Compiled instance;

        final JAXBContext context;
        final Schema schema;

        static Compiled get() {
            Compiled current = instance;
            if (current == null) {
                synchronized (Compiled.class) {
                    current = instance;
                    if (current == null) {
                        current = new Compiled();
                        instance = current;
                    }
                }
            }
            return current;
        }

        private Compiled() {
            try {
                context = JAXBContext.newInstance(EnvelopeDocument.class);
                SchemaFactory factory = SchemaFactory.newDefaultInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                // the schema is self-contained; neither it nor a validated document may pull in anything else
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                URL xsd = EnvelopeReader.class.getResource(EnvelopeDocument.SCHEMA_RESOURCE);
                if (xsd == null) {
                    throw new IllegalStateException(EnvelopeDocument.SCHEMA_RESOURCE + " is missing from the classpath");
                }
                schema = factory.newSchema(xsd);
            } catch (JAXBException | SAXException e) {
                throw new IllegalStateException("cannot compile " + EnvelopeDocument.SCHEMA_RESOURCE, e);
            }
        }
    }
}
