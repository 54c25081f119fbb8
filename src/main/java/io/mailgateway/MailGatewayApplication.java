package io.mailgateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the gateway: broker, routes, listeners. Configuration: application.yml and GATEWAY_* variables. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MailGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(MailGatewayApplication.class, args);
    }
}
