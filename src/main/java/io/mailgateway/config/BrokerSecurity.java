package io.mailgateway.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * Who may do what on the embedded broker. Two identities only:
 * <ul>
 * <li>the gateway itself, with a random password made at each start, and only over the in-VM
 *     connector: everything;</li>
 * <li>the configured JMS user ({@code gateway.jms.username}/{@code password}): send to the intake queue,
 *     nothing else (no consuming, no browsing, no sending to mail.outbound or anywhere else).</li>
 * </ul>
 * No credentials configured means no second identity: the network acceptor then admits no one.
 */
final class BrokerSecurity implements ActiveMQSecurityManager5 {

    static final String INTERNAL_USER = "gateway-internal";
    private static final String INTERNAL_ROLE = "internal";
    private static final String SUBMITTER_ROLE = "submitter";

    private final String internalPassword;
    private final String username;
    private final byte[] password;
    private final String intakeAddress;

    BrokerSecurity(String internalPassword, String username, String password, String intakeAddress) {
        this.internalPassword = internalPassword;
        this.username = username;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        this.intakeAddress = intakeAddress;
    }

    @Override
    public Subject authenticate(String user, String pass, RemotingConnection connection, String securityDomain) {
        if (user == null || pass == null) {
            return null;
        }
        byte[] given = pass.getBytes(StandardCharsets.UTF_8);
        if (INTERNAL_USER.equals(user)) {
            boolean inVm = connection != null && connection.getTransportConnection() instanceof InVMConnection;
            return inVm && MessageDigest.isEqual(given, internalPassword.getBytes(StandardCharsets.UTF_8))
                ? subject(user, INTERNAL_ROLE) : null;
        }
        if (username != null && password != null && username.equals(user) && MessageDigest.isEqual(given, password)) {
            return subject(user, SUBMITTER_ROLE);
        }
        return null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        if (subject.getPrincipals(RolePrincipal.class).stream().anyMatch(r -> r.getName().equals(INTERNAL_ROLE))) {
            return true;
        }
        boolean submitter = subject.getPrincipals(RolePrincipal.class).stream().anyMatch(r -> r.getName().equals(SUBMITTER_ROLE));
        // address may come as "address" or as the fully qualified "address::queue"
        String bare = address == null ? "" : address.split("::", 2)[0];
        return submitter && checkType == CheckType.SEND && bare.equals(intakeAddress);
    }

    @Override
    public boolean validateUser(String user, String pass) {
        return false; // ActiveMQSecurityManager5's authenticate is used instead
    }

    @Override
    public boolean validateUserAndRole(String user, String pass, Set<Role> roles, CheckType checkType) {
        return false; // ActiveMQSecurityManager5's authorize is used instead
    }

    private static Subject subject(String user, String role) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new RolePrincipal(role));
        return subject;
    }
}
