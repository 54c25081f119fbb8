package io.mailgateway.doctor;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small SMTP client for diagnosis: it speaks one command at a time and keeps a transcript (passwords
 * masked). Jakarta Mail, which the gateway delivers with, hides the very details a diagnosis needs (which
 * reply, after which command, in what state). {@code doctor} never sends MAIL, RCPT or DATA with it to a
 * smart host; {@code send-test} uses {@link #data} to hand its message to the gateway's own relay listener.
 */
final class SmtpProbe implements Closeable {

    /** One reply, possibly multi-line. {@code code} is -1 when the line did not start with three digits. */
    record Reply(int code, List<String> lines) {

        /** All lines joined by a space, without the codes: {@code 5.7.8 Authentication credentials invalid}. */
        String text() {
            List<String> texts = new ArrayList<>();
            for (String line : lines) {
                texts.add(line.length() > 4 ? line.substring(4) : "");
            }
            return String.join(" ", texts).strip();
        }

        /** {@code 535 5.7.8 Authentication credentials invalid}. */
        String oneLine() {
            return (code < 0 ? "" : code + " ") + text();
        }

        boolean positive() {
            return code >= 200 && code < 400;
        }
    }

    /** The server closed the connection or answered something that is not SMTP. */
    static final class ProtocolException extends IOException {

        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private static final int MAX_LINE = 4096;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final String host;
    private final int port;
    private final List<String> transcript = new ArrayList<>();
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpProbe(String host, int port, Socket socket) throws IOException {
        this.host = host;
        this.port = port;
        use(socket);
    }

    /**
     * Connects; with {@code implicitTls} the TLS handshake comes first (port 465 style).
     *
     * @param readTimeout for every reply, the greeting included
     */
    static SmtpProbe connect(String host, int port, Duration connectTimeout, Duration readTimeout,
                             SSLSocketFactory implicitTls) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            plain.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            SmtpProbe probe = new SmtpProbe(host, port, plain);
            if (implicitTls != null) {
                probe.handshake(implicitTls);
            }
            return probe;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private void use(Socket next) throws IOException {
        this.socket = next;
        this.in = next.getInputStream();
        this.out = next.getOutputStream();
    }

    /** After 220 to STARTTLS, or right after connect for implicit TLS: the handshake on this connection. */
    SSLSocket handshake(SSLSocketFactory factory) throws IOException {
        // host name for SNI: servers with several certificates pick the right one by it
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, host, port, true);
        tls.setUseClientMode(true);
        String[] supported = tls.getSupportedProtocols();
        tls.setEnabledProtocols(Arrays.stream(PROTOCOLS)
            .filter(p -> Arrays.asList(supported).contains(p)).toArray(String[]::new));
        tls.setSoTimeout(socket.getSoTimeout());
        transcript.add("=== TLS handshake");
        tls.startHandshake();
        transcript.add("=== TLS " + tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite());
        use(tls);
        return tls;
    }

    Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                if (lines.isEmpty()) {
                    throw new ProtocolException("the server closed the connection");
                }
                break;
            }
            lines.add(line);
            transcript.add("<- " + line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        String last = lines.get(lines.size() - 1);
        int code = -1;
        if (last.length() >= 3 && Character.isDigit(last.charAt(0)) && Character.isDigit(last.charAt(1))
                && Character.isDigit(last.charAt(2))) {
            code = Integer.parseInt(last.substring(0, 3));
        }
        return new Reply(code, List.copyOf(lines));
    }

    Reply command(String line) throws IOException {
        return command(line, line);
    }

    /** Sends {@code line}; the transcript shows {@code shown} instead (credentials). */
    Reply command(String line, String shown) throws IOException {
        transcript.add("-> " + shown);
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read();
    }

    /**
     * After a 354 to DATA: the message (CRLF lines; a line starting with a dot is stuffed here) and the
     * final dot.
     */
    Reply data(String message) throws IOException {
        String body = message.endsWith("\r\n") ? message : message + "\r\n";
        String stuffed = (body.startsWith(".") ? "." : "") + body.replace("\r\n.", "\r\n..");
        transcript.add("-> (message, " + stuffed.length() + " bytes)");
        out.write(stuffed.getBytes(StandardCharsets.UTF_8));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    /** Sends QUIT and closes; failures here change nothing about the diagnosis. */
    void quit() {
        try {
            command("QUIT");
        } catch (IOException e) {
            // the server may close first
        }
        close();
    }

    List<String> transcript() {
        return List.copyOf(transcript);
    }

    /** The EHLO keywords, upper case, with their parameters: {@code AUTH PLAIN LOGIN}, {@code STARTTLS}. */
    static List<String> extensions(Reply ehlo) {
        List<String> extensions = new ArrayList<>();
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String line = ehlo.lines().get(i);
            if (line.length() > 4) {
                extensions.add(line.substring(4).strip());
            }
        }
        return extensions;
    }

    static boolean offers(List<String> extensions, String keyword) {
        return extensions.stream().anyMatch(e -> e.toUpperCase(Locale.ROOT).split("[ =]")[0].equals(keyword));
    }

    /** The mechanisms after {@code AUTH} (and the old {@code AUTH=} form some servers still send). */
    static Set<String> authMechanisms(List<String> extensions) {
        Set<String> mechanisms = new LinkedHashSet<>();
        for (String extension : extensions) {
            String upper = extension.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTH ") || upper.startsWith("AUTH=")) {
                mechanisms.addAll(Arrays.asList(upper.substring(5).trim().split("\\s+")));
            }
        }
        mechanisms.remove("");
        return mechanisms;
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
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
