package io.kitbridge.oauth;

import io.kitbridge.testing.Lambda;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Drives the oauth function like a browser would: API Gateway v2 events in, redirects followed by hand. */
final class OAuthFlow {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private OAuthFlow() {
    }

    /** What a finished round trip saw: the start redirect, Kit's redirect back, the callback's answer. */
    record RoundTrip(String authorizeUrl, String callbackUrl, Map<String, String> callbackQuery, Response page) {
        String code() {
            return callbackQuery.get("code");
        }
    }

    static Map<String, Object> event(String path, Map<String, String> query) {
        Map<String, Object> e = new HashMap<>();
        e.put("version", "2.0");
        e.put("routeKey", "GET " + path.replaceFirst("^/prod", ""));
        e.put("rawPath", path);
        e.put("rawQueryString", query.entrySet().stream().map(q -> enc(q.getKey()) + "=" + enc(q.getValue()))
                .collect(Collectors.joining("&")));
        e.put("headers", Map.of("host", "kitbridge.example.com", "user-agent", "test"));
        e.put("queryStringParameters", query);
        e.put("requestContext", Map.of("http", Map.of("method", "GET", "path", path)));
        e.put("isBase64Encoded", false);
        return e;
    }

    /** GET /oauth/start without a link (refused) or with the given one. */
    static Response start(String account) {
        return Lambda.invoke(event("/oauth/start", account == null ? Map.of() : Map.of("account", account)));
    }

    static Response start(String account, String link) {
        return Lambda.invoke(event("/oauth/start", Map.of("account", account, "link", link)));
    }

    static Response callback(Map<String, String> query) {
        return Lambda.invoke(event("/oauth/callback", query));
    }

    /** The operator's direct invoke {"action": "connect-link", ...}. */
    static Response connectLink(String account, boolean replace, boolean allowDifferentKitAccount) {
        return Lambda.invoke(Map.of("action", "connect-link", "account", account, "replace", replace,
                "allowDifferentKitAccount", allowDifferentKitAccount));
    }

    /** The link value of a freshly minted connect link for {@code account}. */
    static String link(String account, boolean replace, boolean allowDifferentKitAccount) {
        Response r = connectLink(account, replace, allowDifferentKitAccount);
        if (r.statusCode() != 200) {
            throw new AssertionError("connect-link failed: " + r.asString());
        }
        return query(r.jsonPath().getString("url")).get("link");
    }

    /** Mint a link (no replace), GET /oauth/start, follow the 302 to Kit's authorize endpoint, read where Kit sends the browser back. */
    static String[] authorize(String account) {
        return authorize(account, link(account, false, false), null);
    }

    /** As above with a given link, approved in a browser signed in to Kit as {@code kitSession} (null: the primary account). */
    static String[] authorize(String account, String link, String kitSessionCookie) {
        Response start = start(account, link);
        if (start.jsonPath().getInt("statusCode") != 302) {
            throw new AssertionError("start did not redirect: " + start.asString());
        }
        String authorizeUrl = start.jsonPath().getString("headers.location");
        HttpResponse<String> kit = get(authorizeUrl, kitSessionCookie);
        if (kit.statusCode() != 302) {
            throw new AssertionError("Kit's authorize answered " + kit.statusCode() + ": " + kit.body());
        }
        return new String[] {authorizeUrl, kit.headers().firstValue("Location").orElseThrow()};
    }

    /** The whole round trip with a new link (no replace): connect-link → start → Kit authorize → callback. */
    static RoundTrip connect(String account) {
        return connect(account, false, false, null);
    }

    static RoundTrip connect(String account, boolean replace, boolean allowDifferentKitAccount, String kitSessionCookie) {
        String[] urls = authorize(account, link(account, replace, allowDifferentKitAccount), kitSessionCookie);
        Map<String, String> query = query(urls[1]);
        return new RoundTrip(urls[0], urls[1], query, callback(query));
    }

    static HttpResponse<String> get(String url) {
        return get(url, null);
    }

    static HttpResponse<String> get(String url, String cookie) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
            if (cookie != null) {
                request.header("Cookie", cookie);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = URI.create(url).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int i = pair.indexOf('=');
                out.put(URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8),
                        i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static int status(Response r) {
        return r.jsonPath().getInt("statusCode");
    }

    static String body(Response r) {
        return r.jsonPath().getString("body");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
