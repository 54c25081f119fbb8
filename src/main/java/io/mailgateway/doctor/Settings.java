package io.mailgateway.doctor;

import java.util.Locale;

/** Names a setting the way the README does: the property and the environment variable that sets it. */
final class Settings {

    private Settings() {
    }

    /** {@code gateway.delivery.smarthost.port} → {@code gateway.delivery.smarthost.port (GATEWAY_DELIVERY_SMARTHOST_PORT)}. */
    static String named(String property) {
        return property + " (" + env(property) + ")";
    }

    /** {@code gateway.delivery.smarthost.port=587} with its environment variable form. */
    static String assignment(String property, Object value) {
        return property + "=" + value + " (" + env(property) + "=" + value + ")";
    }

    /**
     * Spring's relaxed binding as the README spells it: dots and dashes become underscores, upper case
     * ({@code gateway.data-dir} is {@code GATEWAY_DATA_DIR}; Spring also accepts {@code GATEWAY_DATADIR}).
     */
    static String env(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
