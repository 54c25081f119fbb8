package io.mailgateway.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The broker settings without which mail is lost silently. Spring Boot's embedded Artemis defaults fail
 * every one of them (persistence off, data in the temp dir), and a broker.xml edited by hand can lose them
 * again; the gateway refuses to start rather than run like that.
 */
public final class BrokerSafetyCheck {

    private BrokerSafetyCheck() {
    }

    /** Problems visible before the broker starts; empty when safe. */
    public static List<String> beforeStart(boolean persistenceEnabled, boolean syncTransactional,
                                           boolean syncNonTransactional, Path dataDir, Path tempDir) {
        List<String> problems = new ArrayList<>();
        if (!persistenceEnabled) {
            problems.add("persistence-enabled is false: every queued mail would be lost at restart;"
                + " set <persistence-enabled>true</persistence-enabled>");
        }
        if (!syncTransactional || !syncNonTransactional) {
            problems.add("journal-sync-transactional and journal-sync-non-transactional must be true:"
                + " the gateway acknowledges mail only once it is on disk");
        }
        Path data = dataDir.toAbsolutePath().normalize();
        Path temp = tempDir.toAbsolutePath().normalize();
        if (data.startsWith(temp)) {
            problems.add("gateway.data-dir (" + data + ") is under the temporary directory (" + temp
                + "), which the system may empty at any time; choose another folder");
        }
        return problems;
    }

    /** Problems in the settings the running broker resolved for one of our addresses; empty when safe. */
    public static List<String> forAddress(String address, AddressSettings settings, boolean deadLetterQueueExists) {
        List<String> problems = new ArrayList<>();
        if (settings.getDeadLetterAddress() == null) {
            problems.add("no dead-letter-address for " + address
                + ": mail exceeding max-delivery-attempts would be deleted");
        } else if (!deadLetterQueueExists) {
            problems.add("the dead-letter-address of " + address + " (" + settings.getDeadLetterAddress()
                + ") has no queue: dead letters sent there would be dropped");
        }
        if (settings.getExpiryAddress() == null) {
            problems.add("no expiry-address for " + address + ": an expired mail would be deleted");
        }
        if (settings.getAddressFullMessagePolicy() == AddressFullMessagePolicy.DROP) {
            problems.add("address-full-policy DROP for " + address
                + ": mail would be discarded when the address is full; use PAGE, BLOCK or FAIL");
        }
        return problems;
    }

    /** One precise message for the start-up failure. */
    public static IllegalStateException refuse(String configFile, List<String> problems) {
        return new IllegalStateException("Refusing to start with an unsafe broker configuration ("
            + configFile + "): " + String.join("; ", problems));
    }
}
