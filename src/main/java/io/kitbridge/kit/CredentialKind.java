package io.kitbridge.kit;

import io.kitbridge.budget.BudgetConfig;

/** API keys get 120 requests/min from Kit, OAuth access tokens 600; only OAuth may use bulk endpoints. */
public enum CredentialKind {
    API_KEY, OAUTH;

    /** Requests per budget window Kit allows this kind of credential (as configured in kitbridge.budget.*). */
    public int limit(BudgetConfig budget) {
        return this == OAUTH ? budget.oauthLimit() : budget.apiKeyLimit();
    }
}
