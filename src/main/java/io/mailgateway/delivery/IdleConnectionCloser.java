package io.mailgateway.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the smart hosts' pooled connections once they have been idle for their max-idle, checked every few
 * seconds in the background. Without it a connection left idle when the mail stops would stay open until
 * the next mail or the relay's own timeout, holding one of the connections the relay allows the gateway.
 */
public final class IdleConnectionCloser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleConnectionCloser.class);

    private final ScheduledExecutorService timer;

    public IdleConnectionCloser(List<SmartHostTransport> smartHosts, Duration every) {
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "delivery-idle-closer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            for (SmartHostTransport smartHost : smartHosts) {
                try {
                    smartHost.closeIdle();
                } catch (RuntimeException e) {
                    // the next round tries again; an exception here would cancel the schedule for good
                    log.warn("[delivery] closing idle connections of {}: {}", smartHost.describe(), e.toString());
                }
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
