package dev.halo.cli.progress;

import dev.halo.app.Listener;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;

/** A use case's progress as a progress bar on stderr ({@link Progress#bar}); {@link #cancel()} asks the use case to stop. */
public final class BarListener implements Listener, AutoCloseable {
    private final PrintWriter err;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private ProgressBar bar;

    public BarListener(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(String stage, long done, long total, String detail) {
        if (bar == null) bar = Progress.bar(stage, total, done, err);
        // a use case may finish below its first total (a search whose small space runs out before its budget)
        if (bar.getMax() != total) bar.maxHint(total);
        bar.stepTo(done);
        if (!detail.isEmpty()) bar.setExtraMessage(detail);
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    /** Called from a shutdown hook (Ctrl-C, SIGTERM): the use case stops after the step under way. */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * Runs {@code work} with a bar when stderr is an interactive terminal and silently otherwise: a use case that takes
     * seconds (a search) would only add lines to a log.
     */
    public static <T> T onTerminal(PrintWriter err, Function<Listener, T> work) {
        if (!Progress.stderrIsTerminal()) return work.apply(Listener.NONE);
        try (BarListener bar = new BarListener(err)) {
            return work.apply(bar);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) bar.close();
    }
}
