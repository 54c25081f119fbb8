package io.mailgateway.smtp.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * Accepts one connection on 127.0.0.1 (a free port), layers {@link ListenerTls#wrapServerSide} over it,
 * answers one line with {@code pong <line>} and reports what was negotiated.
 */
final class LoopbackTlsServer implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the server side saw: the negotiated protocol and suite, or why the handshake failed. */
    record Outcome(String protocol, String cipherSuite, String received, Exception failure) {
    }

    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Future<Outcome> outcome;

    private LoopbackTlsServer(ListenerTls tls, boolean startTlsFirst) throws IOException {
        serverSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        outcome = executor.submit(() -> serve(tls, startTlsFirst));
    }

    /** TLS from the first byte (implicit TLS, port 465 style). */
    static LoopbackTlsServer implicitTls(ListenerTls tls) throws IOException {
        return new LoopbackTlsServer(tls, false);
    }

    /** A plain {@code STARTTLS} line answered {@code 220 ready}, then TLS over the same socket. */
    static LoopbackTlsServer startTls(ListenerTls tls) throws IOException {
        return new LoopbackTlsServer(tls, true);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    Outcome outcome() throws Exception {
        return outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private Outcome serve(ListenerTls tls, boolean startTlsFirst) throws IOException {
        try (Socket plain = serverSocket.accept()) {
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            if (startTlsFirst) {
                String command = readLine(plain.getInputStream());
                if (!command.equals("STARTTLS")) {
                    return new Outcome(null, null, command, new IOException("expected STARTTLS, got " + command));
                }
                plain.getOutputStream().write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.getOutputStream().flush();
            }
            try (SSLSocket socket = tls.wrapServerSide(plain)) {
                socket.startHandshake();
                String line = readLine(socket.getInputStream());
                socket.getOutputStream().write(("pong " + line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return new Outcome(socket.getSession().getProtocol(), socket.getSession().getCipherSuite(), line, null);
            } catch (IOException e) {
                return new Outcome(null, null, null, e);
            }
        }
    }

    /** Byte by byte, so nothing after the line is consumed from the plain stream before TLS starts. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        executor.shutdownNow();
        serverSocket.close();
    }
}
