package dev.halo.cli.progress;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * How long measurements end on Ctrl-C or SIGTERM: {@code stop} asks the use case to stop after the step under way, and
 * the JVM waits up to a grace period for {@code work} to commit that step and print its summary before it exits.
 */
public final class GracefulStop {
    private GracefulStop() {}

    /** Runs {@code work} (its return value is the exit status) with {@code stop} hooked to the JVM's shutdown. */
    public static int run(String threadName, double graceSeconds, Runnable stop, IntSupplier work) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                finished.await(Math.round(graceSeconds), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.getAsInt();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of a signal; the hook waited for the work above
            }
        }
    }
}
