package io.mailgateway.delivery.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NextHopReplyTest {

    @Test
    void aSmartHostReplyIsReadBackAsItWasRecorded() {
        NextHopReply reply = NextHopReply.parse(
            NextHopReply.said("smtp.example.net:587", "550 5.1.1 <typo@example.net>: unknown", "RCPT TO"));

        assertThat(reply.remoteMta()).isEqualTo("smtp.example.net");
        assertThat(reply.smtpReply()).isEqualTo("550 5.1.1 <typo@example.net>: unknown");
        assertThat(reply.command()).isEqualTo("RCPT TO");
        assertThat(reply.enhancedStatus()).isEqualTo("5.1.1");
        assertThat(reply.replyCode()).isEqualTo(550);
    }

    @Test
    void anMxHopIsNamedByItsHostWithoutTheAddressItWasReachedAt() {
        NextHopReply reply = NextHopReply.parse(
            NextHopReply.said("mx1.example.net[192.0.2.25]", "554 5.7.1 no thanks", "end of DATA"));

        assertThat(reply.remoteMta()).isEqualTo("mx1.example.net");
        assertThat(reply.command()).isEqualTo("end of DATA");
        assertThat(reply.enhancedStatus()).isEqualTo("5.7.1");
    }

    @Test
    void anIpv6SmartHostKeepsItsAddressWithoutBracketsOrPort() {
        assertThat(NextHopReply.parse(NextHopReply.said("[2001:db8::25]:25", "450 busy", "MAIL FROM")).remoteMta())
            .isEqualTo("2001:db8::25");
    }

    @Test
    void aFailureWithoutAReplyIsShownAsRecorded() {
        NextHopReply reply = NextHopReply.parse("cannot connect to smtp.example.net:587: ConnectException: refused");

        assertThat(reply.remoteMta()).isNull();
        assertThat(reply.smtpReply()).isNull();
        assertThat(reply.text()).isEqualTo("cannot connect to smtp.example.net:587: ConnectException: refused");
        assertThat(reply.replyCode()).isZero();
    }
}
