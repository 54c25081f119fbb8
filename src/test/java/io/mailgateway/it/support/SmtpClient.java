package io.mailgateway.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A plain-socket SMTP client for byte-exact transcripts: it writes exactly what it is given and returns
 * each reply as the server sent it (multi-line replies joined by LF).
 */
public final class SmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        use(socket);
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Implicit TLS (port 465 style): the handshake before the greeting. */
    public static SmtpClient connectTls(int port, SSLContext trusting) throws IOException {
        SSLSocket tls = (SSLSocket) trusting.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        tls.startHandshake();
        return new SmtpClient(tls);
    }

    /** After a 220 to STARTTLS: the handshake over the same connection; later I/O is encrypted. */
    public void upgradeToTls(SSLContext trusting) throws IOException {
        SSLSocket tls = (SSLSocket) trusting.getSocketFactory()
            .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
    }

    /** Whether the server closed the connection (reads end of stream). */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public static SmtpClient connect(int port) throws IOException {
        return connect(InetAddress.getLoopbackAddress(), port, null);
    }

    /** Connects from a given local address, e.g. 127.0.0.2 to be an untrusted client on loopback. */
    public static SmtpClient connect(InetAddress server, int port, InetAddress localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(server, port), 10_000);
        return new SmtpClient(socket);
    }

    /** Sends {@code line} + CRLF and returns the reply. */
    public String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** Writes raw text (ISO-8859-1, byte for byte), no reply read. */
    public void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public void writeBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one complete (possibly multi-line) reply. */
    public String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return reply.length() == 0 ? null : reply.toString();
            }
            if (reply.length() > 0) {
                reply.append('\n');
            }
            reply.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /**
     * One session for one mail: connects to {@code port} on loopback, reads the greeting (whatever it is),
     * runs {@link #sendMail} and closes.
     *
     * @return the reply to the final dot, or the first refusal before it
     */
    public static String send(int port, String from, List<String> recipients, String message) throws IOException {
        try (SmtpClient client = connect(port)) {
            client.reply();
            return client.sendMail(from, recipients, message);
        }
    }

    /**
     * A whole transaction after the greeting: EHLO, MAIL, RCPT for each recipient, DATA with
     * {@code message} (CRLF lines, dot-stuffed by the caller if needed) and the final dot.
     *
     * @return the reply to the final dot, or the first refusal before it
     */
    public String sendMail(String from, List<String> recipients, String message) throws IOException {
        String reply = command("EHLO client.test");
        if (!reply.startsWith("250")) {
            return reply;
        }
        return transaction(from, recipients, message);
    }

    /** MAIL, RCPT..., DATA on an already greeted session. */
    public String transaction(String from, List<String> recipients, String message) throws IOException {
        String reply = command("MAIL FROM:<" + from + ">");
        if (!reply.startsWith("250")) {
            return reply;
        }
        for (String recipient : recipients) {
            reply = command("RCPT TO:<" + recipient + ">");
            if (!reply.startsWith("250")) {
                return reply;
            }
        }
        reply = command("DATA");
        if (!reply.startsWith("354")) {
            return reply;
        }
        write(message);
        return command(".");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
