package io.kitbridge.sim;

import java.time.Instant;

/**
 * One outbound HTTP POST made by the simulator (webhook or bulk callback).
 *
 * @param url        target URL exactly as registered
 * @param body       raw request body
 * @param status     HTTP status received, or -1 when the connection failed
 * @param attempt    1 for the first try, 2.. for retries; 0 for {@link SimAdmin#redeliverLast()} replays
 * @param kind       "legacy" | "signed" | "bulk-callback"
 * @param signature  X-Kit-Signature header sent (signed kind only, else null)
 * @param deliveryId delivery_id of a signed delivery, else null
 * @param at         real wall-clock time of the attempt
 */
public record DeliveryAttempt(String url, String body, int status, int attempt, String kind, String signature,
                              String deliveryId, Instant at) {
}
