package io.mailgateway.doctor;

import io.mailgateway.config.GatewayHostname;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.config.GatewayProperties.DeliveryMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * Runs the checks, in the order a person would fix things: settings, files, disk, journal, ports, then the
 * network path to the next hop. The full run is {@code doctor}; {@link #atStart} is the short version the
 * gateway logs after it started.
 */
public final class Doctor {

    /** The longest any single network step may take in doctor (DNS, connect, each SMTP reply). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param timeout    per network step; null: the configured connect-timeout, at most 10 s
     * @param otherPorts smart host ports tried besides the configured one
     * @param mx         run the MX-mode checks even when the mode is not mx
     * @param mxDomain   the domain whose MX records and port 25 are tried
     */
    public record Options(Duration timeout, List<Integer> otherPorts, boolean mx, String mxDomain) {

        public static Options defaults() {
            return new Options(null, SmartHostChecks.STANDARD_PORTS, false, "gmail.com");
        }

        Duration timeoutFor(GatewayProperties properties) {
            if (timeout != null) {
                return timeout;
            }
            Duration configured = properties.getDelivery().getConnectTimeout();
            return configured.compareTo(DEFAULT_TIMEOUT) < 0 ? configured : DEFAULT_TIMEOUT;
        }
    }

    private Doctor() {
    }

    /** Every check; the gateway need not (and should not have to) be running. */
    public static DoctorReport full(GatewayProperties properties, Environment environment, Options options, Clock clock) {
        List<CheckResult> results = new ArrayList<>();
        List<String> transcript = new ArrayList<>();
        Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));

        LocalChecks.Configuration configuration = LocalChecks.configuration(properties, tempDir);
        results.add(configuration.result());
        results.add(LocalChecks.installation(environment, properties));
        results.add(LocalChecks.dataFolder(properties.getDataDir()));
        results.add(LocalChecks.disk(properties.getDataDir(), properties.getDisk().getMinFree().toBytes()));
        LocalChecks.Journal journal = LocalChecks.journal(properties.getDataDir(),
            () -> LocalChecks.gatewayAnswers(properties));
        results.add(journal.result());
        results.add(LocalChecks.listeners(properties, environment, journal.lock() == LocalChecks.JournalLock.HELD));

        Duration timeout = options.timeoutFor(properties);
        String ehloName = new GatewayHostname(properties).name();
        DeliveryMode mode = properties.getDelivery().effectiveMode();
        if (mode == DeliveryMode.SMARTHOST) {
            SmartHostChecks smartHost = new SmartHostChecks(properties.getDelivery().getSmarthost(), ehloName, timeout,
                options.otherPorts(), clock);
            results.addAll(smartHost.run());
            transcript.addAll(smartHost.transcript());
        } else {
            results.add(CheckResult.skip("smarthost", "smart host", mode == DeliveryMode.CAPTURE
                ? "capture mode: mail is written to " + properties.getDataDir().resolve("outbox")
                + " and nothing leaves this machine; set " + Settings.named("gateway.delivery.smarthost.host") + " to relay"
                : "mx mode: no smart host"));
        }
        if (mode == DeliveryMode.MX || options.mx()) {
            results.addAll(new MxChecks(options.mxDomain(), ehloName, timeout).run());
        } else {
            results.add(CheckResult.skip("mx", "MX delivery", "these checks (MX records, outgoing port 25, reverse DNS"
                + " of this machine's address) apply in MX mode, gateway.delivery.mode=mx, which is not set;"
                + " run doctor --mx to try them anyway"));
        }
        return new DoctorReport(results, transcript);
    }

    /**
     * The short version logged at start: data folder, disk and the smart host path (no other ports, no
     * journal lock: the gateway holds it, and probing it from inside would release it on Linux).
     */
    public static List<CheckResult> atStart(GatewayProperties properties, String ehloName, Clock clock) {
        List<CheckResult> results = new ArrayList<>();
        results.add(LocalChecks.dataFolder(properties.getDataDir()));
        results.add(LocalChecks.disk(properties.getDataDir(), properties.getDisk().getMinFree().toBytes()));
        if (properties.getDelivery().effectiveMode() == DeliveryMode.SMARTHOST) {
            Duration timeout = Options.defaults().timeoutFor(properties);
            results.addAll(new SmartHostChecks(properties.getDelivery().getSmarthost(), ehloName, timeout, List.of(), clock).run());
        }
        return results;
    }
}
