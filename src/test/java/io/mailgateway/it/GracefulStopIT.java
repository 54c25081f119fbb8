package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mailgateway.MailGatewayApplication;
import io.mailgateway.it.support.BrokerQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.it.support.Trust;
import io.mailgateway.queue.QueueNames;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An orderly stop with sessions in every state. The gateway is stopped the way SIGTERM stops it (Spring
 * Boot's shutdown hook closes the application context), on a thread of its own, while: A is in the middle
 * of DATA, B idles after EHLO, C trickles its message past the grace period, D idles after STARTTLS. Then
 * the gateway starts again on the same data folder, to show what was queued.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulStopIT {

    private static final Duration GRACE = Duration.ofSeconds(8);
    private static final String SHUTTING_DOWN = "421 4.3.2 Service shutting down; closing connection";

    private final Path data = TestDataDirs.fresh("graceful-stop");
    private final TestSmartHost smartHost = new TestSmartHost().start();
    private ConfigurableApplicationContext gateway;

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
        smartHost.stop();
    }

    @Test
    void transactionsUnderWayFinishWithinTheGraceAndEveryoneElseHears421(CapturedOutput output) throws Exception {
        gateway = start();
        SmtpListeners listeners = gateway.getBean(SmtpListeners.class);
        int port = listeners.relayPort();
        String idA = Messages.uniqueMessageId();
        String idC = Messages.uniqueMessageId();

        SmtpClient a = inData(port, idA, "finished within the grace");
        SmtpClient c = inData(port, idC, "still trickling when the grace is over");
        SmtpClient b = SmtpClient.connect(port);
        b.reply();
        assertThat(b.command("EHLO b.client.test")).startsWith("250");
        SmtpClient d = SmtpClient.connect(port);
        d.reply();
        d.command("EHLO d.client.test");
        assertThat(d.command("STARTTLS")).startsWith("220");
        d.upgradeToTls(Trust.only(listeners.tls().certificate()));
        assertThat(d.command("EHLO d.client.test")).startsWith("250");

        ConfigurableApplicationContext stopping = gateway;
        Thread sigterm = new Thread(stopping::close, "sigterm");
        sigterm.start();

        // between transactions: told at once, before the sessions in a transaction are done
        assertThat(b.reply()).isEqualTo(SHUTTING_DOWN);
        assertThat(b.isClosedByServer()).isTrue();
        assertThat(d.reply()).as("over TLS, after STARTTLS").isEqualTo(SHUTTING_DOWN);
        assertThat(d.isClosedByServer()).isTrue();

        // the port is closed while the stop waits for A and C
        assertThatThrownBy(() -> SmtpClient.connect(port).close()).isInstanceOf(ConnectException.class);
        assertThat(sigterm.isAlive()).isTrue();

        // A finishes its DATA within the grace, later than Spring's per-phase stop timeout (1s here): the
        // broker and the routes still run, so it is queued and acknowledged as usual, then told
        Thread.sleep(2000);
        a.write("the rest of the message\r\n");
        assertThat(a.command(".")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(a.reply()).isEqualTo(SHUTTING_DOWN);
        assertThat(a.isClosedByServer()).isTrue();

        // C is still sending when the grace is over: 421 in the middle of DATA
        assertThat(trickleUntilAnswered(c)).isEqualTo(SHUTTING_DOWN);
        assertThat(c.isClosedByServer()).isTrue();

        sigterm.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(sigterm.isAlive()).as("the stop ended").isFalse();
        assertThat(output).contains("[smtpd] stopping: ", "waiting up to " + GRACE.toSeconds() + "s",
            "[smtpd] grace period of " + GRACE.toSeconds() + "s over: 1 of ",
            "1 closed with 421 (1 of them in a mail transaction");

        // what was queued: A's mail is delivered, C's never was queued
        gateway = start();
        smartHost.awaitAccepted(idA, Duration.ofSeconds(60));
        BrokerQueues queues = new BrokerQueues(gateway.getBean(EmbeddedActiveMQ.class));
        await().atMost(Duration.ofSeconds(60)).until(() -> queues.count(QueueNames.OUTBOUND) == 0);
        assertThat(smartHost.withMessageId(idC)).isEmpty();
        assertThat(smartHost.withMessageId(idA)).hasSize(1);
    }

    /** Greeted, in a transaction, DATA answered 354 and the first part of the message sent. */
    private static SmtpClient inData(int port, String messageId, String subject) throws IOException {
        SmtpClient client = SmtpClient.connect(port);
        client.reply();
        client.command("EHLO client.test");
        assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        assertThat(client.command("RCPT TO:<bob@example.net>")).startsWith("250");
        assertThat(client.command("DATA")).startsWith("354");
        client.write(Messages.simple(messageId, "alice@example.com", "bob@example.net", subject));
        return client;
    }

    /** A slow client: a line every 200 ms, never the final dot, until the server says something. */
    private static String trickleUntilAnswered(SmtpClient client) throws Exception {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return client.reply();
            } catch (IOException e) {
                return "no reply: " + e;
            }
        });
        for (int i = 0; i < 300 && !answer.isDone(); i++) {
            try {
                client.write("still writing, line " + i + "\r\n");
            } catch (IOException closed) {
                break; // the server closed; what it said before is in answer
            }
            Thread.sleep(200);
        }
        return answer.get(30, TimeUnit.SECONDS);
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(MailGatewayApplication.class).run(
            "--spring.main.web-application-type=none",
            "--gateway.data-dir=" + data,
            "--gateway.hostname=gateway.test",
            "--gateway.smtp.shutdown-grace=" + GRACE.toSeconds() + "s",
            "--spring.lifecycle.timeout-per-shutdown-phase=1s",
            "--gateway.delivery.mode=smarthost",
            "--gateway.delivery.smarthost.host=127.0.0.1",
            "--gateway.delivery.smarthost.port=" + smartHost.port(),
            "--gateway.delivery.smarthost.tls=none");
    }
}
