package io.mailgateway.config;

import io.mailgateway.console.DiskSpaceHealth;
import io.mailgateway.queue.StorageGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * gateway.disk.min-free: the guard every intake asks before it takes new mail, and what operators see of it
 * (health component "diskSpace", metrics). The embedded broker's own disk limit is set below it in
 * {@link BrokerConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class DiskConfiguration {

    /**
     * Every folder new mail is written to: the broker's journal and large messages (they may be symbolic links
     * to another disk) and the spool, besides the data folder itself. The guard watches them, and the doctor
     * measures the same ones, so that both apply gateway.disk.min-free to the same disks.
     */
    public static List<Path> mailFolders(Path data) {
        Path broker = BrokerConfiguration.brokerDir(data);
        return List.of(data, broker.resolve("journal"), broker.resolve("large-messages"), data.resolve("spool"));
    }

    /** Watches {@link #mailFolders}. */
    @Bean
    StorageGuard storageGuard(GatewayProperties properties, MeterRegistry registry) {
        StorageGuard guard = StorageGuard.forFolders(mailFolders(properties.getDataDir()),
            properties.getDisk().getMinFree().toBytes());
        DiskSpaceHealth.registerMetrics(registry, guard);
        return guard;
    }

    /** Health component "diskSpace"; by its name it takes the place of Spring Boot's own indicator. */
    @Bean
    DiskSpaceHealth diskSpaceHealthIndicator(StorageGuard guard) {
        return new DiskSpaceHealth(guard);
    }
}
