package dev.halo.cli.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.cli.HaloCommand;
import dev.halo.data.LatencyDataset;
import dev.halo.measure.MeasurementStore;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code halo measure}, {@code halo onboard} and {@code halo data import-help} with SIGKILL at random moments
 * ({@value #KILLS} kills each, in real child JVMs running the CLI's main class), and checks after every kill that no
 * output is half-written and no stored row is lost or duplicated, and after the next complete run that the result is
 * exact and nothing is left behind (temporary files and folders of the killed runs included).
 *
 * <p>Workloads are tiny (a few archs, 3 timed runs each) so the whole class stays within about three minutes on two
 * busy cores; the random delays are seeded, so a failure can be replayed.
 */
class FaultInjectionTest {
    static final int KILLS = 20;
    private static final String[] QUICK = {"--warmup", "1", "--min-runs", "3", "--max-runs", "3", "--max-seconds", "0.2"};

    @TempDir Path dir;
    private final Random rng = new Random(15);
    private int started;

    @Test
    void measureKilledAtRandomLosesAndDuplicatesNothing() throws Exception {
        Path store = dir.resolve("m.db"), csv = dir.resolve("m.csv");
        List<String> args = new ArrayList<>(List.of("measure", "--space", "nasbench201", "--sample", "4", "--rounds", "3", "--seed", "5",
                "--store", store.toString(), "--out", csv.toString()));
        args.addAll(List.of(QUICK));
        Set<String> seen = new HashSet<>();
        int kills = killRepeatedly(args, 3000, () -> {
            checkMeasureCsv(csv);
            checkStore(store, seen, 12);
        }, () -> { // complete: measure a fresh store again
            Files.delete(store);
            Files.deleteIfExists(csv);
            seen.clear();
        });
        assertThat(kills).isGreaterThanOrEqualTo(KILLS);
        assertThat(runToEnd(args)).isZero();
        checkStore(store, seen, 12);
        assertThat(seen).hasSize(12); // 4 archs x 3 rounds, each exactly once
        assertThat(Files.readAllLines(csv)).hasSize(5);
        assertNoLeftovers(dir);
    }

    @Test
    void onboardKilledAtRandomResumesToACompleteResult() throws Exception {
        Path out = dir.resolve("ob");
        List<String> args = new ArrayList<>(List.of("onboard", "--space", "nasbench201", "--name", "fi", "--samples", "4", "--validate", "3",
                "--rounds", "2", "--out", out.toString()));
        args.addAll(List.of(QUICK));
        Set<String> seen = new HashSet<>();
        Path store = out.resolve("measurements.db");
        int kills = killRepeatedly(args, 4000, () -> {
            checkOnboardFiles(out);
            if (Files.exists(store)) checkStore(store, seen, Integer.MAX_VALUE);
        }, () -> { // complete: onboard from scratch again
            dev.halo.io.Leftovers.deleteRecursively(out);
            seen.clear();
        });
        assertThat(kills).isGreaterThanOrEqualTo(KILLS);
        assertThat(runToEnd(args)).isZero();
        checkOnboardFiles(out);
        assertThat(out.resolve("onboard.json")).exists();
        assertThat(Files.readAllLines(out.resolve("predictions.csv"))).hasSize(15626);
        int before = seen.size();
        checkStore(store, seen, Integer.MAX_VALUE);
        assertThat(seen.size()).isGreaterThanOrEqualTo(before);
        assertNoLeftovers(out);
        assertNoLeftovers(dir);
    }

    @Test
    void importHelpKilledAtRandomPublishesAllOrNothing() throws Exception {
        Path raw = SharedData.path("help-raw/nasbench201");
        Path help = Files.createDirectories(dir.resolve("help/latency"));
        Files.copy(raw.resolve("latency/raspi4.pt"), help.resolve("raspi4.pt"));
        Files.copy(raw.resolve("str_arch2idx.pt"), help.getParent().resolve("str_arch2idx.pt"));
        Files.copy(raw.resolve("hardware_embedding_index.pt"), help.getParent().resolve("hardware_embedding_index.pt"));
        Path ds = dir.resolve("ds");
        List<String> args = List.of("data", "import-help", help.getParent().toString(), "--space", "nasbench201", "--out", ds.toString(), "--replace");
        int kills = killRepeatedly(args, 3500, () -> checkDataset(ds), null); // --replace redoes the whole import every run
        assertThat(kills).isGreaterThanOrEqualTo(KILLS);
        assertThat(runToEnd(args)).isZero();
        checkDataset(ds);
        assertThat(ds).exists();
        assertNoLeftovers(dir);
    }

    // ---- killing ----

    private interface Check {
        void run() throws Exception;
    }

    /**
     * Starts the command again and again, kills it after a random delay, checks; returns the kills. The delay is drawn
     * below {@code maxDelayMs} at first and, once a run has finished on its own, below that run's duration, so that
     * kills land inside a run on a fast machine as on a loaded one. A run that finished on its own leaves nothing to
     * interrupt; {@code reset} (if any) then starts the work over.
     */
    private int killRepeatedly(List<String> args, int maxDelayMs, Check afterEach, Check reset) throws Exception {
        int kills = 0, maxDelay = maxDelayMs;
        for (int attempt = 0; kills < KILLS && attempt < 3 * KILLS; attempt++) {
            long t0 = System.nanoTime();
            Process p = start(args);
            boolean finished = p.waitFor(rng.nextInt(maxDelay), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                kills++;
            } else {
                maxDelay = Math.max(100, (int) ((System.nanoTime() - t0) / 1_000_000));
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() != 137 && p.exitValue() != 0) // finished on its own before the kill: it must have succeeded
                throw new AssertionError("exit " + p.exitValue() + " of " + args + "; stderr: " + Files.readString(log()));
            afterEach.run();
            if (finished && reset != null) reset.run();
        }
        System.out.printf("FaultInjectionTest: %s killed %d times in %d starts%n", args.getFirst().equals("data") ? "import-help" : args.getFirst(), kills, started);
        return kills;
    }

    private int runToEnd(List<String> args) throws Exception {
        Process p = start(args);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) System.err.println(Files.readString(log()));
        return p.exitValue();
    }

    private Process start(List<String> args) throws IOException {
        started++;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), HaloCommand.class.getName()));
        cmd.addAll(args);
        Files.createDirectories(dir.resolve("logs"));
        return new ProcessBuilder(cmd).directory(dir.resolve("logs").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log().toFile()).start();
    }

    private Path log() {
        return dir.resolve("logs").resolve("run-" + started + ".err");
    }

    // ---- what must hold ----

    /** Absent, or complete: the header and one row of ten fields per architecture. */
    private static void checkMeasureCsv(Path csv) throws IOException {
        if (!Files.exists(csv)) return;
        String text = Files.readString(csv);
        assertThat(text).startsWith("arch,median_ms,p90_ms,min_ms,cv,robust_cv,runs,rounds,round_medians_ms,failures\n").endsWith("\n");
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(5);
        for (String l : lines.subList(1, lines.size())) assertThat(l.split(",", -1)).hasSize(10);
    }

    /** Rows unique per (device, arch, round), none lost since the last look, at most {@code max}. */
    private static void checkStore(Path store, Set<String> seen, int max) {
        if (!Files.exists(store)) return;
        Set<String> now = new HashSet<>();
        long count;
        try (MeasurementStore s = MeasurementStore.openForReading(store)) {
            count = s.count();
            for (MeasurementStore.DeviceRow d : s.devices())
                for (MeasurementStore.Row r : s.rows(d.id(), "nasbench201")) now.add(d.id() + "|" + r.canonical() + "|" + r.round());
        }
        assertThat(now).as("no duplicated row").hasSize((int) count);
        assertThat(now).as("no lost row").containsAll(seen);
        assertThat(now.size()).isLessThanOrEqualTo(max);
        seen.addAll(now);
    }

    /** Every published onboarding file is complete: JSON that parses, a predictions table with every row. */
    private static void checkOnboardFiles(Path out) throws IOException {
        if (!Files.isDirectory(out)) return;
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".")) continue; // temporaries: checked by assertNoLeftovers after the next run
                if (name.endsWith(".json")) new ObjectMapper().readTree(f.toFile());
                if (name.equals("predictions.csv")) {
                    List<String> lines = Files.readAllLines(f);
                    assertThat(lines).hasSize(15626);
                    assertThat(lines.getLast().split(",")).hasSize(4);
                }
            }
        }
    }

    /** Absent, or a whole dataset that loads. */
    private static void checkDataset(Path ds) {
        if (!Files.exists(ds)) return;
        LatencyDataset d = LatencyDataset.load(ds, "nasbench201");
        assertThat(d.archCount()).isEqualTo(15625);
        assertThat(d.deviceNames()).containsExactly("raspi4");
    }

    private static void assertNoLeftovers(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.contains(".halo-tmp-") || n.contains(".importing-") || n.contains(".replaced-") || n.endsWith(".tmp"));
        }
    }
}
