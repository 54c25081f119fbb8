package io.mailgateway.smtp;

import io.mailgateway.smtp.auth.AuthFailureThrottle;
import io.mailgateway.smtp.commands.SmtpReply;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admission at connect time, shared by all listeners: a cap on connections in total and per client
 * address (so a few hundred idle sockets from one host cannot lock everyone else out), and addresses
 * blocked after repeated AUTH failures. Refusals are 421 4.7.0 and the connection closes.
 */
final class ClientGate implements SessionHandler {

    private static final Logger log = LoggerFactory.getLogger(ClientGate.class);

    private final int maxTotal;
    private final int maxPerClient;
    private final AuthFailureThrottle throttle;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final Set<Session> admitted = ConcurrentHashMap.newKeySet();

    ClientGate(int maxTotal, int maxPerClient, AuthFailureThrottle throttle) {
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
        this.throttle = throttle;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        if (throttle.isBlocked(client)) {
            log.info("[smtpd] refused connection: address blocked after failed AUTH attempts client={}", client.getHostAddress());
            return SmtpReply.CLIENT_BLOCKED.refuseSession();
        }
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            log.warn("[smtpd] refused connection: {} connections open client={}", maxTotal, client.getHostAddress());
            return SmtpReply.TOO_MANY_CONNECTIONS.refuseSession();
        }
        boolean[] refused = {false};
        perClient.compute(client, (c, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerClient) {
                refused[0] = true;
                return count;
            }
            return current + 1;
        });
        if (refused[0]) {
            total.decrementAndGet();
            log.info("[smtpd] refused connection: {} connections from client={}", maxPerClient, client.getHostAddress());
            return SmtpReply.TOO_MANY_CONNECTIONS_FROM_CLIENT.refuseSession();
        }
        admitted.add(session);
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        if (!admitted.remove(session)) {
            return;
        }
        total.decrementAndGet();
        InetAddress client = session.getRemoteAddress().getAddress();
        perClient.computeIfPresent(client, (c, count) -> count <= 1 ? null : count - 1);
    }
}
