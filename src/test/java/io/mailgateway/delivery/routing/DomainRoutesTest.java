package io.mailgateway.delivery.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainRoutesTest {

    private final DomainRoutes<String> routes = new DomainRoutes<>("default")
        .add("corp.example", "exchange")
        .add("*.corp.example", "branch")
        .add("eu.corp.example", "eu-exchange")
        .add("*.example", "example-relay");

    @Test
    void anExactDomainBeatsAnyWildcard() {
        assertThat(routes.forDomain("corp.example")).isEqualTo("exchange");
        assertThat(routes.forDomain("eu.corp.example")).isEqualTo("eu-exchange");
    }

    @Test
    void aWildcardMatchesSubdomainsOnlyAndTheNearestParentWins() {
        assertThat(routes.forDomain("london.corp.example")).isEqualTo("branch");
        assertThat(routes.forDomain("a.b.corp.example")).isEqualTo("branch");
        assertThat(routes.forDomain("other.example")).isEqualTo("example-relay");
        assertThat(routes.forDomain("example")).isEqualTo("default");
    }

    @Test
    void unmatchedDomainsTakeTheDefaultAndCaseAndTrailingDotsDoNotMatter() {
        assertThat(routes.forDomain("gmail.com")).isEqualTo("default");
        assertThat(routes.forDomain("CORP.Example.")).isEqualTo("exchange");
        assertThat(routes.forRecipient("Bob@Corp.Example")).isEqualTo("exchange");
        assertThat(routes.forRecipient("\"odd@local\"@london.corp.example")).isEqualTo("branch");
        assertThat(routes.forRecipient("postmaster")).isEqualTo("default");
        // a look-alike is not a subdomain
        assertThat(routes.forDomain("notcorp.example")).isEqualTo("example-relay");
        assertThat(routes.forDomain("evilcorp.example.net")).isEqualTo("default");
    }

    @Test
    void theSameDomainRoutedTwiceIsAConfigurationError() {
        assertThatThrownBy(() -> routes.add("Corp.Example", "x")).hasMessageContaining("routed twice");
    }
}
