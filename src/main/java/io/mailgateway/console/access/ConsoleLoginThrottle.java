package io.mailgateway.console.access;

import io.mailgateway.smtp.auth.AuthFailureThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows down password guessing on the console: failed logins (Hawtio's login form, or HTTP Basic on Jolokia)
 * are counted per client address with the same throttle the SMTP AUTH uses, and an address that fails
 * {@code gateway.console.login.max-failures} times within the window gets 429 for the block duration.
 *
 * <p>Hawtio's own throttle is switched off (application.yml): it counts per user name, so anyone who can reach
 * the port could lock the one administrator out by failing on purpose. Counting per address blocks the guesser
 * instead.
 */
public final class ConsoleLoginThrottle extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLoginThrottle.class);

    private final AuthFailureThrottle throttle;
    private final Duration blockDuration;

    public ConsoleLoginThrottle(AuthFailureThrottle throttle, Duration blockDuration) {
        this.throttle = throttle;
        this.blockDuration = blockDuration;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean loginAttempt = isLoginAttempt(request);
        if (!loginAttempt) {
            chain.doFilter(request, response);
            return;
        }
        InetAddress client = InetAddress.getByName(request.getRemoteAddr());
        if (throttle.isBlocked(client)) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, blockDuration.toSeconds())));
            ConsoleRequestGuard.refuse(response, 429, "Too many failed logins from " + request.getRemoteAddr()
                + "; try again later");
            return;
        }
        chain.doFilter(request, response);
        int status = response.getStatus();
        if (status == HttpServletResponse.SC_UNAUTHORIZED || status == HttpServletResponse.SC_FORBIDDEN) {
            throttle.recordFailure(client);
            LOG.warn("Console login failed from {} ({} {})", request.getRemoteAddr(), request.getMethod(),
                request.getRequestURI());
        } else if (status < 400) {
            throttle.recordSuccess(client);
        }
    }

    /** The login form's POST, or any request that brings its own credentials (HTTP Basic). */
    private static boolean isLoginAttempt(HttpServletRequest request) {
        if (request.getHeader("Authorization") != null) {
            return true;
        }
        return "POST".equals(request.getMethod()) && request.getRequestURI().endsWith("/auth/login");
    }
}
