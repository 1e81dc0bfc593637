package io.kitbridge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.common.KitbridgeException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The base URL setup registers at, and which registrations are ours. */
class WebhookUrlsTest {
    @Test
    void should_fail_with_a_config_error_when_base_url_is_unset_or_unusable() {
        KitbridgeException unset = assertThrows(KitbridgeException.class, () -> WebhookUrls.baseUrl(Optional.empty()));
        assertEquals("Config", unset.errorType());
        assertTrue(unset.getMessage().contains("KITBRIDGE_WEBHOOK_BASE_URL"));
        assertEquals("Config", assertThrows(KitbridgeException.class, () -> WebhookUrls.baseUrl(Optional.of("  "))).errorType());
        assertEquals("Config", assertThrows(KitbridgeException.class,
                () -> WebhookUrls.baseUrl(Optional.of("hooks.example.com"))).errorType());
        assertEquals("Config", assertThrows(KitbridgeException.class,
                () -> WebhookUrls.baseUrl(Optional.of("ftp://hooks.example.com"))).errorType());
        assertEquals("Config", assertThrows(KitbridgeException.class,
                () -> WebhookUrls.baseUrl(Optional.of("https://hooks.example.com/?x=1"))).errorType());
        assertEquals("https://hooks.example.com/prod", WebhookUrls.baseUrl(Optional.of(" https://hooks.example.com/prod/ ")));
    }

    @Test
    void should_claim_only_urls_of_this_account_route_when_checking_who_a_registration_points_at() {
        String base = "https://hooks.example.com";
        assertTrue(WebhookUrls.pointsAt("https://hooks.example.com/webhooks/acme", base, "acme"));
        assertTrue(WebhookUrls.pointsAt("https://hooks.example.com/webhooks/acme?event=x&token=y", base, "acme"));
        assertTrue(WebhookUrls.pointsAt("https://hooks.example.com/webhooks/acme/", base, "acme"));
        assertFalse(WebhookUrls.pointsAt("https://hooks.example.com/webhooks/acme2", base, "acme"));
        assertFalse(WebhookUrls.pointsAt("https://hooks.example.com/webhooks/other", base, "acme"));
        assertFalse(WebhookUrls.pointsAt("https://elsewhere.example.com/webhooks/acme", base, "acme"));
        assertFalse(WebhookUrls.pointsAt(null, base, "acme"));
        assertEquals("https://hooks.example.com/webhooks/acme?event=subscriber.tag_add&tag_id=5&token=t",
                WebhookUrls.legacyTarget(base, "acme", "subscriber.tag_add", 5L, "t"));
    }
}
