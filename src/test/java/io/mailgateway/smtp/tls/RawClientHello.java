package io.mailgateway.smtp.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;

/**
 * A hand-built ClientHello (RFC 5246 §7.4.1.2), to see what the server answers to offers a JSSE client of
 * this JVM would refuse to make (TLS 1.1 is disabled on both sides by the JDK's java.security).
 */
final class RawClientHello {

    static final int TLS_1_1 = 0x0302;
    static final int TLS_1_2 = 0x0303;

    static final int TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F;
    static final int TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C;
    static final int TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xC009;
    static final int TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xC023;
    static final int TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xC027;
    static final int TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B;
    private static final int TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF;

    static final int CONTENT_ALERT = 21;
    static final int CONTENT_HANDSHAKE = 22;
    static final int ALERT_HANDSHAKE_FAILURE = 40;
    static final int ALERT_PROTOCOL_VERSION = 70;
    static final int HANDSHAKE_SERVER_HELLO = 2;

    /** The first record the server sends back: its content type and the first two bytes of its body. */
    record Reply(int contentType, int first, int second) {
    }

    private RawClientHello() {
    }

    static Reply send(int port, int version, int... cipherSuites) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) LoopbackTlsServer.TIMEOUT.toMillis());
            socket.getOutputStream().write(record(version, cipherSuites));
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int contentType = in.readUnsignedByte();
            in.readUnsignedShort();
            in.readUnsignedShort();
            return new Reply(contentType, in.readUnsignedByte(), in.readUnsignedByte());
        }
    }

    private static byte[] record(int version, int... cipherSuites) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0);
        u16(body, (cipherSuites.length + 1) * 2);
        for (int suite : cipherSuites) {
            u16(body, suite);
        }
        u16(body, TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        body.write(1);
        body.write(0);
        if (version >= TLS_1_2) {
            ByteArrayOutputStream extensions = new ByteArrayOutputStream();
            extension(extensions, 0x000a, 0x0004, 0x001d, 0x0017);          // supported_groups: x25519, P-256
            extensions.writeBytes(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}); // ec_point_formats: uncompressed
            extension(extensions, 0x000d, 0x0006, 0x0403, 0x0804, 0x0401); // signature_algorithms
            u16(body, extensions.size());
            body.writeBytes(extensions.toByteArray());
        }
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1);
        handshake.write(body.size() >>> 16);
        u16(handshake, body.size() & 0xFFFF);
        handshake.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(CONTENT_HANDSHAKE);
        u16(record, 0x0301);
        u16(record, handshake.size());
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, int... listLengthThenItems) {
        u16(out, type);
        u16(out, listLengthThenItems.length * 2);
        for (int value : listLengthThenItems) {
            u16(out, value);
        }
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xFF);
    }
}
