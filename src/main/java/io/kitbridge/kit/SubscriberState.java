package io.kitbridge.kit;

import java.util.Locale;

/**
 * Kit's subscriber states. The seed says unsubscribe yields "inactive", Kit's public docs say
 * "cancelled": both mean unsubscribed, and neither can be reversed through the API.
 */
public enum SubscriberState {
    ACTIVE, INACTIVE, CANCELLED, BOUNCED, COMPLAINED, UNKNOWN;

    public static SubscriberState parse(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    public boolean isUnsubscribed() {
        return this == INACTIVE || this == CANCELLED;
    }

    /** Kit will not mail this person again and no API call can change that. */
    public boolean isSuppressed() {
        return this == INACTIVE || this == CANCELLED || this == BOUNCED || this == COMPLAINED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
