package dev.halo.app;

/** Thrown by a use case whose {@link Listener#cancelled()} turned true; nothing half-written is left behind as a result. */
public final class Cancelled extends RuntimeException {
    public Cancelled() {
        super("cancelled");
    }
}
