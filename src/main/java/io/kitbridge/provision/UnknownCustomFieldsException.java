package io.kitbridge.provision;

import io.kitbridge.common.KitbridgeException;
import java.util.List;

/** Kit would silently drop these keys: refuse instead, naming them, before anything is written. */
final class UnknownCustomFieldsException extends KitbridgeException {
    UnknownCustomFieldsException(String path, List<String> keys) {
        super("UnknownCustomFields", path + "fields: " + keys + " are not custom fields of this Kit account; create them"
                + " in Kit or pass \"createMissingFields\": true");
    }
}
