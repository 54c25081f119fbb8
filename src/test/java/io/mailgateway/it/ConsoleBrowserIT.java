package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import io.mailgateway.it.support.MailQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real browser: Debian's headless Chromium, driven by Playwright (src/test/browser/console.mjs),
 * logs in to Hawtio, opens the MailQueue MBean, sees the dead letter's reason and presses retry; the mail then
 * reaches the (fixed) smart host. Screenshots land in target/console-screenshots (the README's come from here).
 *
 * <p>Needs node, npm and /usr/bin/chromium. Without them the test is skipped on a developer machine and fails
 * under CI=true, where .ci/run installs them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gateway.console.password=" + ConsoleBrowserIT.PASSWORD,
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.retry.initial-delay=1h"})
@DirtiesContext
class ConsoleBrowserIT {

    static final String PASSWORD = "browser-test-password";
    private static final Path BROWSER_TEST = Path.of("src", "test", "browser").toAbsolutePath();
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path DATA = TestDataDirs.fresh("console-browser");
    private static final TestSmartHost SMART_HOST = new TestSmartHost().start();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", SMART_HOST::port);
    }

    @AfterAll
    static void stopSmartHost() {
        SMART_HOST.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    SmtpListeners listeners;

    @Test
    void anOperatorSeesTheReasonInHawtioAndRetriesTheDeadLetter() throws Exception {
        requireBrowser();
        SMART_HOST.rejectRecipient("typo@example.net", 550, "5.1.1 <typo@example.net>: Recipient address rejected: User unknown");
        String messageId = Messages.uniqueMessageId();
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of("typo@example.net"),
            Messages.simple(messageId, "alice@example.com", "typo@example.net", "Quarterly numbers"))).startsWith("250 ");
        MailQueueMXBean queue = MailQueues.local();
        MailSummary dead = MailQueues.awaitDead(queue, "typo@example.net");
        SMART_HOST.acceptRecipient("typo@example.net");

        ProcessBuilder node = new ProcessBuilder("node", "console.mjs")
            .directory(BROWSER_TEST.toFile())
            .redirectErrorStream(true)
            .redirectOutput(SCREENSHOTS.resolve("browser.log").toFile());
        node.environment().put("CONSOLE_URL", "http://127.0.0.1:" + port + "/actuator/hawtio/");
        node.environment().put("CONSOLE_USER", "admin");
        node.environment().put("CONSOLE_PASSWORD", PASSWORD);
        node.environment().put("EXPECT_REASON", "550 5.1.1 <typo@example.net>: Recipient address rejected");
        node.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        node.environment().put("CHROMIUM", CHROMIUM.toString());
        Files.createDirectories(SCREENSHOTS);
        Process browser = node.start();
        String output;
        try {
            if (!browser.waitFor(3, TimeUnit.MINUTES)) {
                browser.destroyForcibly();
                fail("the browser test did not finish within 3 minutes");
            }
            output = Files.readString(SCREENSHOTS.resolve("browser.log"), StandardCharsets.UTF_8);
        } finally {
            browser.destroyForcibly();
        }
        assertThat(browser.exitValue()).as(output).isZero();
        assertThat(output).contains("{\"retried\":\"" + dead.getId() + "\"");

        SMART_HOST.awaitAccepted(messageId);
        assertThat(queue.listDead()).noneMatch(m -> m.getId().equals(dead.getId()));
        for (String screenshot : List.of("console-dead-letters.png", "console-retry.png")) {
            byte[] png = Files.readAllBytes(SCREENSHOTS.resolve(screenshot));
            assertThat(png).as(screenshot).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).as(screenshot).isGreaterThan(10_000);
        }
    }

    private static void requireBrowser() throws IOException, InterruptedException {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (Debian package chromium)"
            : !onPath("node") ? "node" : !onPath("npm") ? "npm" : null;
        if (missing != null) {
            if (ci) {
                fail("the console browser test needs " + missing + "; .ci/run installs it");
            }
            Assumptions.abort("skipped: " + missing + " is not installed (apt-get install chromium nodejs npm)");
        }
        if (!Files.isDirectory(BROWSER_TEST.resolve("node_modules").resolve("playwright-core"))) {
            // playwright-core only; it never downloads a browser
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(BROWSER_TEST.toFile()).inheritIO().start();
            if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
                fail("npm ci in " + BROWSER_TEST + " failed");
            }
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
