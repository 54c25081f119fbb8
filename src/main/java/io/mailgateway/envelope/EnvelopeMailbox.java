package io.mailgateway.envelope;

import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlType;
import jakarta.xml.bind.annotation.XmlValue;

/**
 * {@code <to name="Display Name">user@example.com</to>}: a plain addr-spec as text, the display name (if
 * any) as an attribute, so that no display-name parsing ever happens on submitted text.
 */
@XmlType(name = "Mailbox")
public class EnvelopeMailbox {

    @XmlValue
    private String address;

    @XmlAttribute(name = "name")
    private String name;

    public EnvelopeMailbox() {
    }

    public EnvelopeMailbox(String address, String name) {
        this.address = address;
        this.name = name;
    }

    public static EnvelopeMailbox of(String address) {
        return new EnvelopeMailbox(address, null);
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    /** @return the display name, or null */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
