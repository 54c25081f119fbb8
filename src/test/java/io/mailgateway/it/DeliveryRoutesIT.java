package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.MailQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Next hops by recipient domain, failover to a secondary smart host, and rate limits, against real SMTP
 * servers on loopback:
 * <ul>
 *   <li>the default smart host ("isp") takes everything no route matches;</li>
 *   <li>corp.example and its subdomains go to "exchange"; *.test.invalid is captured to the outbox;</li>
 *   <li>flaky.example goes to a smart host whose port is closed, with failover to "backup";</li>
 *   <li>busy.example goes to a smart host that answers 421, with failover to "backup";</li>
 *   <li>hourly.example may be sent 3 messages an hour, burst.example 2 messages per 2 seconds.</li>
 * </ul>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.smarthosts.exchange.host=127.0.0.1",
    "gateway.delivery.smarthosts.exchange.tls=none",
    "gateway.delivery.smarthosts.flaky.host=127.0.0.1",
    "gateway.delivery.smarthosts.flaky.tls=none",
    "gateway.delivery.smarthosts.flaky.failover=backup",
    "gateway.delivery.smarthosts.busy.host=127.0.0.1",
    "gateway.delivery.smarthosts.busy.tls=none",
    "gateway.delivery.smarthosts.busy.failover=backup",
    "gateway.delivery.smarthosts.backup.host=127.0.0.1",
    "gateway.delivery.smarthosts.backup.tls=none",
    "gateway.delivery.smarthosts.hourly.host=127.0.0.1",
    "gateway.delivery.smarthosts.hourly.tls=none",
    "gateway.delivery.smarthosts.hourly.rate-limit.messages=3",
    "gateway.delivery.smarthosts.hourly.rate-limit.per=1h",
    "gateway.delivery.smarthosts.burst.host=127.0.0.1",
    "gateway.delivery.smarthosts.burst.tls=none",
    "gateway.delivery.smarthosts.burst.rate-limit.messages=2",
    "gateway.delivery.smarthosts.burst.rate-limit.per=2s",
    "gateway.delivery.routes[0].domains=corp.example,*.corp.example",
    "gateway.delivery.routes[0].via=smarthost:exchange",
    "gateway.delivery.routes[1].domains=*.test.invalid",
    "gateway.delivery.routes[1].via=capture",
    "gateway.delivery.routes[2].domains=flaky.example",
    "gateway.delivery.routes[2].via=smarthost:flaky",
    "gateway.delivery.routes[3].domains=busy.example",
    "gateway.delivery.routes[3].via=smarthost:busy",
    "gateway.delivery.routes[4].domains=hourly.example",
    "gateway.delivery.routes[4].via=smarthost:hourly",
    "gateway.delivery.routes[5].domains=burst.example",
    "gateway.delivery.routes[5].via=smarthost:burst",
    "gateway.delivery.concurrency=2",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class DeliveryRoutesIT {

    private static final Path DATA = TestDataDirs.fresh("routes");
    private static final TestSmartHost ISP = new TestSmartHost().start();
    private static final TestSmartHost EXCHANGE = new TestSmartHost().start();
    private static final TestSmartHost BUSY = new TestSmartHost().start();
    private static final TestSmartHost BACKUP = new TestSmartHost().start();
    private static final TestSmartHost HOURLY = new TestSmartHost().start();
    private static final TestSmartHost BURST = new TestSmartHost().start();
    private static final int CLOSED_PORT = closedPort();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", ISP::port);
        registry.add("gateway.delivery.smarthosts.exchange.port", EXCHANGE::port);
        registry.add("gateway.delivery.smarthosts.flaky.port", () -> CLOSED_PORT);
        registry.add("gateway.delivery.smarthosts.busy.port", BUSY::port);
        registry.add("gateway.delivery.smarthosts.backup.port", BACKUP::port);
        registry.add("gateway.delivery.smarthosts.hourly.port", HOURLY::port);
        registry.add("gateway.delivery.smarthosts.burst.port", BURST::port);
    }

    @AfterAll
    static void stop() {
        for (TestSmartHost host : List.of(ISP, EXCHANGE, BUSY, BACKUP, HOURLY, BURST)) {
            host.stop();
        }
    }

    @Autowired
    SmtpListeners listeners;

    @Autowired
    MeterRegistry metrics;

    MailQueueMXBean queue;

    @BeforeEach
    void connect() throws Exception {
        queue = MailQueues.local();
    }

    @Test
    void eachDomainGoesToItsOwnNextHopFromOneMail() throws Exception {
        String id = send(List.of("boss@corp.example", "branch@london.corp.example", "friend@gmail.example", "dev@qa.test.invalid"));
        EXCHANGE.awaitAccepted(id);
        ISP.awaitAccepted(id);
        assertThat(EXCHANGE.withMessageId(id)).singleElement()
            .satisfies(t -> assertThat(t.recipients()).containsExactly("boss@corp.example", "branch@london.corp.example"));
        assertThat(ISP.withMessageId(id)).singleElement()
            .satisfies(t -> assertThat(t.recipients()).containsExactly("friend@gmail.example"));
        String captured = await().atMost(Duration.ofSeconds(20)).until(() -> capturedWith(id), c -> c != null);
        assertThat(captured).contains("X-Envelope-To: <dev@qa.test.invalid>").doesNotContain("boss@corp.example>\r\nX-Envelope");
    }

    @Test
    void aPrimaryThatRefusesConnectionsFailsOverToTheSecondary() throws Exception {
        String id = send(List.of("someone@flaky.example"));
        BACKUP.awaitAccepted(id);
        assertThat(queue.listDeferred()).noneMatch(m -> m.getTo().equals("someone@flaky.example"));
    }

    @Test
    void aPrimaryThatAnswers421FailsOverToTheSecondary() throws Exception {
        BUSY.rejectRecipient("someone@busy.example", 421, "4.7.0 too busy, try later");
        String id = send(List.of("someone@busy.example"));
        BACKUP.awaitAccepted(id);
        assertThat(BUSY.withMessageId(id)).noneMatch(TestSmartHost.Transaction::accepted);
    }

    @Test
    void whenPrimaryAndSecondaryBothDeferTheReasonNamesBoth() throws Exception {
        BUSY.rejectRecipient("both@busy.example", 421, "4.7.0 primary busy");
        BACKUP.rejectRecipient("both@busy.example", 451, "4.3.0 backup busy too");
        send(List.of("both@busy.example"));
        MailSummary deferred = MailQueues.awaitDeferred(queue, "both@busy.example");
        assertThat(deferred.getLastError()).contains("primary busy").contains("failover: ").contains("backup busy too");
    }

    @Test
    void mailBeyondTheRateLimitWaitsInTheQueueWithTheReasonAndNothingIsLost() throws Exception {
        for (int i = 0; i < 5; i++) {
            send(List.of("user" + i + "@hourly.example"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> HOURLY.transactions().size() == 3
            && queue.listDeferred().stream().filter(m -> m.getTo().endsWith("@hourly.example")).count() == 2);
        List<MailSummary> held = queue.listDeferred().stream().filter(m -> m.getTo().endsWith("@hourly.example")).toList();
        assertThat(held).allSatisfy(m -> {
            assertThat(m.getLastError()).contains("rate limit of 3 messages per 1h reached; waiting in the queue until");
            assertThat(m.getAttempts()).isZero();
        });
        // every mail is either at the smart host or waiting, none in both places: 3 + 2
        List<String> delivered = HOURLY.transactions().stream().flatMap(t -> t.recipients().stream()).toList();
        List<String> waiting = held.stream().map(MailSummary::getTo).toList();
        assertThat(delivered).doesNotHaveDuplicates().doesNotContainAnyElementsOf(waiting);
        List<String> all = new ArrayList<>(delivered);
        all.addAll(waiting);
        assertThat(all).containsExactlyInAnyOrder("user0@hourly.example", "user1@hourly.example",
            "user2@hourly.example", "user3@hourly.example", "user4@hourly.example");
        assertThat(queue.listDead()).noneMatch(m -> m.getTo().endsWith("@hourly.example"));
    }

    @Test
    void aBurstOverAShortLimitIsHeldBackAndThenAllDeliveredOnce() throws Exception {
        double deferredBefore = metrics.counter("mailgateway.deferred").count();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(send(List.of("user" + i + "@burst.example")));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> !BURST.withMessageId(id).isEmpty()));
        for (String id : ids) {
            assertThat(BURST.withMessageId(id)).as(id).hasSize(1);
        }
        // with 2 per 2 s, six mails sent at once cannot all go at once: some were held back
        assertThat(metrics.counter("mailgateway.deferred").count()).isGreaterThan(deferredBefore);
    }

    private String capturedWith(String messageId) throws IOException {
        Path outbox = DATA.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return null;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                if (text.contains(messageId)) {
                    return text;
                }
            }
        }
        return null;
    }

    private String send(List<String> to) throws IOException {
        String messageId = Messages.uniqueMessageId();
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", to,
            Messages.simple(messageId, "alice@example.com", to.get(0), "routes test"))).startsWith("250 ");
        return messageId;
    }

    private static int closedPort() {
        try {
            return GatewayProcess.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
