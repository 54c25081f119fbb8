package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpProbeTest {

    private static final SmtpProbe.Reply EHLO = new SmtpProbe.Reply(250, List.of(
        "250-smtp.example.net Hello vm",
        "250-SIZE 35882577",
        "250-8BITMIME",
        "250-AUTH=LOGIN",
        "250-AUTH PLAIN LOGIN XOAUTH2",
        "250-STARTTLS",
        "250 SMTPUTF8"));

    @Test
    void extensionsAreTheLinesAfterTheGreetingLine() {
        assertThat(SmtpProbe.extensions(EHLO))
            .containsExactly("SIZE 35882577", "8BITMIME", "AUTH=LOGIN", "AUTH PLAIN LOGIN XOAUTH2", "STARTTLS", "SMTPUTF8");
    }

    @Test
    void keywordsMatchWholeAndCaseInsensitively() {
        List<String> extensions = SmtpProbe.extensions(EHLO);
        assertThat(SmtpProbe.offers(extensions, "STARTTLS")).isTrue();
        assertThat(SmtpProbe.offers(extensions, "SIZE")).isTrue();
        assertThat(SmtpProbe.offers(List.of("starttls"), "STARTTLS")).isTrue();
        assertThat(SmtpProbe.offers(List.of("STARTTLSX"), "STARTTLS")).isFalse();
    }

    @Test
    void authMechanismsComeFromBothSpellings() {
        assertThat(SmtpProbe.authMechanisms(SmtpProbe.extensions(EHLO))).containsExactly("LOGIN", "PLAIN", "XOAUTH2");
    }

    @Test
    void aReplyReadsAsOneLineWithoutTheCodes() {
        SmtpProbe.Reply reply = new SmtpProbe.Reply(535, List.of("535-5.7.8 Username and Password not accepted.",
            "535 5.7.8 Learn more at https://support.example/answer"));

        assertThat(reply.oneLine())
            .isEqualTo("535 5.7.8 Username and Password not accepted. 5.7.8 Learn more at https://support.example/answer");
        assertThat(reply.positive()).isFalse();
    }
}
