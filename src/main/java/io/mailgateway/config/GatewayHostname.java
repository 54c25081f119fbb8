package io.mailgateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.stereotype.Component;

/** The name the gateway gives itself in EHLO, Received and Message-ID: configured, else this machine's. */
@Component
public class GatewayHostname {

    private final String name;

    public GatewayHostname(GatewayProperties properties) {
        String configured = properties.getHostname();
        this.name = configured != null && !configured.isBlank() ? configured.trim() : localName();
    }

    public String name() {
        return name;
    }

    private static String localName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host.matches("[A-Za-z0-9.-]+") ? host : "localhost";
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
