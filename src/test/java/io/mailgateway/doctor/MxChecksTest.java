package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class MxChecksTest {

    @Test
    void onlyAddressesTheInternetCanSeeHaveAPtrWorthChecking() throws UnknownHostException {
        assertThat(MxChecks.isPublic(address("203.0.114.7"))).isTrue();
        assertThat(MxChecks.isPublic(address("2a00:1450:4001:80b::2005"))).isTrue();

        assertThat(MxChecks.isPublic(address("192.168.1.20"))).isFalse();
        assertThat(MxChecks.isPublic(address("10.1.2.3"))).isFalse();
        assertThat(MxChecks.isPublic(address("172.20.0.5"))).isFalse();
        assertThat(MxChecks.isPublic(address("100.72.0.9"))).as("carrier-grade NAT").isFalse();
        assertThat(MxChecks.isPublic(address("192.0.2.2"))).as("documentation").isFalse();
        assertThat(MxChecks.isPublic(address("127.0.0.1"))).isFalse();
        assertThat(MxChecks.isPublic(address("fd12:3456::1"))).as("unique local").isFalse();
        assertThat(MxChecks.isPublic(address("fe80::1"))).isFalse();
    }

    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // literals only: never a DNS lookup
    }
}
