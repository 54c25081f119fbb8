package io.mailgateway.jms;

import io.mailgateway.queue.StorageGuard;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route policy of the {@code jms-intake} route: while free disk is below {@code gateway.disk.min-free}
 * ({@link StorageGuard}) the route's consumer is suspended, and it is resumed once space returns. Checked every
 * second in the background, whether or not messages arrive.
 *
 * <p>Why suspending rather than refusing each message: a JMS intake message can only be refused by rolling its
 * transaction back, and every rollback counts against the queue's max-delivery-attempts, after which the broker
 * moves the message to the invalid queue. A full disk is no fault of the message. A suspended consumer
 * hands nothing to the route, so nothing is counted: the messages wait in the intake queue (those the client
 * library had already read ahead wait in its buffer, unconsumed, until the consumer resumes). The route sets
 * {@code acceptMessagesWhileStopping}: a message received in the instant the consumer is suspended is
 * processed rather than rolled back (rolled back, it would be counted); the broker's own disk limit, set below
 * gateway.disk.min-free, leaves room for those few.
 *
 * <p>Only routes this policy suspended are resumed by it: a route an operator suspended or stopped stays so.
 */
public final class DiskSpacePause extends RoutePolicySupport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiskSpacePause.class);

    private final StorageGuard storage;
    private final String what;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Route> paused = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService checker;

    /** @param what what happens to the waiting input meanwhile, for the log ("messages stay in mail.submit") */
    public DiskSpacePause(StorageGuard storage, String what) {
        this.storage = storage;
        this.what = what;
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jms-intake-disk-check");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void onInit(Route route) {
        routes.add(route);
    }

    /** Started again (by an operator, or at start): whatever was paused before, the next check decides anew. */
    @Override
    public void onStart(Route route) {
        paused.remove(route);
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
        paused.remove(route);
    }

    /** One look at the guard; suspends or resumes the routes' consumers when it changed its mind. */
    void check() {
        try {
            boolean allowed = storage.intakeAllowed();
            for (Route route : routes) {
                if (route.getCamelContext().isStopping() || route.getCamelContext().isStopped()) {
                    return;
                }
                if (!allowed && !paused.contains(route) && started(route)) {
                    suspendOrStopConsumer(route.getConsumer());
                    paused.add(route);
                    log.warn("[jms] intake route {} paused: free disk below gateway.disk.min-free; {} until space returns",
                        route.getRouteId(), what);
                } else if (allowed && paused.contains(route)) {
                    resumeOrStartConsumer(route.getConsumer());
                    paused.remove(route);
                    log.info("[jms] intake route {} resumed: free disk back above gateway.disk.min-free", route.getRouteId());
                }
            }
        } catch (Exception e) {
            // the next check tries again; a dead checker would leave the intake paused for good
            log.warn("[jms] cannot pause or resume the intake for free disk: {}", e.toString());
        }
    }

    private static boolean started(Route route) {
        ServiceStatus status = route.getCamelContext().getRouteController().getRouteStatus(route.getRouteId());
        return status != null && status.isStarted();
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
