package io.mailgateway.console.access;

import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * Puts {@link ConsoleLoginModule} behind Hawtio's JAAS realm. Hawtio authenticates through the JVM-wide JAAS
 * configuration under its realm name ({@code hawtio.realm}, "hawtio"); installing this one (see
 * {@link #install}) answers that realm with our module and leaves every other name to the configuration
 * that was there before, so nothing else in the JVM that uses JAAS is affected.
 */
public final class ConsoleJaasConfiguration extends Configuration {

    private final String realm;
    private final AppConfigurationEntry[] entries;
    private final Configuration previous;

    private ConsoleJaasConfiguration(String realm, ConsoleCredentials credentials, Configuration previous) {
        this.realm = realm;
        this.entries = new AppConfigurationEntry[] {
            new AppConfigurationEntry(ConsoleLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(ConsoleLoginModule.CREDENTIALS_OPTION, credentials))
        };
        this.previous = previous;
    }

    /** Makes {@code realm} log in with {@code credentials}, JVM-wide; call before Hawtio starts. */
    public static void install(String realm, ConsoleCredentials credentials) {
        Configuration previous;
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException e) {
            // no default JAAS configuration file (the usual case): nothing to fall back to
            previous = null;
        }
        if (previous instanceof ConsoleJaasConfiguration ours) {
            previous = ours.previous;
        }
        Configuration.setConfiguration(new ConsoleJaasConfiguration(realm, credentials, previous));
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        if (realm.equals(name)) {
            return entries.clone();
        }
        return previous == null ? null : previous.getAppConfigurationEntry(name);
    }
}
