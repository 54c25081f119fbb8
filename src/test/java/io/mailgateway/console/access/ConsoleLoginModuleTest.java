package io.mailgateway.console.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.smtp.auth.PasswordHasher;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import org.junit.jupiter.api.Test;

/** Through JAAS, the way Hawtio's login servlet and authentication filter call it. */
class ConsoleLoginModuleTest {

    @Test
    void theRightPasswordGivesTheUserAndTheAdminRoleAndAWrongOneNothing() throws Exception {
        ConsoleCredentials credentials = new ConsoleCredentials("admin", PasswordHasher.hash("pw-123456".toCharArray()));
        ConsoleJaasConfiguration.install("test-realm", credentials);

        Subject subject = new Subject();
        new LoginContext("test-realm", subject, callbacks -> {
            ((NameCallback) callbacks[0]).setName("admin");
            ((PasswordCallback) callbacks[1]).setPassword("pw-123456".toCharArray());
        }).login();
        assertThat(subject.getPrincipals(ConsoleLoginModule.User.class)).extracting(ConsoleLoginModule.User::getName).containsExactly("admin");
        assertThat(subject.getPrincipals(ConsoleLoginModule.Role.class)).extracting(ConsoleLoginModule.Role::getName).containsExactly("admin");

        Subject wrong = new Subject();
        LoginContext failing = new LoginContext("test-realm", wrong, callbacks -> {
            ((NameCallback) callbacks[0]).setName("admin");
            ((PasswordCallback) callbacks[1]).setPassword("guess".toCharArray());
        });
        assertThatThrownBy(failing::login).isInstanceOf(FailedLoginException.class).hasMessage("wrong user name or password");
        assertThat(wrong.getPrincipals()).isEmpty();
    }

    @Test
    void otherRealmsAreLeftToWhateverWasConfiguredBefore() {
        ConsoleJaasConfiguration.install("test-realm", new ConsoleCredentials("admin", "x"));
        assertThat(javax.security.auth.login.Configuration.getConfiguration().getAppConfigurationEntry("some-other-app")).isNull();
    }
}
