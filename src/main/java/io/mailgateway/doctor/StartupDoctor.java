package io.mailgateway.doctor;

import io.mailgateway.config.GatewayHostname;
import io.mailgateway.config.GatewayProperties;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The short doctor, once the gateway is up: one log line per check, tagged {@code [doctor]}, so the first
 * screen of a log already says "the smart host refuses the password" instead of the first deferred mail
 * saying it an hour later. Runs on its own daemon thread: it neither delays the start nor can fail it.
 * Off with {@code gateway.doctor.at-start=false}.
 */
@Component
public class StartupDoctor {

    private static final Logger log = LoggerFactory.getLogger(StartupDoctor.class);

    private final GatewayProperties properties;
    private final GatewayHostname hostname;

    public StartupDoctor(GatewayProperties properties, GatewayHostname hostname) {
        this.properties = properties;
        this.hostname = hostname;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void runInBackground() {
        if (!properties.getDoctor().isAtStart()) {
            return;
        }
        Thread thread = new Thread(this::run, "doctor-at-start");
        thread.setDaemon(true);
        thread.start();
    }

    void run() {
        try {
            List<CheckResult> results = Doctor.atStart(properties, hostname.name(), Clock.systemUTC());
            int failed = 0;
            for (CheckResult result : results) {
                log(result);
                if (result.status() == Status.FAIL) {
                    failed++;
                }
            }
            if (failed > 0) {
                log.warn("[doctor] {} check(s) failed; `java -jar mail-gateway.jar doctor` checks more and explains each",
                    failed);
            }
        } catch (RuntimeException e) {
            log.warn("[doctor] the start-up checks could not run: {}", e.toString());
        }
    }

    private static void log(CheckResult result) {
        String line = String.format("[doctor] %-4s %-22s %s", result.status(), result.id(), result.detail());
        switch (result.status()) {
            case OK, SKIP -> log.info(line);
            default -> log.warn("{}{}", line, result.fix() == null ? "" : " -- fix: " + result.fix());
        }
    }
}
