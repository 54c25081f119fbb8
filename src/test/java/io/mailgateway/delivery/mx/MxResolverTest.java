package io.mailgateway.delivery.mx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MxResolverTest {

    @Test
    void dnsServersAreHostHostPortOrBracketedV6WithPort53ByDefault() throws Exception {
        assertThat(MxResolver.socketAddress("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
        assertThat(MxResolver.socketAddress(" 127.0.0.1:5353 ")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(MxResolver.socketAddress("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(MxResolver.socketAddress("[::1]")).isEqualTo(new InetSocketAddress("::1", 53));
        assertThat(MxResolver.socketAddress("::1")).isEqualTo(new InetSocketAddress("::1", 53));
    }

    @Test
    void aMistypedDnsServerStopsTheStartNamingTheSettingAndTheEntry() {
        assertThatThrownBy(() -> MxResolver.socketAddress("127.0.0.1:dns"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("gateway.delivery.mx.dns-servers: '127.0.0.1:dns': 'dns' is not a port number");
        assertThatThrownBy(() -> MxResolver.socketAddress("127.0.0.1:70000"))
            .hasMessageContaining("'70000' is not a port number");
        assertThatThrownBy(() -> MxResolver.socketAddress("[::1"))
            .hasMessage("gateway.delivery.mx.dns-servers: '[::1': expected [address] or [address]:port");
        assertThatThrownBy(() -> MxResolver.socketAddress("[::1]53"))
            .hasMessageContaining("expected [address] or [address]:port");
        assertThatThrownBy(() -> MxResolver.socketAddress(":53"))
            .hasMessageContaining("gateway.delivery.mx.dns-servers");
    }
}
