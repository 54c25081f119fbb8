package io.mailgateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.config.GatewayProperties;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Access tokens for AUTH XOAUTH2, from the smart host's OAuth2 token endpoint (RFC 6749 §4.4 client
 * credentials, or §6 refresh token). A token is kept and shared by the delivery threads until shortly before
 * it expires (a minute, or half its lifetime when that is shorter), then fetched again on the next
 * connection. A token endpoint that fails is a temporary delivery failure with its reason: the mail waits.
 * Neither the secret, the refresh token nor a token is ever logged.
 */
public final class OAuth2Tokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_MARGIN = Duration.ofMinutes(1);

    private final GatewayProperties.OAuth2 settings;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    public OAuth2Tokens(GatewayProperties.OAuth2 settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.getTimeout())
            .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A valid access token, fetched now if the kept one is (nearly) expired. */
    public synchronized String token() throws IOException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(refreshAt)) {
            return token;
        }
        Map<String, String> form = new LinkedHashMap<>();
        if (settings.getRefreshToken() != null && !settings.getRefreshToken().isBlank()) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", settings.getRefreshToken());
        } else {
            form.put("grant_type", "client_credentials");
        }
        form.put("client_id", settings.getClientId());
        if (settings.getClientSecret() != null) {
            form.put("client_secret", settings.getClientSecret());
        }
        if (settings.getScope() != null && !settings.getScope().isBlank()) {
            form.put("scope", settings.getScope());
        }
        HttpRequest request = HttpRequest.newBuilder(settings.getTokenEndpoint())
            .timeout(settings.getTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + endpoint() + " for a token");
        } catch (IOException e) {
            throw new IOException("cannot reach the OAuth2 token endpoint " + endpoint() + ": " + e, e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || body == null || !body.hasNonNull("access_token")) {
            throw new IOException("the OAuth2 token endpoint " + endpoint() + " answered " + response.statusCode()
                + describeError(body));
        }
        token = body.get("access_token").asText();
        long expiresIn = body.path("expires_in").asLong(3600);
        Duration lifetime = Duration.ofSeconds(Math.max(1, expiresIn));
        Duration margin = lifetime.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(2) : MAX_MARGIN;
        refreshAt = now.plus(lifetime).minus(margin);
        return token;
    }

    /** Scheme, host and path only: a query could carry something secret. */
    private String endpoint() {
        var uri = settings.getTokenEndpoint();
        return uri.getScheme() + "://" + uri.getAuthority() + (uri.getPath() == null ? "" : uri.getPath());
    }

    private static String describeError(JsonNode body) {
        if (body == null) {
            return " (not a JSON token response)";
        }
        String error = body.path("error").asText("");
        String description = body.path("error_description").asText("");
        String text = (error + (description.isEmpty() ? "" : ": " + description)).replaceAll("\\p{Cntrl}", " ");
        return text.isBlank() ? " without an access_token" : " (" + (text.length() > 300 ? text.substring(0, 300) : text) + ")";
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }
}
