package io.mailgateway.doctor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.convert.DurationStyle;

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
            List<String> spring = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                int equals = arg.indexOf('=');
                String option = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
                String inline = option.equals(arg) ? null : arg.substring(equals + 1);
                switch (option) {
                    case "--json" -> json = true;
                    case "--verbose", "-v" -> verbose = true;
                    case "--mx" -> mx = true;
                    case "--timeout" -> timeout = duration(inline != null ? inline : value(args, ++i, option));
                    case "--ports" -> ports = ports(inline != null ? inline : value(args, ++i, option));
                    case "--mx-domain" -> mxDomain = inline != null ? inline : value(args, ++i, option);
                    default -> {
                        if (arg.startsWith("--") && equals > 2) {
                            spring.add(arg); // --gateway.x=y, --server.port=..., --spring.profiles.active=...
                        } else {
                            throw new IllegalArgumentException("unknown argument '" + arg + "'");
                        }
                    }
                }
            }
            return new Arguments(json, verbose, new Doctor.Options(timeout, ports, mx, mxDomain), spring);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static Duration duration(String text) {
            try {
                Duration duration = DurationStyle.detectAndParse(text);
                if (duration.isNegative() || duration.isZero()) {
                    throw new IllegalArgumentException("--timeout must be positive");
                }
                return duration;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--timeout: '" + text + "' is not a duration like 10s or 500ms");
            }
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
