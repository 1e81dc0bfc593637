package io.kitbridge.lookup;

import io.kitbridge.common.EmailAddress;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Answers from the identity mirror only: a lookup never spends Kit budget. */
@ApplicationScoped
public class LookupService {

    @Inject MirrorStore mirror;

    @Inject CredentialResolver credentials;

    @Inject InvocationDeadline deadline;

    @Inject LookupConfig config;

    @Inject Clock clock;

    public LookupResult lookup(LookupRequest request) {
        return deadline.within(clock.millis() + config.maxInvocationTime().toMillis(), () -> lookupWithin(request));
    }

    private LookupResult lookupWithin(LookupRequest request) {
        if (request == null) {
            throw new InvalidInputException("input", "expected {\"email\": ...} or {\"subscriberId\": ...}");
        }
        String account = CredentialResolver.validateAccount(request.account());
        // unknown → InvalidInput, broken → AccountDisconnected; a projection: lookup never loads a key or token
        credentials.requireConnected(account);
        MirrorRecord record;
        if (request.subscriberId() != null) {
            if (request.subscriberId() <= 0) {
                throw new InvalidInputException("subscriberId", "must be a positive Kit subscriber id");
            }
            record = mirror.get(account, request.subscriberId()).orElseThrow(() -> notFound(account,
                    "subscriber " + request.subscriberId()));
        } else {
            String email = EmailAddress.normalize("email", request.email());
            record = mirror.findByEmail(account, email).orElseThrow(() -> notFound(account, email));
        }
        List<io.kitbridge.store.AuditEntry> history = null;
        if (Boolean.TRUE.equals(request.history()) && record.email() != null) {
            history = mirror.history(account, record, request.historyEntries());
        }
        return new LookupResult(account, record.subscriberId(), record.email(), record.firstName(), record.state(),
                record.fields(), record.tags(), Instant.ofEpochMilli(record.updatedAt()).toString(), record.source(), history);
    }

    private static KitbridgeException notFound(String account, String who) {
        return new KitbridgeException("NotFound", who + " is not in the mirror of account '" + account
                + "' (run a sync, or provision them)");
    }
}
