package io.mailgateway.delivery.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keys, messages and small helpers the DKIM tests share. */
final class DkimFixtures {

    /** Tue, 3 Jun 2025 09:14:10 UTC: signing time in the tests, so t= is known. */
    static final Instant NOW = Instant.ofEpochSecond(1748942050L);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static KeyPair rsa2048;

    private DkimFixtures() {
    }

    /** One 2048-bit RSA key pair for all tests (generating one takes a moment). */
    static synchronized KeyPair rsa2048() {
        if (rsa2048 == null) {
            rsa2048 = rsa(2048);
        }
        return rsa2048;
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message from src/test/resources/dkim/, byte for byte. */
    static byte[] eml(String name) {
        try (InputStream in = DkimFixtures.class.getResourceAsStream("/dkim/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture dkim/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** The tags of a DKIM-Signature field, whitespace removed from the values (RFC 6376 §3.2). */
    static Map<String, String> tags(String field) {
        String value = field.substring(field.indexOf(':') + 1);
        Map<String, String> tags = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\s*([a-z]+)\\s*=([^;]*);?").matcher(value);
        while (m.find()) {
            tags.put(m.group(1), m.group(2).replaceAll("\\s+", ""));
        }
        return tags;
    }

    /** Replaces the first occurrence of {@code from} in the message by {@code to}. */
    static byte[] replaceFirst(byte[] message, String from, String to) {
        String text = text(message);
        int at = text.indexOf(from);
        if (at < 0) {
            throw new IllegalArgumentException("'" + from + "' not in the message");
        }
        return bytes(text.substring(0, at) + to + text.substring(at + from.length()));
    }
}
