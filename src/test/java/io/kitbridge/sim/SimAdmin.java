package io.kitbridge.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Out-of-band control of the simulated account: changes "made in the Kit UI" (which bump updated_at and fire
 * webhooks exactly like API changes), seeding, inspection, clock, OAuth and webhook controls.
 * Unknown ids passed to mutation methods raise {@link IllegalArgumentException}.
 */
public final class SimAdmin {
    private final KitSimulator sim;
    private final SimEngine engine;
    private final SimStore store;

    SimAdmin(KitSimulator sim) {
        this.sim = sim;
        this.engine = sim.engine();
        this.store = engine.store;
    }

    // ---------------------------------------------------------------- seeding and inspection

    /** Replace all subscribers, tags and custom fields with deterministic generated data (no webhooks fire). */
    public void seed(SeedSpec spec) {
        engine.seed(spec);
    }

    public Optional<SimSubscriber> subscriberByEmail(String email) {
        store.rw.readLock().lock();
        try {
            int s = store.slotOfEmail(email);
            return s < 0 ? Optional.empty() : Optional.of(engine.snapshot(s));
        } finally {
            store.rw.readLock().unlock();
        }
    }

    public Optional<SimSubscriber> subscriber(long id) {
        store.rw.readLock().lock();
        try {
            int s = store.slotOf(id);
            return s < 0 ? Optional.empty() : Optional.of(engine.snapshot(s));
        } finally {
            store.rw.readLock().unlock();
        }
    }

