package io.mailgateway.smtp.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A plain accepted client socket with its input guarded and its replies counted. */
final class GuardedSocket extends Socket implements GuardedConnection {

    private final int maxErrors;
    private final SessionActivity activity = new SessionActivity();
    private CommandChannelGuard guard;
    private ReplyObserver replies;

    GuardedSocket(int maxErrors) {
        this.maxErrors = maxErrors;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (guard == null) {
            guard = new CommandChannelGuard(super.getInputStream(), replies(), maxErrors, activity);
        }
        return guard;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        return replies();
    }

    @Override
    public synchronized CommandChannelGuard guard() {
        try {
            return (CommandChannelGuard) getInputStream();
        } catch (IOException e) {
            throw new IllegalStateException("socket closed", e);
        }
    }

    @Override
    public SessionActivity activity() {
        return activity;
    }

    @Override
    public synchronized ReplyObserver replies() {
        if (replies == null) {
            try {
                replies = new ReplyObserver(super.getOutputStream());
            } catch (IOException e) {
                throw new IllegalStateException("socket closed", e);
            }
        }
        return replies;
    }
}
