package dev.halo.cli.progress;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr: redrawn in place on a terminal, one plain ASCII line every few seconds otherwise (logs, CI). */
public final class Progress {
    private static final int LOG_INTERVAL_MS = 5_000;

    private Progress() {}

    /**
     * A bar for {@code total} steps of which {@code alreadyDone} were done before (the ETA counts only new work).
     *
     * @param err where the bar goes when stderr is not a terminal (the command's stderr writer)
     */
    public static ProgressBar bar(String task, long total, long alreadyDone, PrintWriter err) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(alreadyDone, Duration.ZERO);
        if (stderrIsTerminal()) {
            // a terminal is the process's own stderr: the bar redraws itself there with carriage returns
            b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(System.err));
        } else {
            b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(LOG_INTERVAL_MS).setConsumer(new DelegatingProgressBarConsumer(line -> {
                err.println(line.strip());
                err.flush();
            }, 100));
        }
        return b.build();
    }

    /** Whether stderr goes to a terminal: on Linux, whether fd 2 links to a tty; elsewhere, whether there is a console. */
    public static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
