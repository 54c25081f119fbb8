package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import io.mailgateway.it.support.MailQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.helper.SimpleMessageListenerAdapter;
import org.subethamail.smtp.server.SMTPServer;

/**
 * OAuth2 to the smart host: a local HTTP token endpoint issues short-lived tokens, and a real SMTP server
 * accepts mail only after AUTH XOAUTH2 with a token that endpoint issued for the mailbox and that has not
 * expired. Each case has its own smart host (and so its own kept token), routed by domain: Microsoft 365's
 * client-credentials flow (m365.example), Google's refresh-token flow (gmail.example), tokens that live one
 * second and are refreshed (short.example), and a token endpoint outage that defers mail with the reason
 * until it is back (outage.example).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=capture",
    "gateway.delivery.smarthosts.m365.host=127.0.0.1",
    "gateway.delivery.smarthosts.m365.tls=none",
    "gateway.delivery.smarthosts.m365.username=reports@m365.example",
    "gateway.delivery.smarthosts.m365.max-idle=200ms",
    "gateway.delivery.smarthosts.m365.oauth2.client-id=gateway-app",
    "gateway.delivery.smarthosts.m365.oauth2.client-secret=app-secret",
    "gateway.delivery.smarthosts.m365.oauth2.scope=https://outlook.office365.com/.default",
    "gateway.delivery.smarthosts.google.host=127.0.0.1",
    "gateway.delivery.smarthosts.google.tls=none",
    "gateway.delivery.smarthosts.google.username=office@gmail.example",
    "gateway.delivery.smarthosts.google.oauth2.client-id=google-client",
    "gateway.delivery.smarthosts.google.oauth2.client-secret=google-secret",
    "gateway.delivery.smarthosts.google.oauth2.refresh-token=refresh-123",
    "gateway.delivery.smarthosts.short.host=127.0.0.1",
    "gateway.delivery.smarthosts.short.tls=none",
    "gateway.delivery.smarthosts.short.username=reports@short.example",
    "gateway.delivery.smarthosts.short.max-idle=200ms",
    "gateway.delivery.smarthosts.short.oauth2.client-id=short-app",
    "gateway.delivery.smarthosts.outage.host=127.0.0.1",
    "gateway.delivery.smarthosts.outage.tls=none",
    "gateway.delivery.smarthosts.outage.username=reports@outage.example",
    "gateway.delivery.smarthosts.outage.oauth2.client-id=outage-app",
    "gateway.delivery.smarthosts.outage.oauth2.client-secret=outage-secret",
    "gateway.delivery.routes[2].domains=short.example",
    "gateway.delivery.routes[2].via=smarthost:short",
    "gateway.delivery.routes[3].domains=outage.example",
    "gateway.delivery.routes[3].via=smarthost:outage",
    "gateway.delivery.routes[0].domains=m365.example",
    "gateway.delivery.routes[0].via=smarthost:m365",
    "gateway.delivery.routes[1].domains=gmail.example",
    "gateway.delivery.routes[1].via=smarthost:google",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class OAuth2SmartHostIT {

    private static final Path DATA = TestDataDirs.fresh("oauth2");
    private static final TokenEndpoint TOKENS = new TokenEndpoint();
    private static final XOAuth2SmtpServer SMTP = new XOAuth2SmtpServer(TOKENS);

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthosts.m365.port", SMTP::port);
        registry.add("gateway.delivery.smarthosts.google.port", SMTP::port);
        registry.add("gateway.delivery.smarthosts.m365.oauth2.token-endpoint", () -> TOKENS.url("/m365/token"));
        registry.add("gateway.delivery.smarthosts.google.oauth2.token-endpoint", () -> TOKENS.url("/google/token"));
        registry.add("gateway.delivery.smarthosts.short.port", SMTP::port);
        registry.add("gateway.delivery.smarthosts.short.oauth2.token-endpoint", () -> TOKENS.url("/short/token"));
        registry.add("gateway.delivery.smarthosts.outage.port", SMTP::port);
        registry.add("gateway.delivery.smarthosts.outage.oauth2.token-endpoint", () -> TOKENS.url("/outage/token"));
    }

    @AfterAll
    static void stop() {
        SMTP.stop();
        TOKENS.stop();
    }

    @Autowired
    SmtpListeners listeners;

    MailQueueMXBean queue;

    @BeforeEach
    void connect() throws Exception {
        queue = MailQueues.local();
    }

    @Test
    void microsoft365ClientCredentialsGiveATokenTheSmartHostAccepts() throws Exception {
        String id = send("boss@m365.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.delivered.contains(id));
        Map<String, String> request = TOKENS.requests.stream().filter(r -> "gateway-app".equals(r.get("client_id"))).findFirst().orElseThrow();
        assertThat(request).containsEntry("grant_type", "client_credentials")
            .containsEntry("client_secret", "app-secret")
            .containsEntry("scope", "https://outlook.office365.com/.default");
        assertThat(SMTP.logins).anySatisfy(login -> assertThat(login).startsWith("reports@m365.example "));
    }

    @Test
    void googleRefreshTokenGrantGivesATokenTheSmartHostAccepts() throws Exception {
        String id = send("friend@gmail.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.delivered.contains(id));
        assertThat(TOKENS.requests).anySatisfy(r -> assertThat(r)
            .containsEntry("grant_type", "refresh_token")
            .containsEntry("refresh_token", "refresh-123")
            .containsEntry("client_id", "google-client"));
        assertThat(SMTP.logins).anySatisfy(login -> assertThat(login).startsWith("office@gmail.example "));
    }

    @Test
    void anExpiredTokenIsReplacedBeforeTheNextLogin() throws Exception {
        String first = send("a@short.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.delivered.contains(first));
        int issuedBefore = TOKENS.issued.get();
        Thread.sleep(1_500); // longer than the token lives and than max-idle: the next mail logs in anew
        String second = send("b@short.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.delivered.contains(second));
        assertThat(TOKENS.issued.get()).isGreaterThan(issuedBefore);
        assertThat(SMTP.rejectedLogins).isEmpty();
    }

    @Test
    void aTokenEndpointOutageDefersTheMailWithTheReasonUntilItIsBack() throws Exception {
        TOKENS.down = true;
        String id = send("later@outage.example");
        MailSummary deferred = MailQueues.awaitDeferred(queue, "later@outage.example");
        assertThat(deferred.getLastError())
            .contains("the OAuth2 token endpoint http://127.0.0.1:")
            .contains("answered 503 (temporarily_unavailable: token service down)")
            .doesNotContain("outage-secret");
        assertThat(SMTP.delivered).doesNotContain(id);

        TOKENS.down = false;
        queue.deliverAllDeferredNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.delivered.contains(id));
    }

    private String send(String to) throws IOException {
        String messageId = Messages.uniqueMessageId();
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of(to),
            Messages.simple(messageId, "alice@example.com", to, "oauth2"))).startsWith("250 ");
        return messageId;
    }

    /** An OAuth2 token endpoint: form-encoded POST in, JSON token out; or 503 while "down". */
    static final class TokenEndpoint {
        final HttpServer server;
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        /** token → (user it is for, expiry millis) */
        final Map<String, Long> valid = new ConcurrentHashMap<>();
        final AtomicInteger issued = new AtomicInteger();
        /** Only the outage smart host's endpoint goes down; the others keep working. */
        volatile boolean down;

        TokenEndpoint() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                Map<String, String> form = new HashMap<>();
                try (InputStream in = exchange.getRequestBody()) {
                    for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                        }
                    }
                }
                requests.add(form);
                String body;
                int status;
                String path = exchange.getRequestURI().getPath();
                long lifetimeSeconds = path.startsWith("/short/") ? 1 : 3600;
                if (down && path.startsWith("/outage/")) {
                    status = 503;
                    body = "{\"error\":\"temporarily_unavailable\",\"error_description\":\"token service down\"}";
                } else {
                    status = 200;
                    String token = "tok-" + issued.incrementAndGet();
                    valid.put(token, System.currentTimeMillis() + lifetimeSeconds * 1000);
                    body = "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetimeSeconds + "}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        boolean accepts(String token) {
            Long expiry = valid.get(token);
            return expiry != null && expiry > System.currentTimeMillis();
        }

        void stop() {
            server.stop(0);
        }
    }

    /** An SMTP server that requires AUTH XOAUTH2 (RFC-less but documented by Google and Microsoft) with a live token. */
    static final class XOAuth2SmtpServer {
        final SMTPServer server;
        final Set<String> delivered = ConcurrentHashMap.newKeySet();
        final List<String> logins = new CopyOnWriteArrayList<>();
        final List<String> rejectedLogins = new CopyOnWriteArrayList<>();

        XOAuth2SmtpServer(TokenEndpoint tokens) {
            AuthenticationHandlerFactory xoauth2 = new AuthenticationHandlerFactory() {
                @Override
                public List<String> getAuthenticationMechanisms() {
                    return List.of("XOAUTH2");
                }

                @Override
                public AuthenticationHandler create() {
                    return new AuthenticationHandler() {
                        private String identity;

                        @Override
                        public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
                            String[] words = clientInput.trim().split(" ");
                            if (words.length < 3) {
                                return Optional.of("");   // ask for the initial response
                            }
                            String decoded = new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8);
                            // user=<mailbox>^Aauth=Bearer <token>^A^A
                            String user = null;
                            String token = null;
                            for (String part : decoded.split("\u0001")) {
                                if (part.startsWith("user=")) {
                                    user = part.substring(5);
                                } else if (part.startsWith("auth=Bearer ")) {
                                    token = part.substring(12);
                                }
                            }
                            if (user == null || token == null || !tokens.accepts(token)) {
                                rejectedLogins.add(decoded);
                                throw new RejectException(535, "5.7.8 Username and Password not accepted");
                            }
                            logins.add(user + " " + token);
                            identity = user;
                            return Optional.empty();
                        }

                        @Override
                        public Object getIdentity() {
                            return identity;
                        }
                    };
                }
            };
            SimpleMessageListener listener = new SimpleMessageListener() {
                @Override
                public boolean accept(String from, String recipient) {
                    return true;
                }

                @Override
                public void deliver(String from, String recipient, InputStream data) throws IOException {
                    String text = new String(data.readAllBytes(), StandardCharsets.ISO_8859_1);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)").matcher(text);
                    if (m.find()) {
                        delivered.add(m.group(1));
                    }
                }
            };
            server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("oauth.test")
                .authenticationHandlerFactory(xoauth2)
                .requireAuth(true)
                .messageHandlerFactory(new SimpleMessageListenerAdapter(listener))
                .build();
            server.start();
        }

        int port() {
            return server.getPortAllocated();
        }

        void stop() {
            server.stop();
        }
    }
}
