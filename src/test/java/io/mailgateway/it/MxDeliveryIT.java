package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import io.mailgateway.it.support.MailQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestDnsServer;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Direct delivery to MX hosts, with a DNS server inside the test and two SMTP servers on different loopback
 * addresses sharing one port, as MX hosts share port 25: preference order, fallback to the next MX when the
 * first is down, the implicit MX, null MX and NXDOMAIN as dead letters with the reason, a DNS timeout as a
 * deferral, and domains of one mail delivered independently.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=mx",
    "gateway.delivery.concurrency=2",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.mx.dns-timeout=1s",
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class MxDeliveryIT {

    private static final Path DATA = TestDataDirs.fresh("mx");
    private static final int MX_PORT = freePortOnBoth("127.0.0.2", "127.0.0.3");
    private static final TestSmartHost MX1 = new TestSmartHost(address("127.0.0.2"), MX_PORT).start();
    private static final TestSmartHost MX2 = new TestSmartHost(address("127.0.0.3"), MX_PORT).start();
    private static final TestDnsServer DNS = dns();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.mx.port", () -> MX_PORT);
        registry.add("gateway.delivery.mx.dns-servers", DNS::address);
    }

    private static TestDnsServer dns() {
        try {
            return new TestDnsServer()
                .a("mx1.test", "127.0.0.2").a("mx2.test", "127.0.0.3").a("down.test", "127.0.0.9")
                // preference: the lower number first, whatever the order in the answer
                .mx("ordered.test", 20, "mx2.test").mx("ordered.test", 10, "mx1.test")
                // the preferred host refuses connections: the next one takes the mail
                .mx("fallback.test", 5, "down.test").mx("fallback.test", 10, "mx2.test")
                // no MX, an A record: the domain itself is the MX
                .a("implicit.test", "127.0.0.2")
                .nullMx("nomail.test")
                .silent("slowdns.test")
                .mx("later.test", 10, "down.test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        MX1.stop();
        MX2.stop();
        DNS.close();
    }

    @Autowired
    SmtpListeners listeners;

    MailQueueMXBean queue;

    @BeforeEach
    void connect() throws Exception {
        queue = MailQueues.local();
    }

    @Test
    void theMostPreferredMxGetsTheMail() throws Exception {
        String id = send("u@ordered.test");
        awaitAcceptedAt(MX1, id);
        assertThat(MX2.withMessageId(id)).isEmpty();
    }

    @Test
    void whenThePreferredMxIsDownTheNextOneGetsTheMail() throws Exception {
        awaitAcceptedAt(MX2, send("u@fallback.test"));
    }

    @Test
    void aDomainWithoutMxButWithAnAddressIsItsOwnMx() throws Exception {
        awaitAcceptedAt(MX1, send("u@implicit.test"));
    }

    @Test
    void aNullMxIsADeadLetterSayingTheDomainAcceptsNoMail() throws Exception {
        send("u@nomail.test");
        assertThat(MailQueues.awaitDead(queue, "u@nomail.test").getLastError()).contains("does not accept mail (null MX, RFC 7505)");
    }

    @Test
    void aDomainThatDoesNotExistIsADeadLetter() throws Exception {
        send("u@nxdomain.test");
        assertThat(MailQueues.awaitDead(queue, "u@nxdomain.test").getLastError()).contains("domain nxdomain.test does not exist (DNS: NXDOMAIN)");
    }

    @Test
    void aDnsTimeoutDefersTheMail() throws Exception {
        send("u@slowdns.test");
        MailSummary deferred = MailQueues.awaitDeferred(queue, "u@slowdns.test");
        assertThat(deferred.getLastError()).contains("DNS lookup of MX for slowdns.test failed temporarily");
        assertThat(queue.listDead()).noneMatch(m -> m.getTo().equals("u@slowdns.test"));
    }

    @Test
    void domainsAreDeliveredIndependentlyAndTheDeliveredOneIsNeverSentAgain() throws Exception {
        String id = send("a@ordered.test", "b@later.test");
        awaitAcceptedAt(MX1, id);
        MailSummary deferred = MailQueues.awaitDeferred(queue, "b@later.test");
        assertThat(deferred.getLastError()).contains("no MX host of later.test took the mail");

        DNS.clear("later.test").mx("later.test", 10, "mx2.test");
        queue.deliverAllDeferredNow();
        awaitAcceptedAt(MX2, id);
        assertThat(MX2.withMessageId(id)).allSatisfy(t -> assertThat(t.recipients()).containsExactly("b@later.test"));
        assertThat(MX1.withMessageId(id)).singleElement()
            .satisfies(t -> assertThat(t.recipients()).containsExactly("a@ordered.test"));
    }

    private static void awaitAcceptedAt(TestSmartHost host, String messageId) {
        host.awaitAccepted(messageId, Duration.ofSeconds(30));
    }

    private String send(String... to) throws IOException {
        String messageId = Messages.uniqueMessageId();
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of(to),
            Messages.simple(messageId, "alice@example.com", to[0], "mx test"))).startsWith("250 ");
        return messageId;
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port free on both addresses (the first free one on the first that is also free on the second). */
    private static int freePortOnBoth(String first, String second) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket a = new ServerSocket(0, 1, address(first))) {
                try (ServerSocket b = new ServerSocket(a.getLocalPort(), 1, address(second))) {
                    return a.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no port free on both " + first + " and " + second);
    }
}
