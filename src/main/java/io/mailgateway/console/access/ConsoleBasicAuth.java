package io.mailgateway.console.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic with the console login for the actuator endpoints that show mail (/actuator/deliveries: who a
 * recent mail went to and what the next hop said), which Hawtio's own login does not cover. Health and
 * metrics stay open; they show no addresses. No credentials: 401 with a Basic challenge; wrong ones: 403
 * (counted by {@link ConsoleLoginThrottle}, which runs first).
 */
public final class ConsoleBasicAuth extends OncePerRequestFilter {

    private final ConsoleCredentials credentials;

    public ConsoleBasicAuth(ConsoleCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"mail-gateway\", charset=\"UTF-8\"");
            ConsoleRequestGuard.refuse(response, HttpServletResponse.SC_UNAUTHORIZED,
                "log in with the console user (gateway.console.username / password) as HTTP Basic");
            return;
        }
        char[] decoded;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(Base64.getDecoder().decode(header.substring(6).strip())));
            decoded = new char[chars.remaining()];
            chars.get(decoded);
            Arrays.fill(chars.array(), '\0');
        } catch (IllegalArgumentException e) {
            ConsoleRequestGuard.refuse(response, HttpServletResponse.SC_FORBIDDEN, "malformed Basic credentials");
            return;
        }
        try {
            int colon = indexOf(decoded, ':');
            boolean valid = colon > 0 && credentials.verify(new String(decoded, 0, colon),
                Arrays.copyOfRange(decoded, colon + 1, decoded.length));
            if (!valid) {
                ConsoleRequestGuard.refuse(response, HttpServletResponse.SC_FORBIDDEN, "wrong user name or password");
                return;
            }
        } finally {
            Arrays.fill(decoded, '\0');
        }
        chain.doFilter(request, response);
    }

    private static int indexOf(char[] chars, char wanted) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
