package io.mailgateway.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.convert.DurationStyle;

/**
 * The command line of {@code doctor} and {@code send-test}: the tool's own options as {@code --name value} or
 * {@code --name=value}, and any other {@code --key=value} passed on as a setting to
 * {@link CommandLineSettings#load}. Anything else is refused with {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * ToolArguments line = new ToolArguments(args);
 * while (line.next()) {
 *     switch (line.option()) {
 *         case "--json" -> json = true;
 *         case "--timeout" -> timeout = ToolArguments.positive(line.option(), line.value(), "10s or 500ms");
 *         default -> line.passOn();
 *     }
 * }
 * }</pre>
 */
final class ToolArguments {

    private final String[] args;
    private final List<String> settings = new ArrayList<>();
    private int index = -1;
    private String option;
    private String inline;

    ToolArguments(String[] args) {
        this.args = args;
    }

    /** Moves to the next argument; false when there is none. */
    boolean next() {
        if (++index >= args.length) {
            return false;
        }
        String arg = args[index];
        int equals = arg.indexOf('=');
        boolean withValue = arg.startsWith("--") && equals > 0;
        option = withValue ? arg.substring(0, equals) : arg;
        inline = withValue ? arg.substring(equals + 1) : null;
        return true;
    }

    /** The current option's name ({@code --timeout} for {@code --timeout=3s}). */
    String option() {
        return option;
    }

    /** The current option's value: after its {@code =}, or else the next argument. */
    String value() {
        if (inline != null) {
            return inline;
        }
        if (index + 1 >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[++index];
    }

    /** The current argument is not the tool's: a setting ({@code --gateway.x=y}, {@code --server.port=...}) or refused. */
    void passOn() {
        String arg = args[index];
        if (arg.startsWith("--") && arg.indexOf('=') > 2) {
            settings.add(arg);
        } else {
            throw new IllegalArgumentException("unknown argument '" + arg + "'");
        }
    }

    /** The arguments {@link #passOn} kept, in order. */
    List<String> settings() {
        return List.copyOf(settings);
    }

    /** A positive duration in Spring's forms ({@code 10s}, {@code 500ms}, {@code PT2M}). */
    static Duration positive(String option, String text, String examples) {
        try {
            Duration duration = DurationStyle.detectAndParse(text);
            if (!duration.isNegative() && !duration.isZero()) {
                return duration;
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a duration like " + examples);
    }
}
