package dev.halo.cli.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.halo.cli.CliRun;
import dev.halo.cli.HaloCommand;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 15, case by case through the CLI: exit codes and the one line that says why. */
class HostileInputTest {
    @TempDir Path dir;

    private static final String[] QUICK = {"--warmup", "1", "--min-runs", "3", "--max-runs", "3", "--max-seconds", "0.3", "--rounds", "1"};

    /** 20 NB201 archs with synthetic latencies that an op-costs fit explains (no shared data needed). */
    private Path samples(String name, double firstMs) throws IOException {
        Nb201Space nb = new Nb201Space();
        Random rng = new Random(1);
        List<String> lines = new ArrayList<>(List.of("arch,latency_ms"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (lines.size() < 21) {
            Architecture a = nb.sample(rng);
            if (!seen.add(a.canonical())) continue;
            String c = a.canonical();
            double ms = 1 + 0.3 * count(c, "nor_conv_3x3") + 0.1 * count(c, "nor_conv_1x1") + 0.05 * count(c, "avg_pool") + 0.01 * rng.nextDouble();
            lines.add(c + "," + (lines.size() == 1 ? firstMs : ms));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static int count(String s, String op) {
        return s.split(op, -1).length - 1;
    }

    private Path opCostsModel() throws IOException {
        Path model = dir.resolve("model.json");
        CliRun a = CliRun.of("adapt", "--method", "op-costs", "--device", "box", "--samples", samples("s.csv", 2.0).toString(), "--out", model.toString());
        assertThat(a.exit()).as(a.err()).isZero();
        return model;
    }

    private static void refused(CliRun r, String... contains) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> l.startsWith("halo: ")).count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ").contains(contains);
    }

    // ---- 1. outputs ----

    @Test
    void outputsFollowLinksStreamIntoFifosAndRefuseFolders() throws Exception {
        Path model = opCostsModel();
        Path other = Files.createDirectories(dir.resolve("other"));
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("other/target.csv"));
        CliRun p = CliRun.of("predict", "--model", model.toString(), "--out", link.toString(), "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllLines(other.resolve("target.csv"))).hasSize(2).first().isEqualTo("arch,predicted_ms,lower,upper");

        Path adaptLink = Files.createSymbolicLink(dir.resolve("adapted.json"), Path.of("other/adapted.json"));
        assertThat(CliRun.of("adapt", "--method", "op-costs", "--device", "box", "--samples", dir.resolve("s.csv").toString(),
                "--out", adaptLink.toString()).exit()).isZero();
        assertThat(Files.isSymbolicLink(adaptLink)).isTrue();
        assertThat(Files.readString(other.resolve("adapted.json"))).contains("halo-op-costs");

        Path fifo = fifo("pipe");
        CompletableFuture<String> reader = read(fifo);
        CliRun f = CliRun.of("predict", "--model", model.toString(), "--out", fifo.toString(), "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        assertThat(f.exit()).as(f.err()).isZero();
        assertThat(reader.get(30, TimeUnit.SECONDS)).startsWith("arch,predicted_ms,lower,upper\n|nor_conv_3x3~0|");
        assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();

        refused(CliRun.of("predict", "--model", model.toString(), "--out", other.toString(), "--all"), "--out", "is a directory");
        refused(CliRun.of("predict", "--model", model.toString(), "--out", "", "--all"), "--out: empty path");
        refused(CliRun.of("adapt", "--method", "op-costs", "--device", "box", "--samples", dir.resolve("s.csv").toString(), "--out", other.toString()),
                "is a directory");
    }

    @Test
    void measureStreamsItsCsvIntoAFifoAndRefusesAFolderBeforeMeasuring() throws Exception {
        Path fifo = fifo("m.pipe");
        CompletableFuture<String> reader = read(fifo);
        List<String> args = new ArrayList<>(List.of("measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("m.db").toString(),
                "--out", fifo.toString()));
        args.addAll(List.of(QUICK));
        CliRun m = CliRun.of(args.toArray(String[]::new));
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(reader.get(30, TimeUnit.SECONDS)).startsWith("arch,median_ms");
        CliRun d = CliRun.of("measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("m2.db").toString(), "--out", dir.toString());
        refused(d, "--out", "is a directory");
        assertThat(dir.resolve("m2.db")).doesNotExist();
    }

    // ---- 3. sizes and counts, and whatever escapes ----

    @Test
    void hostileSizesAndCountsAreRefusedUpFrontNamingTheLimit() throws IOException {
        Path model = opCostsModel();
        refused(CliRun.of("adapt", "--device", "box", "--samples", dir.resolve("s.csv").toString(), "--out", dir.resolve("a.json").toString(),
                "--mc", "10000"), "--mc 10000 exceeds the limit of 1000");
        refused(CliRun.of("measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("m.db").toString(), "--max-runs", "2147483647"),
                "--max-runs 2147483647 exceeds the limit of 100000");
        refused(CliRun.of("evaluate", "--space", "nasbench201", "--method", "flops", "--seeds", "1000000"), "--seeds 1000000 exceeds the limit of 1000");
        refused(CliRun.of("arch", "sample", "--space", "nasbench201", "-n", "2147483647"), "exceeds the limit of 1000000");
        Path big = dir.resolve("big.csv");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(200L << 20); // 200 MB, sparse
        }
        refused(CliRun.of("predict", "--model", model.toString(), "--archs", big.toString()), "--archs", "larger than the limit of 64.0 MiB");
        refused(CliRun.of("measure", "--space", "nasbench201", "--archs", big.toString(), "--store", dir.resolve("m.db").toString()),
                "larger than the limit of 64.0 MiB");
        Path bomb = dir.resolve("bomb.json.gz");
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) ' '); // whitespace: no parser limit of its own stops it, only halo's
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            o.write("{\"format\":\"halo-op-costs\",\"space\":\"nasbench201\",\"device\":\"x\",".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 80; i++) o.write(mib);
            o.write("}".getBytes(StandardCharsets.US_ASCII));
        }
        refused(CliRun.of("predict", "--model", bomb.toString(), "--all"), "bomb.json.gz (decompressed): larger than the limit of 64.0 MiB");
    }

    /** A command that throws what it is told to, to reach the root handler. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @CommandLine.Option(names = "--kind") String kind;

        @Override
        public Integer call() {
            switch (kind) {
                case "oom" -> throw new OutOfMemoryError("Java heap space");
                case "stack" -> throw new StackOverflowError();
                case "npe" -> throw new NullPointerException("x is null\nsecond line");
                default -> throw new IllegalStateException("unexpected");
            }
        }
    }

    @Test
    void anythingThatEscapesIsOneLineAndExitOne() {
        for (String kind : List.of("oom", "stack", "npe", "other")) {
            CommandLine cl = HaloCommand.newCommandLine();
            cl.addSubcommand("boom", new Boom());
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            int exit = cl.execute("boom", "--kind", kind);
            assertThat(exit).as(kind).isEqualTo(1);
            assertThat(err.toString().lines().toList()).as(kind).singleElement().satisfies(l -> assertThat(l).startsWith("halo: "));
        }
        CommandLine cl = HaloCommand.newCommandLine();
        cl.addSubcommand("boom", new Boom());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("boom", "--kind", "oom")).isEqualTo(1);
        assertThat(err.toString()).contains("out of memory").contains("HALO_JAVA_OPTS");
        // type conversion stays a usage error
        CliRun conv = CliRun.of("evaluate", "--space", "nasbench201", "--seeds", "many");
        assertThat(conv.exit()).isEqualTo(2);
        assertThat(conv.err()).startsWith("halo: ").contains("--seeds");
    }

    // ---- 4. garbage ----

    @Test
    void implausibleLatenciesAndModelsAreRefusedNamingTheField() throws IOException {
        refused(CliRun.of("adapt", "--method", "op-costs", "--device", "box", "--samples", samples("tiny.csv", 1e-300).toString(),
                "--out", dir.resolve("bad.json").toString()), "tiny.csv line 2, column 'latency_ms'", "1.0E-300");
        assertThat(dir.resolve("bad.json")).doesNotExist();
        Path model = opCostsModel();
        String text = Files.readString(model).replaceFirst("\"ms\" : [0-9.eE+-]+", "\"ms\" : 1e-300");
        Path nan = Files.writeString(dir.resolve("nan.json"), text);
        refused(CliRun.of("predict", "--model", nan.toString(), "--all"), "samples[0].ms is 1.0E-300");
    }

    // ---- 5. documented behaviour ----

    @Test
    void archSampleCsvIsAValidArchsFileForMeasure() throws IOException {
        CliRun s = CliRun.of("arch", "sample", "--space", "nasbench201", "-n", "2", "--seed", "3", "--format", "csv");
        assertThat(s.exit()).isZero();
        Path archs = Files.writeString(dir.resolve("archs.csv"), s.out());
        assertThat(s.out()).startsWith("arch,");
        List<String> args = new ArrayList<>(List.of("measure", "--space", "nasbench201", "--archs", archs.toString(), "--store", dir.resolve("m.db").toString()));
        args.addAll(List.of(QUICK));
        CliRun m = CliRun.of(args.toArray(String[]::new));
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).containsPattern("measured now +2 \\(0 failed\\)");
    }

    @Test
    void someoneElsesSqliteFileIsLeftAlone() throws Exception {
        Path db = dir.resolve("crm.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }
        byte[] before = Files.readAllBytes(db);
        refused(CliRun.of("measure", "--space", "nasbench201", "--sample", "1", "--store", db.toString()), "not a halo measurement store");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    // ---- 6. plausibility ----

    @Test
    void threadsBeyondTheMachineAreRefusedUnlessAllowed() {
        int cores = Runtime.getRuntime().availableProcessors();
        refused(CliRun.of("measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("m.db").toString(), "--threads", "1000"),
                "--threads 1000 exceeds the " + cores + " processors of this machine");
        assertThat(dir.resolve("m.db")).doesNotExist();
        List<String> args = new ArrayList<>(List.of("measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("m.db").toString(),
                "--threads", Integer.toString(cores + 1), "--allow-oversubscribe"));
        args.addAll(List.of(QUICK));
        CliRun m = CliRun.of(args.toArray(String[]::new));
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).contains("flagged implausible").contains("oversubscribed: " + (cores + 1) + " threads on " + cores + " processors");
    }

    private Path fifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo available").isTrue();
        return fifo;
    }

    private static CompletableFuture<String> read(Path fifo) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> { // own daemon thread: a reader blocked on a FIFO must not hold a common-pool worker
            try {
                result.complete(Files.readString(fifo));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "fifo-reader");
        t.setDaemon(true);
        t.start();
        return result;
    }
}
