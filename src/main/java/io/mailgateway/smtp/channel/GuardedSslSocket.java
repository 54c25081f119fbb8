package io.mailgateway.smtp.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;
import java.util.List;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A server-side TLS socket (after STARTTLS, or accepted on the implicit-TLS port) whose decrypted input
 * runs through a {@link CommandChannelGuard}. subethasmtp recognises TLS by {@code instanceof SSLSocket}, so
 * this is an {@link SSLSocket} that delegates everything to the real one.
 */
final class GuardedSslSocket extends SSLSocket implements GuardedConnection {

    private final SSLSocket tls;
    private final CommandChannelGuard guard;
    private final ReplyObserver replies;

    GuardedSslSocket(SSLSocket tls, int maxErrors, int errorsSoFar, SessionActivity activity) throws IOException {
        this.tls = tls;
        this.replies = new ReplyObserver(tls.getOutputStream(), errorsSoFar);
        this.guard = new CommandChannelGuard(tls.getInputStream(), replies, maxErrors, activity);
    }

    @Override public InputStream getInputStream() { return guard; }
    @Override public OutputStream getOutputStream() { return replies; }
    @Override public CommandChannelGuard guard() { return guard; }
    @Override public ReplyObserver replies() { return replies; }
    @Override public SessionActivity activity() { return guard.activity(); }

    // --- everything else is the real TLS socket's ---
    @Override public String[] getSupportedCipherSuites() { return tls.getSupportedCipherSuites(); }
    @Override public String[] getEnabledCipherSuites() { return tls.getEnabledCipherSuites(); }
    @Override public void setEnabledCipherSuites(String[] suites) { tls.setEnabledCipherSuites(suites); }
    @Override public String[] getSupportedProtocols() { return tls.getSupportedProtocols(); }
    @Override public String[] getEnabledProtocols() { return tls.getEnabledProtocols(); }
    @Override public void setEnabledProtocols(String[] protocols) { tls.setEnabledProtocols(protocols); }
    @Override public SSLSession getSession() { return tls.getSession(); }
    @Override public SSLSession getHandshakeSession() { return tls.getHandshakeSession(); }
    @Override public void addHandshakeCompletedListener(HandshakeCompletedListener l) { tls.addHandshakeCompletedListener(l); }
    @Override public void removeHandshakeCompletedListener(HandshakeCompletedListener l) { tls.removeHandshakeCompletedListener(l); }
    @Override public void startHandshake() throws IOException { tls.startHandshake(); }
    @Override public void setUseClientMode(boolean mode) { tls.setUseClientMode(mode); }
    @Override public boolean getUseClientMode() { return tls.getUseClientMode(); }
    @Override public void setNeedClientAuth(boolean need) { tls.setNeedClientAuth(need); }
    @Override public boolean getNeedClientAuth() { return tls.getNeedClientAuth(); }
    @Override public void setWantClientAuth(boolean want) { tls.setWantClientAuth(want); }
    @Override public boolean getWantClientAuth() { return tls.getWantClientAuth(); }
    @Override public void setEnableSessionCreation(boolean flag) { tls.setEnableSessionCreation(flag); }
    @Override public boolean getEnableSessionCreation() { return tls.getEnableSessionCreation(); }
    @Override public SSLParameters getSSLParameters() { return tls.getSSLParameters(); }
    @Override public void setSSLParameters(SSLParameters params) { tls.setSSLParameters(params); }
    @Override public String getApplicationProtocol() { return tls.getApplicationProtocol(); }
    @Override public String getHandshakeApplicationProtocol() { return tls.getHandshakeApplicationProtocol(); }
    @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> s) { tls.setHandshakeApplicationProtocolSelector(s); }
    @Override public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() { return tls.getHandshakeApplicationProtocolSelector(); }

    @Override public void connect(SocketAddress endpoint) throws IOException { tls.connect(endpoint); }
    @Override public void connect(SocketAddress endpoint, int timeout) throws IOException { tls.connect(endpoint, timeout); }
    @Override public void bind(SocketAddress local) throws IOException { tls.bind(local); }
    @Override public InetAddress getInetAddress() { return tls.getInetAddress(); }
    @Override public InetAddress getLocalAddress() { return tls.getLocalAddress(); }
    @Override public int getPort() { return tls.getPort(); }
    @Override public int getLocalPort() { return tls.getLocalPort(); }
    @Override public SocketAddress getRemoteSocketAddress() { return tls.getRemoteSocketAddress(); }
    @Override public SocketAddress getLocalSocketAddress() { return tls.getLocalSocketAddress(); }
    @Override public SocketChannel getChannel() { return tls.getChannel(); }
    @Override public void setTcpNoDelay(boolean on) throws SocketException { tls.setTcpNoDelay(on); }
    @Override public boolean getTcpNoDelay() throws SocketException { return tls.getTcpNoDelay(); }
    @Override public void setSoLinger(boolean on, int linger) throws SocketException { tls.setSoLinger(on, linger); }
    @Override public int getSoLinger() throws SocketException { return tls.getSoLinger(); }
    @Override public void setSoTimeout(int timeout) throws SocketException { tls.setSoTimeout(timeout); }
    @Override public int getSoTimeout() throws SocketException { return tls.getSoTimeout(); }
    @Override public void setKeepAlive(boolean on) throws SocketException { tls.setKeepAlive(on); }
    @Override public boolean getKeepAlive() throws SocketException { return tls.getKeepAlive(); }
    @Override public void close() throws IOException { tls.close(); }
    @Override public void shutdownInput() throws IOException { tls.shutdownInput(); }
    @Override public void shutdownOutput() throws IOException { tls.shutdownOutput(); }
    @Override public boolean isConnected() { return tls.isConnected(); }
    @Override public boolean isBound() { return tls.isBound(); }
    @Override public boolean isClosed() { return tls.isClosed(); }
    @Override public boolean isInputShutdown() { return tls.isInputShutdown(); }
    @Override public boolean isOutputShutdown() { return tls.isOutputShutdown(); }
    @Override public String toString() { return "Guarded" + tls; }
}
