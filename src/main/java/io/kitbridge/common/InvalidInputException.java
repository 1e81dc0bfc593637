package io.kitbridge.common;

/** The caller sent something we will not act on; names the offending field. */
public final class InvalidInputException extends KitbridgeException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super("InvalidInput", field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
