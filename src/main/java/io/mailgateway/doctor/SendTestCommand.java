package io.mailgateway.doctor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.config.GatewayHostname;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.delivery.DeliveryTrail;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * {@code java -jar target/mail-gateway.jar send-test --to ADDRESS [--from ADDRESS] [--timeout 2m]
 * [--gateway.x=y ...]}: hands one test message to the running gateway through its relay listener (on this
 * machine, a trusted network), then follows it by its queue id at {@code /actuator/deliveries/{id}} until it
 * is delivered, deferred or dead, printing what the next hop answered for each recipient.
 *
 * <p>Exit codes: 0 delivered, 1 dead (refused for good), 2 bad arguments or configuration, 3 deferred (the
 * gateway retries it), 4 not queued or not followed (gateway not running, refused, no outcome in time).
 */
public final class SendTestCommand {

    static final int DELIVERED = 0;
    static final int DEAD = 1;
    static final int USAGE = 2;
    static final int DEFERRED = 3;
    static final int NOT_FOLLOWED = 4;

    private static final String USAGE_LINE = "usage: send-test --to ADDRESS [--to ADDRESS ...] [--from ADDRESS]"
        + " [--timeout 2m] [--gateway.name=value ...]";
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>@\"(),;:\\\\]+@[A-Za-z0-9.\\-\\[\\]:]+");
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");
    private static final Duration POLL = Duration.ofMillis(500);

    private SendTestCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("send-test: " + e.getMessage());
            err.println(USAGE_LINE);
            return USAGE;
        }
        CommandLineSettings.Loaded loaded;
        try {
            loaded = CommandLineSettings.load(arguments.springArgs().toArray(String[]::new));
        } catch (CommandLineSettings.Invalid invalid) {
            err.println("send-test: the configuration is not valid: " + invalid.getMessage());
            err.println("  (java -jar mail-gateway.jar doctor explains each problem)");
            return USAGE;
        }
        return new Run(loaded.properties(), loaded.environment(), arguments, out, err).execute();
    }

    /**
     * What to do when /actuator/deliveries refuses send-test: by default the gateway runs with a generated
     * console password that send-test cannot know, so a bare "HTTP 401" would leave the user guessing.
     */
    static String loginHint(boolean loginGiven) {
        return loginGiven
            ? " (the console login send-test sent was refused: give it the gateway.console.username and"
                + " gateway.console.password the gateway runs with)"
            : " (the gateway's console login is needed to follow the mail: give send-test the password the gateway"
                + " runs with, as GATEWAY_CONSOLE_PASSWORD or --gateway.console.password=...; a generated one was"
                + " printed once in the gateway's log at its first start)";
    }

    private static final class Run {
        private final GatewayProperties properties;
        private final Environment environment;
        private final Arguments arguments;
        private final PrintStream out;
        private final PrintStream err;

        Run(GatewayProperties properties, Environment environment, Arguments arguments, PrintStream out, PrintStream err) {
            this.properties = properties;
            this.environment = environment;
            this.arguments = arguments;
            this.out = out;
            this.err = err;
        }

        int execute() {
            GatewayProperties.Listener relay = properties.getSmtp().getRelay();
            if (!relay.isEnabled() || relay.getPort() == 0) {
                err.println("send-test: it submits through the relay listener, and gateway.smtp.relay is "
                    + (relay.isEnabled() ? "on a random port (0)" : "disabled"));
                return USAGE;
            }
            String hostname = new GatewayHostname(properties).name();
            String from = arguments.from() != null ? arguments.from() : defaultSender(hostname);
            String host = LocalChecks.clientAddress(properties.getSmtp().getBindAddress());
            out.println("send-test: handing a test message to the gateway's relay listener " + host + ":" + relay.getPort());
            String queueId = submit(host, relay.getPort(), hostname, from);
            if (queueId == null) {
                return NOT_FOLLOWED;
            }
            return follow(queueId);
        }

        /** @return the queue id from "250 ... queued as ID", or null after printing why not */
        private String submit(String host, int port, String hostname, String from) {
            Duration timeout = Duration.ofSeconds(30);
            try (SmtpProbe smtp = SmtpProbe.connect(host, port, timeout, timeout, null)) {
                List<String> steps = new ArrayList<>();
                SmtpProbe.Reply reply = smtp.read();
                if (reply.code() == 220) {
                    reply = smtp.command("EHLO " + hostname);
                }
                if (reply.code() == 250) {
                    reply = smtp.command("MAIL FROM:<" + from + ">");
                }
                for (String to : arguments.to()) {
                    if (reply.code() == 250) {
                        reply = smtp.command("RCPT TO:<" + to + ">");
                    }
                }
                if (reply.code() == 250) {
                    reply = smtp.command("DATA");
                    if (reply.code() == 354) {
                        reply = smtp.data(message(hostname, from));
                    }
                }
                steps.addAll(smtp.transcript());
                smtp.quit();
                Matcher queued = QUEUED_AS.matcher(reply.text());
                if (reply.code() == 250 && queued.find()) {
                    out.println("  queued as " + queued.group(1) + ": " + reply.oneLine());
                    return queued.group(1);
                }
                out.println("  the gateway did not queue it: " + reply.oneLine());
                for (String step : steps) {
                    out.println("    " + step);
                }
                out.println("  (nothing was queued; the reply above says why)");
                return null;
            } catch (IOException e) {
                out.println("  cannot talk to the gateway at " + host + ":" + port + ": " + e.getMessage());
                out.println("  Is it running? Start it (java -jar mail-gateway.jar, or the Windows service), then"
                    + " run send-test again; `doctor` checks its configuration.");
                return null;
            }
        }

        private int follow(String queueId) {
            URI uri = deliveriesUri(queueId);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            Instant deadline = Instant.now().plus(arguments.timeout());
            int printed = 0;
            String lastProblem = null;
            out.println("  following it at " + uri);
            while (Instant.now().isBefore(deadline)) {
                try {
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
                    boolean loginGiven = basicAuth(request);
                    HttpResponse<String> response = http.send(request.build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    if (response.statusCode() == 200) {
                        DeliveryTrail.Mail mail = json.readValue(response.body(), DeliveryTrail.Mail.class);
                        for (; printed < mail.attempts().size(); printed++) {
                            print(mail.attempts().get(printed));
                        }
                        switch (mail.state()) {
                            case "delivered" -> {
                                out.println("delivered: the next hop accepted the message for every recipient.");
                                return DELIVERED;
                            }
                            case "dead" -> {
                                out.println("dead: refused for good; the mail is in the dead letters (mail.dead) with"
                                    + " the reply above as its reason.");
                                hintOnSender(mail);
                                return DEAD;
                            }
                            default -> {
                                out.println("deferred: the gateway keeps it and tries again at the time shown; the"
                                    + " reply above is why it could not go now (`doctor` checks the smart host).");
                                return DEFERRED;
                            }
                        }
                    }
                    if (response.statusCode() != 404) {
                        lastProblem = "HTTP " + response.statusCode() + " from " + uri;
                        if (response.statusCode() == 401 || response.statusCode() == 403) {
                            lastProblem += loginHint(loginGiven);
                            break;
                        }
                    }
                } catch (IOException e) {
                    lastProblem = "cannot reach " + uri + ": " + e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return NOT_FOLLOWED;
                }
                sleep();
            }
            out.println("no outcome within " + DurationStyle.SIMPLE.print(arguments.timeout())
                + (lastProblem == null ? ": the mail is queued but no delivery attempt has ended yet (a slow or"
                + " unreachable next hop waits up to gateway.delivery.connect-timeout per try)." : ": " + lastProblem));
            out.println("The gateway keeps the mail. Look for its queue id " + queueId + " in the gateway's log.");
            return NOT_FOLLOWED;
        }

        private void print(DeliveryTrail.Attempt attempt) {
            out.println("  attempt " + attempt.attempt() + " at " + attempt.at() + " via " + attempt.via() + ":");
            for (DeliveryTrail.Recipient recipient : attempt.recipients()) {
                out.println("    <" + recipient.recipient() + "> " + recipient.status() + ": " + recipient.reply()
                    + (recipient.nextAttemptAt() != null ? " (next attempt " + recipient.nextAttemptAt() + ")" : ""));
            }
        }

        private void hintOnSender(DeliveryTrail.Mail mail) {
            boolean senderRefused = mail.attempts().stream().flatMap(a -> a.recipients().stream())
                .anyMatch(r -> r.reply() != null && r.reply().contains("in reply to MAIL FROM"));
            if (senderRefused) {
                out.println("The next hop refused the sender: run send-test with --from set to an address your"
                    + " provider lets you send as (often the smart host user's own address).");
            }
        }

        private URI deliveriesUri(String queueId) {
            String managementPort = environment.getProperty("management.server.port");
            boolean separate = managementPort != null && !managementPort.isBlank();
            String port = separate ? managementPort : environment.getProperty("server.port", "8080");
            String address = LocalChecks.clientAddress(separate
                ? environment.getProperty("management.server.address", environment.getProperty("server.address"))
                : environment.getProperty("server.address"));
            String context = separate ? "" : environment.getProperty("server.servlet.context-path", "");
            String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
            String endpoint = environment.getProperty("management.endpoints.web.path-mapping.deliveries", "deliveries");
            String host = address.contains(":") ? "[" + address + "]" : address;
            return URI.create("http://" + host + ":" + port + trimSlash(context) + trimSlash(base) + "/" + endpoint
                + "/" + queueId);
        }

        /**
         * /actuator/deliveries is behind the console login (gateway.console.*).
         *
         * @return whether a login was configured and sent
         */
        private boolean basicAuth(HttpRequest.Builder request) {
            String user = environment.getProperty("gateway.console.username");
            String password = environment.getProperty("gateway.console.password");
            if (user != null && !user.isBlank() && password != null && !password.isEmpty()) {
                request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
                return true;
            }
            return false;
        }

        private String defaultSender(String hostname) {
            String user = properties.getDelivery().getSmarthost().getUsername();
            if (user != null && ADDRESS.matcher(user).matches()) {
                return user; // Microsoft 365 and Gmail accept only the authenticated mailbox as sender
            }
            return "mail-gateway@" + hostname.toLowerCase(Locale.ROOT);
        }

        private String message(String hostname, String from) {
            String date = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
            return "Date: " + date + "\r\n"
                + "Message-ID: <send-test." + UUID.randomUUID() + "@" + hostname.toLowerCase(Locale.ROOT) + ">\r\n"
                + "From: <" + from + ">\r\n"
                + "To: " + String.join(", ", arguments.to().stream().map(a -> "<" + a + ">").toList()) + "\r\n"
                + "Subject: Mail Gateway test message from " + hostname + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "\r\n"
                + "This is a test message sent with `mail-gateway send-test` on " + hostname + "\r\n"
                + "at " + date + ".\r\n"
                + "\r\n"
                + "If you can read it, mail from this machine reaches you through the gateway.\r\n";
        }

        private static String trimSlash(String path) {
            if (path == null || path.isBlank() || path.equals("/")) {
                return "";
            }
            String p = path.startsWith("/") ? path : "/" + path;
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }

        private static void sleep() {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    record Arguments(List<String> to, String from, Duration timeout, List<String> springArgs) {

        static Arguments parse(String[] args) {
            List<String> to = new ArrayList<>();
            String from = null;
            Duration timeout = Duration.ofMinutes(2);
            ToolArguments line = new ToolArguments(args);
            while (line.next()) {
                switch (line.option()) {
                    case "--to" -> to.add(address(line.value(), line.option()));
                    case "--from" -> from = address(line.value(), line.option());
                    case "--timeout" -> timeout = ToolArguments.positive(line.option(), line.value(), "2m or 90s");
                    default -> line.passOn();
                }
            }
            if (to.isEmpty()) {
                throw new IllegalArgumentException("--to ADDRESS is required");
            }
            return new Arguments(List.copyOf(to), from, timeout, line.settings());
        }

        private static String address(String value, String option) {
            String address = value.trim();
            if (address.startsWith("<") && address.endsWith(">")) {
                address = address.substring(1, address.length() - 1);
            }
            if (!ADDRESS.matcher(address).matches()) {
                throw new IllegalArgumentException(option + ": '" + value + "' is not a plain address like bob@example.net");
            }
            return address;
        }
    }
}
