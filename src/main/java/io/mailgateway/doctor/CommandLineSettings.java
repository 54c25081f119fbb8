package io.mailgateway.doctor;

import io.mailgateway.config.GatewayProperties;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * The gateway's configuration as the gateway itself would see it — application.yml (and ./config/), the
 * environment, {@code --gateway.x=y} arguments, profiles — bound and validated by the same
 * {@link GatewayProperties} annotations, in a Spring context that holds nothing else: no broker, no
 * listener, no route, no web server. Used by {@code doctor} and {@code send-test}.
 */
public final class CommandLineSettings {

    /** The bound settings and the environment they came from. */
    public record Loaded(GatewayProperties properties, ConfigurableEnvironment environment) {
    }

    /** The configuration does not bind or validate; the message names each key and what is wrong. */
    public static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private CommandLineSettings() {
    }

    /**
     * @param args only {@code --name=value} arguments (Spring's command-line property source)
     * @throws Invalid with every problem Spring reported, one per {@code ; }
     */
    public static Loaded load(String[] args) throws Invalid {
        // the gateway's own start-up logging (INFO from application.yml) would mix with the tool's output,
        // and --json must stay parseable; system properties outrank application.yml
        quietLogging();
        SpringApplication application = new SpringApplication(OnlySettings.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setRegisterShutdownHook(false);
        try (ConfigurableApplicationContext context = application.run(args)) {
            return new Loaded(context.getBean(GatewayProperties.class), context.getEnvironment());
        } catch (RuntimeException e) {
            throw new Invalid(describe(e));
        }
    }

    private static void quietLogging() {
        if (System.getProperty("logging.level.root") == null) {
            System.setProperty("logging.level.root", "OFF");
        }
    }

    /** One readable line per binding or validation problem, with where the value came from. */
    static String describe(Throwable failure) {
        Set<String> problems = new LinkedHashSet<>();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindValidationException validation) {
                ValidationErrors errors = validation.getValidationErrors();
                for (ObjectError error : errors.getAllErrors()) {
                    problems.add(describe(errors.getName().toString(), error, errors.getBoundProperties()));
                }
                break;
            }
            if (t instanceof BindException bind && !(t.getCause() instanceof BindValidationException)) {
                Throwable reason = bind.getCause();
                String origin = bind.getProperty() != null && bind.getProperty().getOrigin() != null
                    ? " (from " + bind.getProperty().getOrigin() + ")" : "";
                String value = bind.getProperty() != null ? " value '" + bind.getProperty().getValue() + "'" : "";
                problems.add(bind.getName() + ":" + value + origin + " cannot be used: "
                    + (reason != null ? rootMessage(deepest(reason)) : bind.getMessage()));
                break;
            }
        }
        if (problems.isEmpty()) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            problems.add(failure instanceof ConfigurationPropertiesBindException bind
                ? bind.getMessage() + ": " + rootMessage(root) : rootMessage(root));
        }
        return String.join("; ", problems);
    }

    private static String describe(String prefix, ObjectError error, Set<ConfigurationProperty> bound) {
        StringBuilder line = new StringBuilder();
        String message = error.getDefaultMessage();
        if (message != null && message.startsWith(prefix + ".")) {
            // the gateway's own rules (@AssertTrue) are whole sentences that name their keys
            return message;
        }
        if (error instanceof FieldError field) {
            String key = prefix + '.' + kebab(field.getField());
            line.append(key).append(": ").append(field.getDefaultMessage());
            if (field.getRejectedValue() != null) {
                line.append(" (value '").append(field.getRejectedValue()).append("'");
                Origin origin = error instanceof OriginProvider provider ? provider.getOrigin() : null;
                for (ConfigurationProperty property : bound) {
                    if (origin == null && property.getName().toString().equals(key)) {
                        origin = property.getOrigin();
                    }
                }
                if (origin != null) {
                    line.append(", from ").append(origin);
                }
                line.append(')');
            }
        } else {
            line.append(error.getDefaultMessage());
        }
        return line.toString();
    }

    /** {@code smtp.relay.maxRecipients} → {@code smtp.relay.max-recipients}, as the key is written. */
    static String kebab(String field) {
        List<String> parts = new ArrayList<>();
        for (String part : field.split("\\.")) {
            parts.add(part.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
        }
        return String.join(".", parts);
    }

    private static Throwable deepest(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.strip();
    }

    /**
     * The one bean a tool's context holds: the bound, validated settings. Deliberately not a
     * {@code @Configuration}: the gateway's component scan must not pick it up.
     */
    @EnableConfigurationProperties(GatewayProperties.class)
    static class OnlySettings {
    }
}
