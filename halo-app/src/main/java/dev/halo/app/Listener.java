package dev.halo.app;

/**
 * What a use case tells its caller while it runs, and how the caller stops it. The CLI passes a progress bar;
 * a server would pass something that records progress and answers {@link #cancelled()} from a request.
 */
public interface Listener {
    /** A listener that ignores progress and never cancels. */
    Listener NONE = new Listener() {};

    /** {@code done} of {@code total} steps of {@code stage} are finished; {@code detail} names the last one (may be empty). */
    default void progress(String stage, long done, long total, String detail) {}

    /** Polled between steps; once true the use case stops with {@link Cancelled}. */
    default boolean cancelled() {
        return false;
    }

    /** Throws {@link Cancelled} if the caller asked to stop. */
    default void checkCancelled() {
        if (cancelled()) throw new Cancelled();
    }
}