    /** Snapshot of every subscriber in id order (allocates one record per subscriber). */
    public List<SimSubscriber> allSubscribers() {
        store.rw.readLock().lock();
        try {
            List<SimSubscriber> out = new ArrayList<>(store.n);
            for (int s = 0; s < store.n; s++) {
                out.add(engine.snapshot(s));
            }
            return Collections.unmodifiableList(out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    public long subscriberCount() {
        store.rw.readLock().lock();
        try {
            return store.n;
        } finally {
            store.rw.readLock().unlock();
        }
    }

    /** Count of subscribers in a state ("active", "inactive", "bounced", "complained", "cancelled"). */
    public long subscriberCount(String state) {
        byte code = SimStore.stateCode(state);
        if (code < 0) {
            throw new IllegalArgumentException("unknown state " + state);
        }
        store.rw.readLock().lock();
        try {
            long c = 0;
            for (int s = 0; s < store.n; s++) {
                if (store.states[s] == code) {
                    c++;
                }
            }
            return c;
        } finally {
            store.rw.readLock().unlock();
        }
    }

    /** Tag name → id, in id order. */
    public Map<String, Long> tagIdsByName() {
        store.rw.readLock().lock();
        try {
            Map<String, Long> m = new LinkedHashMap<>();
            for (SimStore.Tag t : store.tagsById.values()) {
                m.put(t.name, t.id);
            }
            return Collections.unmodifiableMap(m);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    /** Defined custom field keys, in creation order. */
    public Set<String> customFieldKeys() {
        store.rw.readLock().lock();
        try {
            Set<String> s = new LinkedHashSet<>();
            for (SimStore.FieldDef d : store.fieldDefs) {
                s.add(d.key);
            }
            return Collections.unmodifiableSet(s);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- UI mutations (fire webhooks)

    /** Create an active subscriber (fires subscriber_activate). */
    public long createSubscriber(String email, String firstName) {
        try {
            return engine.createSubscriberAdmin(email, firstName);
        } catch (SimEngine.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Unsubscribe (active → inactive in SEED, cancelled in PUBLIC; fires subscriber_unsubscribe). */
    public void unsubscribe(long id) {
        try {
            engine.unsubscribe(id);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        }
    }

    public void bounce(long id) {
        try {
            engine.setState(id, SimStore.BOUNCED, SimEvent.BOUNCE);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        }
    }

    public void complain(long id) {
        try {
            engine.setState(id, SimStore.COMPLAINED, SimEvent.COMPLAIN);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        }
    }

    /** Tag a subscriber (no-op when already tagged; fires tag_add otherwise). */
    public void tag(long id, long tagId) {
        try {
            engine.tag(tagId, id, null);
        } catch (SimEngine.NotFound e) {
            throw new IllegalArgumentException("unknown subscriber " + id + " or tag " + tagId);
        }
    }

    /** Remove a tag (no-op when not tagged; fires tag_remove otherwise). */
    public void untag(long id, long tagId) {
        store.rw.readLock().lock();
        try {
            int s = store.slotOf(id);
            if (s < 0 || store.tag(tagId) == null) {
                throw new IllegalArgumentException("unknown subscriber " + id + " or tag " + tagId);
            }
            if (store.taggedAt(s, tagId) < 0) {
                return;
            }
        } finally {
            store.rw.readLock().unlock();
        }
        try {
            engine.untag(tagId, id, null);
        } catch (SimEngine.NotFound ignored) {
            // removed concurrently
        }
    }

    /** Change a subscriber's first name (bumps updated_at, as a change in the Kit UI would). */
    public void rename(long id, String firstName) {
        try {
            engine.update(id, null, true, firstName, null);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        }
    }

    /**
     * Switch: answer {@code GET /v4/subscribers?include=tags} without the {@code tags} key on the items, like a Kit
     * that ignores the parameter (exercises the product's fallback to the per-tag pass).
     */
    public void setIgnoreIncludeTags(boolean ignore) {
        engine.ignoreIncludeTags = ignore;
    }

    /** Switch: whether tagging and untagging bump updated_at (Kit's documents do not say; default true). */
    public void setTaggingTouchesUpdatedAt(boolean touches) {
        engine.taggingTouchesUpdatedAt = touches;
    }

    /** Set (or clear with null) a custom field value (fires custom_field_value_update to signed endpoints). */
    public void setField(long id, String key, String value) {
        try {
            engine.setFieldAdmin(id, key, value);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        }
    }

    public void changeEmail(long id, String email) {
        try {
            engine.changeEmailAdmin(id, email);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(id);
        } catch (SimEngine.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Create a tag and return its id (the existing id when the name is taken, case-insensitively). */
    public long createTag(String name) {
        try {
            return engine.createTag(name).id();
        } catch (SimEngine.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Define a custom field with exactly this key (label derived from it). No-op when the key exists. */
    public void createCustomField(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank");
        }
        store.rw.readLock().lock();
        try {
            if (store.fieldsByKey.containsKey(key)) {
                return;
            }
        } finally {
            store.rw.readLock().unlock();
        }
        try {
            engine.createCustomField(SimEngine.labelFor(key), key);
        } catch (SimEngine.Invalid alreadyCreatedConcurrently) {
            // fine
        }
    }

    /**
     * Emit an event for a subscriber without changing data, e.g. "subscriber.form_subscribe",
     * "subscriber.course_subscribe", "subscriber.course_complete", "subscriber.link_click",
     * "subscriber.product_purchase" (the "subscriber." prefix is optional).
     */
    public void fireEvent(String eventName, long subscriberId) {
        try {
            engine.fireEvent(eventName, subscriberId);
        } catch (SimEngine.NotFound e) {
            throw unknownSubscriber(subscriberId);
        }
    }

    private static IllegalArgumentException unknownSubscriber(long id) {
        return new IllegalArgumentException("unknown subscriber " + id);
    }

    // ---------------------------------------------------------------- clock

    /** Move the simulator's wall clock (token expiry, created_at/updated_at stamps). The rate limiter is unaffected. */
    public void advanceClock(Duration d) {
        sim.clock().advance(d);
    }

    /**
     * Stops the rate limiter's clock: from now on a request's window is decided by {@link #advanceRateLimitClock},
     * not by how long the machine took to send it. For tests of the limiter itself; the clients of a simulator
     * whose limiter is frozen must not rely on time passing.
     */
    public void freezeRateLimitClock() {
        sim.limiter().freeze();
    }

    /** Moves the rate limiter's clock forward (frozen or not): counted requests leave the sliding window. */
    public void advanceRateLimitClock(Duration d) {
        sim.limiter().advance(d);
    }

    /** The simulator's wall-clock time. */
    public Instant now() {
        return sim.clock().now();
    }

    // ---------------------------------------------------------------- rate limiting

    /** Requests rejected by the real rate limiter (injected 429s excluded). */
    public int violations() {
        return sim.violations().size();
    }

    public List<Violation> violationList() {
        return sim.violations();
    }

    /** All 429 responses served, real and injected. */
    public int rateLimited429s() {
        return sim.rateLimited429s();
    }

    /** Forget all rate-limit windows, violations and the 429 counter. */
    public void resetRateLimits() {
        sim.limiter().reset();
        sim.clearViolations();
    }

    // ---------------------------------------------------------------- OAuth

    /** Issue a token pair as if the code exchange had happened (scope "public"). */
    public OAuthTokens grantTokensDirectly() {
        return sim.oauth().grantDirectly("public");
    }

    public OAuthTokens grantTokensDirectly(String scope) {
        return sim.oauth().grantDirectly(scope);
    }

    /** Issue a token pair for another simulated Kit account (see {@link #addKitAccount}). */
    public OAuthTokens grantTokensDirectly(String scope, long kitAccountId) {
        return sim.oauth().grantDirectly(scope, kitAccountId);
    }

    /** The account every configured API key and cookie-less consent belongs to. */
    public long primaryKitAccountId() {
        return sim.accounts().primary().id();
    }

    /**
     * Another Kit account (own id and name in GET /v4/account; shares the subscriber data). A browser approves
     * consent as it by sending the cookie {@link #sessionCookie(long)} to /oauth/authorize.
     */
    public long addKitAccount(String name) {
        return sim.accounts().add(name).id();
    }

    /** An extra API key belonging to {@code kitAccountId}. */
    public void addApiKey(String key, long kitAccountId) {
        sim.accounts().addApiKey(key, kitAccountId);
    }

    /** The Cookie header of a browser signed in to Kit as {@code kitAccountId}. */
    public static String sessionCookie(long kitAccountId) {
        return SimAccounts.SESSION_COOKIE + "=" + kitAccountId;
    }

    /** Make an access token expired as of now (API answers 401 "The access token expired"). */
    public void expireAccessToken(String token) {
        sim.oauth().expire(token);
    }

    /** Revoke an access token, or a refresh token together with its access token. */
    public void revokeToken(String accessOrRefreshToken) {
        sim.oauth().revoke(accessOrRefreshToken);
    }

    /** Successful refresh_token grants so far. */
    public int tokenRefreshes() {
        return sim.oauth().refreshes();
    }

    public boolean isRefreshTokenValid(String refreshToken) {
        return sim.oauth().isRefreshValid(refreshToken);
    }

    // ---------------------------------------------------------------- webhooks

    /** Wait until no event, delivery, retry or async bulk job is pending. @return false on timeout */
    public boolean awaitWebhooksDelivered(Duration timeout) {
        return sim.hooks().awaitIdle(timeout);
    }

    /** Events, deliveries, scheduled retries and bulk jobs not finished yet. */
    public int pendingWebhooks() {
        return sim.hooks().pending();
    }

    /** Every outbound attempt (webhooks and bulk callbacks) in order. */
    public List<DeliveryAttempt> deliveries() {
        return sim.hooks().deliveries();
    }

    public void clearDeliveries() {
        sim.hooks().clearDeliveries();
    }

    /** Re-send the most recent delivery byte-for-byte (same body and signature header), synchronously, once. */
    public DeliveryAttempt redeliverLast() {
        return sim.hooks().redeliverLast();
    }

    /**
     * Rotate a signed endpoint's secret: for the next 24 h (simulator clock) deliveries carry two v1 signatures
     * (new first, then old). @return the new secret
     */
    public String rotateEndpointSecret(long endpointId) {
        return sim.hooks().rotate(endpointId);
    }

    /** End a rotation early: only the new secret signs from now on. */
    public void endSecretRotation(long endpointId) {
        sim.hooks().endRotation(endpointId);
    }

    /** Shift the {@code t=} timestamp of future signatures (e.g. -10 min to test replay tolerance). */
    /** Plants an endpoint with non-catalog event names, as an older, laxer registration left it (Kit refuses them now). */
    public void setEndpointEvents(long endpointId, List<String> events) {
        sim.hooks().setEndpointEvents(endpointId, events);
    }

    /** Marks catalog event types as not available to this account: endpoint registrations naming them get 422. */
    public void setUnavailableEndpointEvents(java.util.Set<String> types) {
        sim.hooks().unavailableEndpointEvents = java.util.Set.copyOf(types);
    }

    public void setSignatureTimestampSkew(Duration skew) {
        sim.hooks().setSignatureSkew(skew);
    }
}
