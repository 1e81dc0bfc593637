package io.kitbridge.webhook;

import io.kitbridge.common.Emf;
import io.kitbridge.webhook.MirrorUpdater.Outcome;
import java.util.Locale;
import java.util.Map;

/**
 * WebhookEvents by Outcome as CloudWatch embedded metrics: applied, unchanged, stale, duplicate, stored, failed per
 * event; rejected per delivery (refused before its events were read: bad signature or token, malformed, too large).
 */
final class WebhookMetrics {
    private static final String REJECTED = "rejected";

    private WebhookMetrics() {
    }

    static void events(Map<Outcome, Integer> counts) {
        counts.forEach((outcome, n) -> {
            if (n > 0) {
                emit(outcome.name().toLowerCase(Locale.ROOT), n);
            }
        });
    }

    static void rejected() {
        emit(REJECTED, 1);
    }

    private static void emit(String outcome, long n) {
        Emf.event().dimension("Outcome", outcome).aggregate("Outcome").metric("WebhookEvents", n, Emf.COUNT).emit();
    }
}
