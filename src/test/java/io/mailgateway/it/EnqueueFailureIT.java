package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** When the queue cannot take the mail, the client hears 451 and nothing is delivered. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.smtp.relay.port=0",
    "gateway.broker.send-timeout=3s"})
@DirtiesContext
class EnqueueFailureIT {

    private static final Path DATA = TestDataDirs.fresh("enqueue-failure");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    SmtpListeners listeners;

    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void aBrokerThatCannotPersistTheMailMeans451AndNothingDelivered() throws Exception {
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort())) {
            client.reply();
            assertThat(client.command("EHLO client.test")).startsWith("250");
            broker.stop();
            String reply = client.transaction("alice@example.com", List.of("bob@example.net"),
                Messages.simple(Messages.uniqueMessageId(), "alice@example.com", "bob@example.net", "lost?"));
            assertThat(reply).isEqualTo("451 4.3.0 Queue temporarily unavailable, try again later");
            // the session goes on: the client may retry or quit cleanly
            assertThat(client.command("RSET")).startsWith("250");
            assertThat(client.command("QUIT")).startsWith("221");
        }
        Thread.sleep(2_000);
        Path outbox = DATA.resolve("outbox");
        if (Files.isDirectory(outbox)) {
            try (Stream<Path> files = Files.list(outbox)) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }
}
