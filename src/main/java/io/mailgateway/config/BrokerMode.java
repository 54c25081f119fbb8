package io.mailgateway.config;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which broker holds the mail: the embedded one (default), or an external Artemis when
 * {@code gateway.broker.url} is set (not blank). Conditions for the beans of each mode.
 */
public final class BrokerMode {

    private BrokerMode() {
    }

    static boolean external(ConditionContext context) {
        String url = context.getEnvironment().getProperty("gateway.broker.url");
        return url != null && !url.isBlank();
    }

    /** {@code gateway.broker.url} unset or blank: the embedded broker. */
    public static final class Embedded implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !external(context);
        }
    }

    /** {@code gateway.broker.url} set: an external broker, no embedded one. */
    public static final class External implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return external(context);
        }
    }
}
