package dev.halo.io;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Upper bounds on every size and count that a stranger's input can choose, checked before any work or allocation, so a
 * hostile or mistyped value is refused with a message naming the option and the limit instead of exhausting memory or
 * running for a year. Each is far above any real use (the defaults are in brackets).
 */
public final class Limits {
    private Limits() {}

    /** Interleaved measurement rounds ({@code --rounds}, 2). */
    public static final int MAX_ROUNDS = 1_000;
    /** Timed runs per architecture and round ({@code --max-runs}, 200; {@code --min-runs}, 10). */
    public static final int MAX_RUNS = 100_000;
    /** Untimed warm-up runs ({@code --warmup}, 5). */
    public static final int MAX_WARMUP = 10_000;
    /** Batch size ({@code --batch}, 1). */
    public static final int MAX_BATCH = 4_096;
    /** Seeds of an evaluation ({@code --seeds}, 5). */
    public static final int MAX_SEEDS = 1_000;
    /** Monte-Carlo draws of a device code ({@code --mc}, {@code --mc-samples}, 10). */
    public static final int MAX_MC = 1_000;
    /** Architectures sampled or measured in one command ({@code --sample}, {@code -n}, {@code --validate}). */
    public static final int MAX_ARCHS = 1_000_000;
    /** Size of an architecture list or sample file ({@code --archs}, {@code --samples}). */
    public static final long MAX_ARCHS_FILE_BYTES = 64L << 20;
    /** Size of any CSV file read whole (dataset tables; HELP's largest is a few MB). */
    public static final long MAX_CSV_BYTES = 512L << 20;
    /** Size of a model file, after decompression ({@code --model}; the shipped NB201 model is 1.4 MB). */
    public static final long MAX_MODEL_BYTES = 64L << 20;
    /** Smallest latency halo accepts from a file or a measurement: 1 ns (1e-300 would fit costs of NaN). */
    public static final double MIN_LATENCY_MS = 1e-6;
    /** Largest latency halo accepts: about 2.8 hours per inference. */
    public static final double MAX_LATENCY_MS = 1e7;
    /** Seconds of a time limit ({@code --max-seconds}, {@code --timeout}): one day. */
    public static final double MAX_SECONDS = 86_400;

    /** {@code value} if it is in {@code [min, max]}, else a {@link BadInputException} naming the option and the bound. */
    public static int check(String option, int value, int min, int max) {
        if (value < min) throw new BadInputException(option + " must be at least " + min + ", got " + value);
        if (value > max) throw new BadInputException(option + " " + value + " exceeds the limit of " + max + " (halo's Limits)");
        return value;
    }

    /** {@code value} if finite and in {@code [min, max]}, else a {@link BadInputException} naming the option and the bound. */
    public static double check(String option, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max)
            throw new BadInputException(option + " must be a number in [" + num(min) + ", " + num(max) + "], got " + value);
        return value;
    }

    /** Refuses a file larger than {@code max} bytes before it is read; a missing file is left to the reader to report. */
    public static void checkFileSize(String option, Path file, long max) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > max)
                throw new BadInputException(option + " " + file + ": " + bytes(Files.size(file)) + ", larger than the limit of " + bytes(max)
                        + " (halo's Limits)");
        } catch (IOException e) {
            // unreadable: the reader says so with its own message
        }
    }

    static String bytes(long n) {
        return n >= (1L << 20) ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0) : n + " bytes";
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
