package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedNetworksTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no DNS lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static TrustedNetworks networks(String... cidrs) {
        return TrustedNetworks.parse(List.of(cidrs));
    }

    @Test
    void slashEightContainsEveryAddressWithTheSameFirstOctet() {
        TrustedNetworks trusted = networks("127.0.0.0/8");

        assertThat(trusted.contains(ip("127.0.0.1"))).isTrue();
        assertThat(trusted.contains(ip("127.255.255.254"))).isTrue();
        assertThat(trusted.contains(ip("128.0.0.1"))).isFalse();
        assertThat(trusted.contains(ip("126.255.255.255"))).isFalse();
    }

    @Test
    void slashTwentyFourContainsOnlyItsLastOctetRange() {
        TrustedNetworks trusted = networks("192.168.1.0/24");

        assertThat(trusted.contains(ip("192.168.1.0"))).isTrue();
        assertThat(trusted.contains(ip("192.168.1.255"))).isTrue();
        assertThat(trusted.contains(ip("192.168.2.1"))).isFalse();
        assertThat(trusted.contains(ip("192.168.0.255"))).isFalse();
    }

    @Test
    void slashThirtyTwoContainsExactlyOneAddress() {
        TrustedNetworks trusted = networks("10.0.0.7/32");

        assertThat(trusted.contains(ip("10.0.0.7"))).isTrue();
        assertThat(trusted.contains(ip("10.0.0.6"))).isFalse();
        assertThat(trusted.contains(ip("10.0.0.8"))).isFalse();
    }

    @Test
    void anAddressWithoutPrefixIsASingleHost() {
        TrustedNetworks trusted = networks("10.0.0.7");

        assertThat(trusted.contains(ip("10.0.0.7"))).isTrue();
        assertThat(trusted.contains(ip("10.0.0.6"))).isFalse();
    }

    @Test
    void slashZeroContainsEveryIpv4AddressButNoIpv6Address() {
        TrustedNetworks trusted = networks("0.0.0.0/0");

        assertThat(trusted.contains(ip("1.2.3.4"))).isTrue();
        assertThat(trusted.contains(ip("255.255.255.255"))).isTrue();
        assertThat(trusted.contains(ip("0.0.0.0"))).isTrue();
        assertThat(trusted.contains(ip("2001:db8::1"))).isFalse();
    }

    @Test
    void prefixBoundaryInsideAnOctetIsRespected() {
        // 10.0.0.0/9 is 10.0.0.0 - 10.127.255.255: the 9th bit decides
        TrustedNetworks trusted = networks("10.0.0.0/9");

        assertThat(trusted.contains(ip("10.0.0.1"))).isTrue();
        assertThat(trusted.contains(ip("10.127.255.255"))).isTrue();
        assertThat(trusted.contains(ip("10.128.0.0"))).isFalse();
        assertThat(trusted.contains(ip("10.255.0.1"))).isFalse();
        assertThat(trusted.contains(ip("11.0.0.1"))).isFalse();
    }

    @Test
    void prefixBoundaryNearTheEndOfAnIpv4AddressIsRespected() {
        // 192.168.1.64/27 is .64 - .95
        TrustedNetworks trusted = networks("192.168.1.64/27");

        assertThat(trusted.contains(ip("192.168.1.64"))).isTrue();
        assertThat(trusted.contains(ip("192.168.1.95"))).isTrue();
        assertThat(trusted.contains(ip("192.168.1.63"))).isFalse();
        assertThat(trusted.contains(ip("192.168.1.96"))).isFalse();
    }

    @Test
    void hostBitsInTheNetworkAddressAreIgnored() {
        TrustedNetworks trusted = networks("10.1.2.3/8");

        assertThat(trusted.contains(ip("10.200.0.1"))).isTrue();
        assertThat(trusted.contains(ip("11.1.2.3"))).isFalse();
    }

    @Test
    void ipv6LoopbackContainsOnlyItself() {
        TrustedNetworks trusted = networks("::1");

        assertThat(trusted.contains(ip("::1"))).isTrue();
        assertThat(trusted.contains(ip("::2"))).isFalse();
        assertThat(trusted.contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void ipv6SlashSixtyFourContainsItsSubnetOnly() {
        TrustedNetworks trusted = networks("2001:db8:1:2::/64");

        assertThat(trusted.contains(ip("2001:db8:1:2::1"))).isTrue();
        assertThat(trusted.contains(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(trusted.contains(ip("2001:db8:1:3::1"))).isFalse();
        assertThat(trusted.contains(ip("2001:db8:1:1:ffff:ffff:ffff:ffff"))).isFalse();
    }

    @Test
    void ipv4NetworkNeverMatchesAnIpv6ClientAndViceVersa() {
        TrustedNetworks ipv4Only = networks("0.0.0.0/0");
        TrustedNetworks ipv6Only = networks("::/0");

        assertThat(ipv4Only.contains(ip("::1"))).isFalse();
        assertThat(ipv6Only.contains(ip("127.0.0.1"))).isFalse();
        assertThat(ipv6Only.contains(ip("2001:db8::1"))).isTrue();
    }

    @Test
    void theDefaultListTrustsBothLoopbacksAndNothingElse() {
        TrustedNetworks trusted = networks("127.0.0.0/8", "::1");

        assertThat(trusted.contains(ip("127.0.0.1"))).isTrue();
        assertThat(trusted.contains(ip("::1"))).isTrue();
        assertThat(trusted.contains(ip("192.168.1.1"))).isFalse();
        assertThat(trusted.contains(ip("fe80::1"))).isFalse();
    }

    @Test
    void blankEntriesAndSurroundingSpacesAreIgnored() {
        TrustedNetworks trusted = networks(" 10.0.0.0/8 ", "", "   ");

        assertThat(trusted.contains(ip("10.1.1.1"))).isTrue();
        assertThat(trusted.contains(ip("11.1.1.1"))).isFalse();
    }

    @Test
    void anEmptyListTrustsNobody() {
        TrustedNetworks trusted = TrustedNetworks.parse(List.of());

        assertThat(trusted.contains(ip("127.0.0.1"))).isFalse();
        assertThat(trusted.contains(ip("::1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "10.0.0.0/33", "::1/129", "1.2.3.4/x", "1.2.3.4/", "10.0.0.0/-1",
        "/8", "256.1.1.1", ":::"})
    void aBadEntryIsRejectedWithAnErrorNamingIt(String entry) {
        assertThatThrownBy(() -> networks("127.0.0.0/8", entry))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + entry + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.1/24", "10.1/16", "10/8"})
    void aShortenedIpv4EntryIsRejectedRatherThanReadAsAnotherNetwork(String entry) {
        assertThatThrownBy(() -> networks(entry))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + entry + "'");
    }
}
