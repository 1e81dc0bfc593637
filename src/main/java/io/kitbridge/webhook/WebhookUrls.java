package io.kitbridge.webhook;

import io.kitbridge.common.KitbridgeException;
import java.net.URI;
import java.util.Optional;

/**
 * The URLs Kit delivers to: {@code <base>/webhooks/<account>}, plus, for legacy webhooks (which carry neither a
 * signature nor an event name), {@code ?event=<name>[&tag_id=<id>]&token=<secret>}.
 */
public final class WebhookUrls {
    public static final String EVENT_PARAM = "event";
    public static final String TAG_ID_PARAM = "tag_id";
    public static final String TOKEN_PARAM = "token";

    private WebhookUrls() {
    }

    /** The configured base URL, validated and without a trailing slash; a Config error when unset or unusable. */
    public static String baseUrl(Optional<String> configured) {
        String value = configured.map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() -> new KitbridgeException(
                "Config", "kitbridge.webhook.base-url (env KITBRIDGE_WEBHOOK_BASE_URL) is not set: it must be the public "
                        + "origin of the HTTP API that routes POST /webhooks/{account} to webhook-handler"));
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new KitbridgeException("Config", "kitbridge.webhook.base-url is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new KitbridgeException("Config", "kitbridge.webhook.base-url must be an absolute http(s) URL "
                    + "without query or fragment, e.g. https://abc.execute-api.eu-west-1.amazonaws.com");
        }
        return value.replaceAll("/+$", "");
    }

    /** {@code <base>/webhooks/<account>} — account names are URL-safe by construction. */
    public static String target(String base, String account) {
        return base + "/webhooks/" + account;
    }

    public static String legacyTarget(String base, String account, String event, Long tagId, String token) {
        return target(base, account) + "?" + EVENT_PARAM + "=" + event
                + (tagId == null ? "" : "&" + TAG_ID_PARAM + "=" + tagId) + "&" + TOKEN_PARAM + "=" + token;
    }

    /** True when a registered URL delivers to this account's route of this deployment. */
    public static boolean pointsAt(String url, String base, String account) {
        if (url == null) {
            return false;
        }
        String target = target(base, account);
        String u = url.trim();
        if (!u.startsWith(target)) {
            return false;
        }
        String rest = u.substring(target.length());
        return rest.isEmpty() || rest.startsWith("?") || rest.equals("/") || rest.startsWith("/?");
    }
}
