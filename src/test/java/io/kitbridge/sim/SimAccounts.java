package io.kitbridge.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.kitbridge.sim.SimStore.NODES;

/**
 * The Kit accounts the simulator knows, and which one each credential belongs to: every configured API key and
 * every OAuth grant made without a browser session belongs to the primary account; grants approved in a browser
 * signed in to another account (cookie {@value #SESSION_COOKIE}) belong to that one. Identity only: all accounts
 * share the one subscriber store.
 */
final class SimAccounts {
    /** The browser's "signed in to Kit as" session on the consent screen (value: a Kit account id). */
    static final String SESSION_COOKIE = "kit_sim_session";

    record Account(long id, String name, long userId, String email) {
    }

    private final Map<Long, Account> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> apiKeyOwner = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(WebhookDispatcher.ACCOUNT_ID + 1);
    private final Account primary;

    SimAccounts() {
        primary = new Account(WebhookDispatcher.ACCOUNT_ID, "Kit Simulator", 1_000_001L, "owner@example.com");
        byId.put(primary.id(), primary);
    }

    Account primary() {
        return primary;
    }

    Account add(String name) {
        long id = nextId.getAndIncrement();
        Account a = new Account(id, name, 1_000_000L + (id - WebhookDispatcher.ACCOUNT_ID) + 1,
                "owner-" + id + "@example.com");
        byId.put(id, a);
        return a;
    }

    Account get(long id) {
        Account a = byId.get(id);
        if (a == null) {
            throw new IllegalArgumentException("no simulated Kit account " + id);
        }
        return a;
    }

    boolean exists(long id) {
        return byId.containsKey(id);
    }

    void addApiKey(String key, long accountId) {
        get(accountId);
        apiKeyOwner.put(key, accountId);
    }

    boolean isExtraApiKey(String key) {
        return apiKeyOwner.containsKey(key);
    }

    /** The account an API key belongs to (configured keys: the primary one). */
    long ownerOfApiKey(String key) {
        return apiKeyOwner.getOrDefault(key, primary.id());
    }

    /**
     * {@code GET /v4/account} as Kit documents it (kit-v4-deltas.md, row "Account identity"):
     * {@code {user:{id, email}, account:{id, name, plan_type, primary_email_address, created_at}}}.
     */
    ObjectNode body(long accountId) {
        Account a = get(accountId);
        ObjectNode o = NODES.objectNode();
        ObjectNode user = o.putObject("user");
        user.put("id", a.userId());
        user.put("email", a.email());
        ObjectNode acc = o.putObject("account");
        acc.put("id", a.id());
        acc.put("name", a.name());
        acc.put("plan_type", "creator_pro");
        acc.put("primary_email_address", a.email());
        acc.put("created_at", "2020-01-01T00:00:00Z");
        return o;
    }
}
