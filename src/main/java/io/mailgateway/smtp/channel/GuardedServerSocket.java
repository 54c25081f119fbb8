package io.mailgateway.smtp.channel;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * The listening socket of one SMTP listener: every accepted connection comes out guarded, and on the
 * implicit-TLS port already wrapped in TLS (the handshake itself happens on the session's thread, at the
 * first read or write, so a slow client cannot stall the accept loop).
 */
public final class GuardedServerSocket extends ServerSocket {

    /** Layers server-side TLS over an accepted plain socket. */
    @FunctionalInterface
    public interface TlsWrapper {
        SSLSocket wrapServerSide(Socket plain) throws IOException;
    }

    private final int maxErrors;
    private final TlsWrapper implicitTls;

    /**
     * @param implicitTls null for a plain listener (STARTTLS possible), else the wrapper for RFC 8314 TLS
     */
    public GuardedServerSocket(int maxErrors, TlsWrapper implicitTls) throws IOException {
        super();
        this.maxErrors = maxErrors;
        this.implicitTls = implicitTls;
    }

    @Override
    public Socket accept() throws IOException {
        if (implicitTls == null) {
            GuardedSocket socket = new GuardedSocket(maxErrors);
            implAccept(socket);
            return socket;
        }
        Socket plain = new Socket();
        implAccept(plain);
        try {
            return new GuardedSslSocket(implicitTls.wrapServerSide(plain), maxErrors, 0);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * STARTTLS: drops what the client pipelined in clear text, then layers TLS over the plain socket and
     * guards the decrypted side. The error count carries over.
     */
    public static SSLSocket startTls(Socket socket, TlsWrapper tls, int maxErrors) throws IOException {
        if (!(socket instanceof GuardedSocket plain)) {
            throw new IOException("STARTTLS on a socket the listener did not create");
        }
        plain.guard().startTls();
        int errors = plain.replies().errors();
        plain.replies().stopObserving();
        return new GuardedSslSocket(tls.wrapServerSide(plain), maxErrors, errors);
    }
}
