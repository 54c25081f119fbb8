package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.MailGatewayApplication;
import io.mailgateway.it.support.TestDataDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The gateway refuses to start on a broker configuration that could lose mail, with one precise message. */
class UnsafeBrokerConfigurationIT {

    @Test
    void persistenceOffIsRefused() {
        assertThat(startupFailure("classpath:brokers/persistence-off.xml", TestDataDirs.fresh("unsafe")))
            .contains("Refusing to start with an unsafe broker configuration")
            .contains("persistence-enabled is false");
    }

    @Test
    void dropPolicyIsRefused() {
        assertThat(startupFailure("classpath:brokers/drop-policy.xml", TestDataDirs.fresh("unsafe")))
            .contains("address-full-policy DROP for mail.outbound");
    }

    @Test
    void missingDeadLetterAddressIsRefused() {
        assertThat(startupFailure("classpath:brokers/no-dead-letter.xml", TestDataDirs.fresh("unsafe")))
            .contains("no dead-letter-address for mail.outbound");
    }

    @Test
    void dataFolderUnderTheTempDirectoryIsRefused() {
        Path underTemp = Path.of(System.getProperty("java.io.tmpdir"), "mail-gateway-unsafe-test");
        assertThat(startupFailure("artemis-config/broker.xml", underTemp))
            .contains("is under the temporary directory");
    }

    @Test
    void aBadSettingStopsTheGatewayNamingTheKey() {
        assertThatThrownBy(() -> start("artemis-config/broker.xml", TestDataDirs.fresh("bad-setting"),
                "--gateway.delivery.mode=smarthost"))
            .hasStackTraceContaining("gateway.delivery.smarthost.host must be set when gateway.delivery.mode=smarthost");
    }

    private static String startupFailure(String brokerConfig, Path dataDir) {
        Throwable failure = null;
        try (ConfigurableApplicationContext ignored = start(brokerConfig, dataDir)) {
            // started: that is the failure
        } catch (Throwable e) {
            failure = e;
        }
        assertThat(failure).as("the gateway should refuse to start").isNotNull();
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static ConfigurableApplicationContext start(String brokerConfig, Path dataDir, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "--gateway.broker.config-file=" + brokerConfig;
        args[1] = "--gateway.data-dir=" + dataDir;
        args[2] = "--spring.main.web-application-type=none";
        System.arraycopy(extra, 0, args, 3, extra.length);
        return new SpringApplicationBuilder(MailGatewayApplication.class).run(args);
    }
}
