package io.kitbridge.budget;

/** A granted permit: the request may be sent now; {@code waitedMillis} is how long the caller waited for it. */
public record Permit(String budgetKey, Priority priority, long grantedAt, long waitedMillis) {
}
