package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

class BrokerSafetyCheckTest {

    private static final Path TEMP = Path.of("/tmp");
    private static final Path DATA = Path.of("/var/lib/mail-gateway/data");

    private static AddressSettings safeSettings() {
        return new AddressSettings()
            .setDeadLetterAddress(SimpleString.of("mail.dead"))
            .setExpiryAddress(SimpleString.of("mail.dead"))
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE);
    }

    @Test
    void safeBrokerSettingsHaveNoProblemsBeforeStart() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, true, DATA, TEMP)).isEmpty();
    }

    @Test
    void persistenceOffIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(false, true, true, DATA, TEMP))
            .singleElement().asString().contains("persistence-enabled");
    }

    @Test
    void transactionalSyncOffIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(true, false, true, DATA, TEMP))
            .singleElement().asString().contains("journal-sync-transactional");
    }

    @Test
    void nonTransactionalSyncOffIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, false, DATA, TEMP))
            .singleElement().asString().contains("journal-sync-non-transactional");
    }

    @Test
    void dataDirUnderTheTempDirIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, true, Path.of("/tmp/gateway/data"), TEMP))
            .singleElement().asString().contains("temporary directory").contains("/tmp/gateway/data");
    }

    @Test
    void dataDirThatIsTheTempDirItselfIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, true, Path.of("/tmp/"), TEMP)).hasSize(1);
    }

    @Test
    void dataDirReachingTheTempDirThroughDotDotIsAProblem() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, true, Path.of("/var/../tmp/data"), TEMP)).hasSize(1);
    }

    @Test
    void dataDirWhoseNameMerelyStartsLikeTheTempDirIsFine() {
        assertThat(BrokerSafetyCheck.beforeStart(true, true, true, Path.of("/tmpdata/gateway"), TEMP)).isEmpty();
    }

    @Test
    void everyProblemBeforeStartIsReportedAtOnce() {
        assertThat(BrokerSafetyCheck.beforeStart(false, false, false, Path.of("/tmp/x"), TEMP)).hasSize(3);
    }

    @Test
    void safeAddressSettingsHaveNoProblems() {
        assertThat(BrokerSafetyCheck.forAddress("mail.outbound", safeSettings(), true)).isEmpty();
    }

    @Test
    void blockAndFailPoliciesAreSafe() {
        assertThat(BrokerSafetyCheck.forAddress("mail.outbound",
            safeSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK), true)).isEmpty();
        assertThat(BrokerSafetyCheck.forAddress("mail.outbound",
            safeSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL), true)).isEmpty();
    }

    @Test
    void missingDeadLetterAddressIsAProblem() {
        AddressSettings settings = safeSettings().setDeadLetterAddress(null);

        assertThat(BrokerSafetyCheck.forAddress("mail.outbound", settings, true))
            .singleElement().asString().contains("no dead-letter-address").contains("mail.outbound");
    }

    @Test
    void deadLetterAddressWithoutQueueIsAProblem() {
        assertThat(BrokerSafetyCheck.forAddress("mail.outbound", safeSettings(), false))
            .singleElement().asString().contains("has no queue").contains("mail.dead");
    }

    @Test
    void missingExpiryAddressIsAProblem() {
        AddressSettings settings = safeSettings().setExpiryAddress(null);

        assertThat(BrokerSafetyCheck.forAddress("mail.outbound", settings, true))
            .singleElement().asString().contains("no expiry-address").contains("mail.outbound");
    }

    @Test
    void dropPolicyIsAProblem() {
        AddressSettings settings = safeSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP);

        assertThat(BrokerSafetyCheck.forAddress("mail.outbound", settings, true))
            .singleElement().asString().contains("DROP");
    }

    @Test
    void defaultAddressSettingsLackDeadLetterAndExpiryAddresses() {
        List<String> problems = BrokerSafetyCheck.forAddress("mail.outbound", new AddressSettings(), false);

        assertThat(problems).hasSize(2);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("dead-letter-address"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("expiry-address"));
    }

    @Test
    void refusalNamesTheConfigFileAndEveryProblem() {
        IllegalStateException refusal = BrokerSafetyCheck.refuse("artemis-config/broker.xml", List.of("one", "two"));

        assertThat(refusal.getMessage()).contains("artemis-config/broker.xml").contains("one; two");
    }
}
