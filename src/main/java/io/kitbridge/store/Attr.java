package io.kitbridge.store;

/** Attribute names shared by every table; one place so expressions and the template agree. */
public final class Attr {
    // keys
    public static final String ACCOUNT = "account";
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String EMAIL_KEY = "emailKey";
    /** Epoch seconds; DynamoDB TTL deletes late (dynalite never), so readers check it themselves. */
    public static final String EXPIRES_AT = "expiresAt";
    public static final String VERSION = "version";
    public static final String UPDATED_AT = "updatedAt";

    // indexes
    public static final String MIRROR_EMAIL_INDEX = "byEmail";

    private Attr() {
    }
}
