package io.kitbridge.oauth;

import io.kitbridge.store.Items;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a connect link allows: connect {@code account}, replacing an existing connection only if {@code replace},
 * and with another Kit account than the recorded one only if {@code allowDifferentKitAccount}. {@code linkId} is
 * a public name for audits (the link's value itself is never stored or logged).
 */
record ConnectLink(String linkId, String account, boolean replace, boolean allowDifferentKitAccount) {
    private static final String LINK_ID = "linkId";
    private static final String ACCOUNT = "account";
    private static final String REPLACE = "replace";
    private static final String ALLOW_DIFFERENT = "allowDifferentKitAccount";

    /** The link's attributes as stored (in its own item, and carried on by the OAuth state it starts). */
    Map<String, AttributeValue> attributes() {
        return Map.of(LINK_ID, Items.s(linkId), ACCOUNT, Items.s(account), REPLACE, Items.bool(replace),
                ALLOW_DIFFERENT, Items.bool(allowDifferentKitAccount));
    }

    static ConnectLink of(Map<String, AttributeValue> item) {
        return new ConnectLink(Items.strOr(item, LINK_ID, null), Items.strOr(item, ACCOUNT, null),
                Items.boolOr(item, REPLACE, false), Items.boolOr(item, ALLOW_DIFFERENT, false));
    }
}
