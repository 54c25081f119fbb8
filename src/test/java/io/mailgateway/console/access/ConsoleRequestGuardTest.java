package io.mailgateway.console.access;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ConsoleRequestGuardTest {

    private final ConsoleRequestGuard guard = new ConsoleRequestGuard(List.of("https://Mail-Admin.example.com:443"));

    @Test
    void originsAreComparedBySchemeHostAndPort() {
        assertThat(ConsoleRequestGuard.normalise("HTTP://127.0.0.1:80")).isEqualTo("http://127.0.0.1");
        assertThat(ConsoleRequestGuard.normalise("https://x.example:8443/")).isEqualTo("https://x.example:8443");
        assertThat(ConsoleRequestGuard.normalise("null")).isNull();
        assertThat(ConsoleRequestGuard.normalise("http://x.example/path")).isNull();
        assertThat(ConsoleRequestGuard.normalise("not a uri at all")).isNull();
    }

    @Test
    void theConsolesOwnOriginAndConfiguredOnesPassOthersAreRefused() throws Exception {
        assertThat(post("http://127.0.0.1:8080").getStatus()).isEqualTo(200);
        assertThat(post("https://mail-admin.example.com").getStatus()).isEqualTo(200);
        assertThat(post("http://127.0.0.1:8081").getStatus()).isEqualTo(403);
        assertThat(post("http://evil.example").getStatus()).isEqualTo(403);
        assertThat(post("null").getStatus()).isEqualTo(403);
        assertThat(post(null).getStatus()).isEqualTo(200);
    }

    @Test
    void getMayOnlyRead() throws Exception {
        assertThat(get("/actuator/jolokia", "/read/java.lang:type=Memory", null)).isEqualTo(200);
        assertThat(get("/actuator/jolokia", "/list", null)).isEqualTo(200);
        assertThat(get("/actuator/jolokia", null, null)).isEqualTo(200);
        assertThat(get("/actuator/jolokia", "/exec/x:type=Y/op", null)).isEqualTo(405);
        assertThat(get("/actuator/jolokia", "//Write/x:type=Y/A/1", null)).isEqualTo(405);
        assertThat(get("/actuator/jolokia", "/", "/exec/x:type=Y/op")).isEqualTo(405);
        assertThat(get("/actuator/jolokia", "/read/x", "exec/x:type=Y/op")).isEqualTo(405);
        assertThat(get("/actuator/hawtio/jolokia", "/exec/x:type=Y/op", null)).isEqualTo(405);
        assertThat(get("/actuator/hawtio", "/jmx", null)).isEqualTo(200);
    }

    private MockHttpServletResponse post(String origin) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/actuator/jolokia");
        request.setServletPath("/actuator/jolokia");
        request.addHeader("Host", "127.0.0.1:8080");
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        guard.doFilter(request, response, new MockFilterChain());
        return response;
    }

    private int get(String servletPath, String pathInfo, String pParameter) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", servletPath + (pathInfo == null ? "" : pathInfo));
        request.setServletPath(servletPath);
        request.setPathInfo(pathInfo);
        if (pParameter != null) {
            request.setParameter("p", pParameter);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        guard.doFilter(request, response, new MockFilterChain());
        if (response.getStatus() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
            assertThat(response.getHeader("Allow")).isEqualTo("POST");
        }
        return response.getStatus();
    }
}
