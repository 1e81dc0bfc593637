package io.kitbridge.oauth;

import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Audit trail of an account's OAuth connection (connect, refresh, broken), kept beside the people's audit
 * entries under the subject {@value #SUBJECT}: MirrorStore.history(account, "@oauth", n) lists them.
 * Never holds a token.
 */
@ApplicationScoped
class ConnectionAudit {
    static final String SUBJECT = "@oauth";

    @Inject MirrorStore mirror;

    void record(String account, String action, String outcome, Map<String, String> after, String detail) {
        mirror.audit(account, new AuditEntry(null, action, SUBJECT, null, outcome, "oauth", null, after, detail));
    }
}
