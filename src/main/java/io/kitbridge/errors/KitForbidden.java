package io.kitbridge.errors;

/** Kit answered 403 (the credential lacks a permission or plan feature). */
public final class KitForbidden extends LambdaError {
    public KitForbidden(String message) {
        super(message);
    }
}
