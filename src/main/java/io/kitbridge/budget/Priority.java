package io.kitbridge.budget;

/** Interactive work (provision, deprovision, setup, webhook follow-ups) may use the whole budget; bulk (sync) never the reserve. */
public enum Priority {
    INTERACTIVE, BULK
}
