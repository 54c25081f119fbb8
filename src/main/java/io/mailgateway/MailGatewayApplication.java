package io.mailgateway;

import io.mailgateway.smtp.auth.AddUserCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the gateway: broker, routes, listeners. Configuration: application.yml and GATEWAY_* variables. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MailGatewayApplication {

    public static void main(String[] args) {
        // a command-line tool on the same jar: runs without starting Spring, the broker or any listener
        if (args.length > 0 && args[0].equals("add-user")) {
            System.exit(AddUserCommand.run(Arrays.copyOfRange(args, 1, args.length), System.console(), System.in, System.out, System.err));
        }
        SpringApplication.run(MailGatewayApplication.class, args);
    }
}
