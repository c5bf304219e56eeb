package dev.halo.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a timing ran on, for the line benchmarks print above their tables. */
public final class Machine {
    private Machine() {}

    /** "java VERSION, N available processors, load average L" ({@code /proc/loadavg}, or unknown). */
    public static String describe() {
        return "java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " available processors, load average " + loadAverage();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
