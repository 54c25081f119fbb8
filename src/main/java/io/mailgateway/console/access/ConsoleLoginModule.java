package io.mailgateway.console.access;

import java.io.IOException;
import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * The JAAS login module Hawtio calls for its login form and for HTTP Basic on Jolokia (see
 * {@link ConsoleJaasConfiguration}). It checks the name and password against {@link ConsoleCredentials},
 * passed in the module options because JAAS creates login modules itself, and on success gives the subject
 * the user and the {@value #ROLE} role Hawtio is configured to require ({@code hawtio.roles} in
 * application.yml).
 */
public final class ConsoleLoginModule implements LoginModule {

    /** The option under which {@link ConsoleJaasConfiguration} passes the credentials. */
    static final String CREDENTIALS_OPTION = ConsoleCredentials.class.getName();
    static final String ROLE = "admin";

    private Subject subject;
    private CallbackHandler callbackHandler;
    private ConsoleCredentials credentials;
    private String authenticatedUser;
    private User user;
    private Role role;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
                           Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
        this.credentials = (ConsoleCredentials) options.get(CREDENTIALS_OPTION);
    }

    @Override
    public boolean login() throws LoginException {
        if (credentials == null || callbackHandler == null) {
            throw new LoginException("console login is not configured");
        }
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot read the login: " + e.getMessage());
        }
        char[] given = password.getPassword();
        try {
            if (!credentials.verify(name.getName(), given)) {
                // the same words for a wrong name and a wrong password
                throw new FailedLoginException("wrong user name or password");
            }
        } finally {
            if (given != null) {
                Arrays.fill(given, '\0');
            }
            password.clearPassword();
        }
        authenticatedUser = name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        if (authenticatedUser == null) {
            return false;
        }
        user = new User(authenticatedUser);
        role = new Role(ROLE);
        subject.getPrincipals().add(user);
        subject.getPrincipals().add(role);
        return true;
    }

    @Override
    public boolean abort() {
        logout();
        return true;
    }

    @Override
    public boolean logout() {
        if (subject != null) {
            if (user != null) {
                subject.getPrincipals().remove(user);
            }
            if (role != null) {
                subject.getPrincipals().remove(role);
            }
        }
        authenticatedUser = null;
        user = null;
        role = null;
        return true;
    }

    /** The logged-in console user ({@code hawtio.userPrincipalClasses}). */
    public record User(String getName) implements Principal {
    }

    /** A console role ({@code hawtio.rolePrincipalClasses}); Hawtio requires {@value ConsoleLoginModule#ROLE}. */
    public record Role(String getName) implements Principal {
    }
}
