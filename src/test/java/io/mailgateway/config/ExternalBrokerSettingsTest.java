package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gateway.broker.url / .username / .password: what is accepted at start, and the message naming the key when not. */
class ExternalBrokerSettingsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private List<String> problems(String url, String username, String password) {
        GatewayProperties properties = new GatewayProperties();
        properties.getBroker().setUrl(url);
        properties.getBroker().setUsername(username);
        properties.getBroker().setPassword(password);
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void noUrlMeansTheEmbeddedBroker() {
        GatewayProperties properties = new GatewayProperties();
        assertThat(properties.getBroker().isExternal()).isFalse();
        assertThat(problems(null, null, null)).isEmpty();
        assertThat(problems("  ", null, null)).isEmpty();
    }

    @Test
    void aSingleBrokerAFailoverListAndTlsParametersAreAccepted() {
        assertThat(problems("tcp://broker.example:61616", "gateway", "secret")).isEmpty();
        assertThat(problems("(tcp://a:61616,tcp://b:61617)?ha=true&reconnectAttempts=-1", "gateway", "secret")).isEmpty();
        assertThat(problems("tcp://a:61617?sslEnabled=true&trustStorePath=/etc/ca.p12&trustStorePassword=x", null, null))
            .isEmpty();
    }

    @Test
    void otherSchemesAndUrlsWithoutPortAreRefusedNamingTheKey() {
        for (String url : List.of("vm://0", "amqp://a:5672", "tcp://a", "(tcp://a:61616,udp://b:9876)?ha=true", "(tcp://a:1")) {
            assertThat(problems(url, null, null)).as(url).singleElement().asString().startsWith("gateway.broker.url");
        }
    }

    @Test
    void usernameAndPasswordComeTogetherAndOnlyWithAnExternalBroker() {
        assertThat(problems("tcp://a:61616", "gateway", null)).singleElement().asString()
            .startsWith("gateway.broker.username and gateway.broker.password");
        assertThat(problems(null, "gateway", "secret")).singleElement().asString()
            .contains("only used with gateway.broker.url");
    }

    @Test
    void theUrlShownInLogsLeavesOutItsParameters() {
        assertThat(ExternalBrokerConfiguration.displayUrl("tcp://a:61617?sslEnabled=true&trustStorePassword=x"))
            .isEqualTo("tcp://a:61617?…");
        assertThat(ExternalBrokerConfiguration.displayUrl("(tcp://a:61616,tcp://b:61617)?ha=true"))
            .isEqualTo("(tcp://a:61616,tcp://b:61617)?…");
        assertThat(ExternalBrokerConfiguration.displayUrl("tcp://a:61616")).isEqualTo("tcp://a:61616");
    }
}
