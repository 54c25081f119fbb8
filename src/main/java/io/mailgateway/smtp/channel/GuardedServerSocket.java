package io.mailgateway.smtp.channel;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLSocket;

/**
 * The listening socket of one SMTP listener: every accepted connection comes out guarded, and on the
 * implicit-TLS port already wrapped in TLS (the handshake itself happens on the session's thread, at the
 * first read or write, so a slow client cannot stall the accept loop).
 *
 * <p>An orderly stop first closes the port ({@link #stopAccepting()}), long before subethasmtp's own stop
 * closes the socket: in between, the accept loop waits here instead of failing every second.
 */
public final class GuardedServerSocket extends ServerSocket {

    /** Layers server-side TLS over an accepted plain socket. */
    @FunctionalInterface
    public interface TlsWrapper {
        SSLSocket wrapServerSide(Socket plain) throws IOException;
    }

    private final int maxErrors;
    private final TlsWrapper implicitTls;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean accepting = true;

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
        try {
            return acceptGuarded();
        } catch (IOException e) {
            if (!accepting) {
                awaitClose(); // subethasmtp's accept loop would log an error and retry every second
            }
            throw e;
        }
    }

    private Socket acceptGuarded() throws IOException {
        if (implicitTls == null) {
            GuardedSocket socket = new GuardedSocket(maxErrors);
            implAccept(socket);
            return socket;
        }
        Socket plain = new Socket();
        implAccept(plain);
        try {
            return new GuardedSslSocket(implicitTls.wrapServerSide(plain), maxErrors, 0, new SessionActivity());
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * Closes the port, so new connections are refused by the system at once, while the sessions already
     * accepted go on. The accept loop waits until {@link #close()} (subethasmtp's stop) ends it.
     */
    public void stopAccepting() throws IOException {
        accepting = false;
        super.close();
    }

    private void awaitClose() throws SocketException {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new SocketException("listener closed");
    }

    @Override
    public void close() throws IOException {
        accepting = false;
        closed.countDown();
        super.close();
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
        return new GuardedSslSocket(tls.wrapServerSide(plain), maxErrors, errors, plain.activity());
    }
}
