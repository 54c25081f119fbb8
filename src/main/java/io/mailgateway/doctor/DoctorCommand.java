package io.mailgateway.doctor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar target/mail-gateway.jar doctor [--json] [--verbose] [--timeout 10s] [--ports 25,587,465]
 * [--mx] [--mx-domain gmail.com] [--gateway.x=y ...]}: checks the configuration, this machine and the path to
 * the smart host, and says for each problem what to do. Starts no broker and no listener; the gateway may be
 * running or not.
 *
 * <p>Exit codes: 0 nothing failed (warnings allowed), 1 at least one check failed, 2 bad arguments.
 */
public final class DoctorCommand {

    static final int USAGE = 2;

    private static final String USAGE_LINE = "usage: doctor [--json] [--verbose] [--timeout 10s] [--ports 25,587,465]"
        + " [--mx] [--mx-domain DOMAIN] [--gateway.name=value ...]";

    private DoctorCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("doctor: " + e.getMessage());
            err.println(USAGE_LINE);
            return USAGE;
        }
        DoctorReport report;
        try {
            CommandLineSettings.Loaded loaded = CommandLineSettings.load(arguments.springArgs().toArray(String[]::new));
            report = Doctor.full(loaded.properties(), loaded.environment(), arguments.options(), Clock.systemUTC());
        } catch (CommandLineSettings.Invalid invalid) {
            report = new DoctorReport(List.of(
                CheckResult.fail("configuration", "configuration", invalid.getMessage(),
                    "Correct the settings named above (application.yml, environment variables or --name=value"
                        + " arguments); the gateway refuses to start until then."),
                CheckResult.skip("other", "other checks", "not run: they need a valid configuration")), List.of());
        }
        if (arguments.json()) {
            out.print(report.toJson());
        } else {
            out.println("Mail Gateway doctor: settings from application.yml, the environment and the command line,"
                + " working directory " + Path.of("").toAbsolutePath());
            out.println();
            out.print(report.toText(arguments.verbose()));
        }
        out.flush();
        return report.exitCode();
    }

    record Arguments(boolean json, boolean verbose, Doctor.Options options, List<String> springArgs) {

        static Arguments parse(String[] args) {
            boolean json = false;
            boolean verbose = false;
            boolean mx = false;
            Duration timeout = null;
            List<Integer> ports = SmartHostChecks.STANDARD_PORTS;
            String mxDomain = Doctor.Options.defaults().mxDomain();
            ToolArguments line = new ToolArguments(args);
            while (line.next()) {
                switch (line.option()) {
                    case "--json" -> json = true;
                    case "--verbose", "-v" -> verbose = true;
                    case "--mx" -> mx = true;
                    case "--timeout" -> timeout = ToolArguments.positive(line.option(), line.value(), "10s or 500ms");
                    case "--ports" -> ports = ports(line.value());
                    case "--mx-domain" -> mxDomain = line.value();
                    default -> line.passOn(); // --gateway.x=y, --server.port=..., --spring.profiles.active=...
                }
            }
            return new Arguments(json, verbose, new Doctor.Options(timeout, ports, mx, mxDomain), line.settings());
        }

        private static List<Integer> ports(String text) {
            List<Integer> ports = new ArrayList<>();
            for (String part : text.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    int port = Integer.parseInt(part.trim());
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    ports.add(port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--ports: '" + part.trim() + "' is not a port number");
                }
            }
            return List.copyOf(ports);
        }
    }
}
