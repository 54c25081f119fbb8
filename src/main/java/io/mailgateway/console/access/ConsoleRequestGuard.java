package io.mailgateway.console.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks every request to the console (Hawtio and Jolokia) before anything answers it:
 * <ul>
 *   <li><b>Origin</b>: a browser request that carries an Origin header must come from the console's own
 *   origin (scheme, host and port of the request itself) or one listed in {@code gateway.console.allowed-origins}.
 *   This refuses a page on another site that tries to drive Jolokia with the operator's session (CSRF).
 *   Requests without Origin (curl, monitoring scripts) are not browser cross-site requests and pass.</li>
 *   <li><b>Writes only over POST</b>: Jolokia also takes commands in a GET URL ({@code /jolokia/exec/...} or
 *   {@code ?p=/exec/...}), which an image tag or a link could trigger. GET may only read
 *   (read, list, search, version, config); write and exec must be POSTed, which browsers do not send
 *   cross-site without the Origin this guard checks.</li>
 * </ul>
 */
public final class ConsoleRequestGuard extends OncePerRequestFilter {

    /** Jolokia request types that cannot change anything. */
    private static final Set<String> READ_ONLY_TYPES = Set.of("", "read", "list", "search", "version", "config");
    private static final String JOLOKIA_SEGMENT = "/jolokia";

    private final Set<String> allowedOrigins;

    public ConsoleRequestGuard(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins.stream().map(ConsoleRequestGuard::normalise).collect(Collectors.toSet());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(request, origin)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "Origin " + printable(origin) + " may not use the"
                + " console; add it to gateway.console.allowed-origins if it is yours");
            return;
        }
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            String type = jolokiaTypeOfGet(request);
            if (type != null && !READ_ONLY_TYPES.contains(type)) {
                response.setHeader("Allow", "POST");
                refuse(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Jolokia '" + printable(type)
                    + "' changes state and is accepted only as a POST request");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private boolean originAllowed(HttpServletRequest request, String origin) {
        String normalised = normalise(origin);
        if (normalised == null) {
            return false;   // "null" (sandboxed frames, file: pages) or garbage
        }
        String host = request.getHeader("Host");
        String own = host == null ? null : normalise(request.getScheme() + "://" + host);
        return normalised.equals(own) || allowedOrigins.contains(normalised);
    }

    /**
     * The Jolokia request type of a GET to a Jolokia path ({@code exec} for {@code /jolokia/exec/...}), or
     * null when the request is not for Jolokia. Works on the decoded, normalised servlet path, so
     * {@code %65xec} or {@code //exec} are seen as {@code exec}.
     */
    static String jolokiaTypeOfGet(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        int at = path.indexOf(JOLOKIA_SEGMENT + "/");
        if (at < 0) {
            if (!path.endsWith(JOLOKIA_SEGMENT)) {
                return null;
            }
            at = path.length() - JOLOKIA_SEGMENT.length();
        }
        String command = path.substring(at + JOLOKIA_SEGMENT.length());
        // Jolokia reads the command from the p parameter instead of the path when it is given
        String fromParameter = request.getParameter("p");
        if (fromParameter != null) {
            command = fromParameter;
        }
        command = command.replaceFirst("^/+", "");
        int slash = command.indexOf('/');
        return (slash < 0 ? command : command.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    /** scheme://host[:port] in lower case with default ports dropped, or null when not an origin. */
    public static String normalise(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    && !uri.getRawPath().equals("/")) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (Exception e) {
            return null;
        }
    }

    private static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(reason + "\n");
    }
}
