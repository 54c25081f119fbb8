package io.mailgateway.envelope;

import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlType;
import jakarta.xml.bind.annotation.XmlValue;

/** {@code <header name="X-Report-Id">2024-06</header>}: one custom header field; the name must start with X-. */
@XmlType(name = "Header")
public class EnvelopeHeader {

    @XmlAttribute(name = "name", required = true)
    private String name;

    @XmlValue
    private String value;

    public EnvelopeHeader() {
    }

    public EnvelopeHeader(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
