package io.mailgateway;

import io.mailgateway.doctor.DoctorCommand;
import io.mailgateway.doctor.SendTestCommand;
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
        // command-line tools on the same jar: they run without starting the broker or any listener
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "add-user" -> System.exit(AddUserCommand.run(rest, System.console(), System.in, System.out, System.err));
                case "doctor" -> System.exit(DoctorCommand.run(rest, System.out, System.err));
                case "send-test" -> System.exit(SendTestCommand.run(rest, System.out, System.err));
                default -> {
                    // --name=value arguments for the gateway itself
                }
            }
        }
        SpringApplication.run(MailGatewayApplication.class, args);
    }
}
