package dev.halo.cli.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.data.LatencyDataset;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpNetwork;
import dev.halo.predict.help.HelpProvenance;
import dev.halo.space.FbnetSpace;
import dev.halo.stats.Metrics;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code halo adapt} → {@code halo predict} on HELP's NB201 checkpoint with a real device's latencies, and every refusal. */
class AdaptPredictCommandTest {
    static final dev.halo.space.Nb201Space NB201 = new dev.halo.space.Nb201Space();
    static final String DEVICE = "titan_rtx_256"; // a HELP meta-test device: never seen by the checkpoint in training
    static LatencyDataset nb201;
    static Path checkpoint;

    @TempDir Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void load() {
        Path data = SharedData.path("help/nasbench201");
        nb201 = LatencyDataset.load(data, "nasbench201");
        checkpoint = data.resolve("checkpoint/help_max_corr.pt");
    }

    /** CSV lines {@code arch,latency_ms} of the device's true latencies: the references, then {@code others}. */
    static List<String> sampleLines(int... others) {
        double[] lat = nb201.latencies(DEVICE);
        List<String> lines = new ArrayList<>(List.of("arch,latency_ms"));
        for (int i : nb201.referenceArchIndices()) lines.add(nb201.archString(i) + "," + lat[i]);
        for (int i : others) lines.add(nb201.archString(i) + "," + lat[i]);
        return lines;
    }

    /** Ten archs of HELP's meta-train pool (indices < 900) that are not references. */
    static int[] tenOthers() {
        List<Integer> refs = Arrays.stream(nb201.referenceArchIndices()).boxed().toList();
        return IntStream.iterate(7, i -> i + 83).filter(i -> !refs.contains(i)).limit(10).toArray();
    }

    Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    @Test
    void adaptedModelRanksUnseenArchsOfTheDeviceAndGivesIntervalsAroundThePrediction() throws IOException {
        Path samples = write("samples.csv", sampleLines(tenOthers()));
        Path model = dir.resolve("titan.json");
        CliRun a = run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", model.toString(), "--mc", "4");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains(DEVICE).contains("nasbench201").contains("HELP checkpoint");

        // HELP's query pool (900..1899): none of them was a sample
        List<String> query = new ArrayList<>(List.of("arch"));
        for (int i = 900; i < 1900; i++) query.add(nb201.archString(i));
        Path out = dir.resolve("pred.csv");
        CliRun p = run("predict", "--model", model.toString(), "--archs", write("query.csv", query).toString(), "--out", out.toString(), "--level", "0.9");
        assertThat(p.exit()).as(p.err()).isZero();
        List<String> rows = Files.readAllLines(out);
        assertThat(rows.get(0)).isEqualTo("arch,predicted_ms,lower,upper");
        assertThat(rows).hasSize(1001);
        double[] predicted = new double[1000], truth = new double[1000];
        int widths = 0;
        for (int r = 1; r < rows.size(); r++) {
            String[] c = rows.get(r).split(",");
            assertThat(c[0]).isEqualTo(nb201.archString(899 + r));
            predicted[r - 1] = Double.parseDouble(c[1]);
            truth[r - 1] = nb201.latency(DEVICE, 899 + r);
            double lo = Double.parseDouble(c[2]), hi = Double.parseDouble(c[3]);
            assertThat(lo).isLessThanOrEqualTo(hi);
            if (hi > lo) widths++;
        }
        assertThat(Metrics.spearman(predicted, truth)).isGreaterThan(0.9);
        assertThat(Metrics.mape(predicted, truth)).as("percent").isLessThan(20);
        assertThat(widths).as("four z draws give intervals of non-zero width").isGreaterThan(900);

        // held-out (leave-one-out) intervals: at least the nominal coverage on archs that were not samples
        Path loo = dir.resolve("loo.csv");
        CliRun l = run("predict", "--model", model.toString(), "--archs", dir.resolve("query.csv").toString(), "--out", loo.toString(), "--interval", "loo");
        assertThat(l.exit()).as(l.err()).isZero();
        List<String> looRows = Files.readAllLines(loo);
        int covered = 0;
        for (int r = 1; r < looRows.size(); r++) {
            String[] c = looRows.get(r).split(",");
            assertThat(Double.parseDouble(c[1])).as("same point prediction").isEqualTo(predicted[r - 1]);
            if (Double.parseDouble(c[2]) <= truth[r - 1] && truth[r - 1] <= Double.parseDouble(c[3])) covered++;
        }
        assertThat(covered).as("80 % leave-one-out intervals cover").isGreaterThanOrEqualTo(800);
        CliRun tooFew = run("predict", "--model", model.toString(), "--all", "--out", dir.resolve("p.csv").toString(), "--interval", "loo", "--level", "0.95");
        assertThat(tooFew.exit()).isEqualTo(2);
        assertThat(tooFew.err()).contains("(--interval loo) at level 0.95 needs at least").contains("adapted from 10");
        assertThat(dir.resolve("p.csv")).doesNotExist();
    }

    @Test
    void defaultModelThenPredictAllScoresTheWholeNb201SpaceAndSingleArchsGoToStdout() throws IOException {
        Path model = dir.resolve("m.json");
        // --method help, no --model and no --space: the space is recognised from the samples, the model is the default (HALO_HOME is unset in tests, so HELP's checkpoint)
        CliRun a = run("adapt", "--method", "help", "--device", DEVICE, "--samples", write("s.csv", sampleLines(tenOthers())).toString(), "--out", model.toString(), "--mc", "0");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains("help_max_corr.pt");
        Path out = dir.resolve("all.csv");
        CliRun p = run("predict", "--model", model.toString(), "--all", "--out", out.toString(), "--interval", "mc");
        assertThat(p.exit()).as(p.err()).isZero();
        List<String> rows = Files.readAllLines(out);
        assertThat(rows).hasSize(15626);
        String[] first = rows.get(1).split(",");
        assertThat(first[2]).as("mc 0: zero-width interval").isEqualTo(first[1]).isEqualTo(first[3]);

        CliRun one = run("predict", "--model", model.toString(), "--interval", "mc", "0", nb201.archString(1));
        assertThat(one.exit()).as(one.err()).isZero();
        List<String> lines = one.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo(rows.get(1)); // index 0 is the same arch as in --all
        assertThat(lines.get(2)).startsWith(nb201.archString(1) + ",");
    }

    @Test
    void withNoDataFolderAnywhereTheBuiltInNb201ReferencesGiveTheSameAdaptedModel() throws IOException {
        Path samples = write("s.csv", sampleLines(tenOthers()));
        Path withData = dir.resolve("with.json"), without = dir.resolve("without.json");
        CliRun a = run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", withData.toString(), "--mc", "0");
        assertThat(a.exit()).as(a.err()).isZero();
        String before = System.getProperty("halo.data");
        System.setProperty("halo.data", dir.resolve("no-data-here").toString());
        try {
            CliRun b = run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", without.toString(), "--mc", "0");
            assertThat(b.exit()).as(b.err()).isZero();
        } finally {
            if (before == null) System.clearProperty("halo.data");
            else System.setProperty("halo.data", before);
        }
        Path pa = dir.resolve("pa.csv"), pb = dir.resolve("pb.csv");
        assertThat(run("predict", "--model", withData.toString(), "--all", "--out", pa.toString()).exit()).isZero();
        assertThat(run("predict", "--model", without.toString(), "--all", "--out", pb.toString()).exit()).isZero();
        assertThat(Files.readAllLines(pb)).isEqualTo(Files.readAllLines(pa));
    }

    @Test
    void missingReferencesAreListedByTheirArchStrings() throws IOException {
        List<String> lines = sampleLines(tenOthers());
        String dropped1 = lines.remove(3).split(",")[0], dropped2 = lines.remove(5).split(",")[0];
        assertRefused(run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", write("s.csv", lines).toString(),
                "--out", dir.resolve("o.json").toString()), "missing the latencies of 2 of the 10 reference architectures", dropped1 + " " + dropped2);
    }

    @Test
    void badSampleValuesNameTheLineAndColumn() throws IOException {
        int[] others = tenOthers();
        Map<String, String> cases = new HashMap<>();
        cases.put("NaN", "line 14, column 'latency_ms': not a finite number: 'NaN'");
        cases.put("-3.5", "line 14, column 'latency_ms': latency must be positive, got -3.5");
        cases.put("0", "line 14, column 'latency_ms': latency must be positive, got 0");
        for (var c : cases.entrySet()) {
            List<String> lines = sampleLines(others);
            lines.set(13, lines.get(13).substring(0, lines.get(13).lastIndexOf(',') + 1) + c.getKey());
            assertRefused(adapt(write("s.csv", lines)), "s.csv " + c.getValue());
        }
        List<String> dup = sampleLines(others);
        dup.add(Integer.toString(others[0]) + ",5.0"); // the same arch by its index
        assertRefused(adapt(write("s.csv", dup)), "s.csv line 22, column 'arch': duplicate architecture " + nb201.archString(others[0]) + " (also on line 12)");

        List<String> fbnet = sampleLines(others);
        fbnet.add("7818488874147327324245,5.0");
        assertRefused(adapt(write("s.csv", fbnet)), "s.csv line 22, column 'arch': a fbnet architecture, but the model is for nasbench201");
        List<String> typo = sampleLines(others);
        typo.add("|nor_conv_3x3~0|+|none~0|conv~1|+|none~0|none~1|none~2|,5.0");
        assertRefused(adapt(write("s.csv", typo)), "s.csv line 22, column 'arch': nasbench201 architecture", "unknown op");
        assertRefused(adapt(write("s.csv", sampleLines())), "s.csv: needs at least 2 measured architectures besides the 10 references (HELP uses 10), found 0");
        assertRefused(adapt(write("s.csv", sampleLines(others[0]))), "found 1");
    }

    @Test
    void wrongOrBrokenModelFilesAreRefusedWithoutOutput() throws IOException {
        Path samples = write("s.csv", sampleLines(tenOthers()));
        Path fbnetCheckpoint = SharedData.path("help/fbnet").resolve("checkpoint/help_max_corr.pt");
        assertRefused(run("adapt", "--model", fbnetCheckpoint.toString(), "--device", DEVICE, "--samples", samples.toString(),
                "--out", dir.resolve("o.json").toString()), "not a HELP checkpoint for nasbench201");

        Path fbnetModel = dir.resolve("fbnet-model.json");
        HelpModelFile.save(fbnetModel, HelpModel.initialise(HelpNetwork.mlp(FbnetSpace.ENCODING_LENGTH), new java.util.Random(0)),
                new HelpProvenance("meta-trained", "fbnet", List.of(), List.of(), 0, 0, 0, Double.NaN, true, "test", "", "", "2026-01-01T00:00:00Z"));
        assertRefused(run("adapt", "--model", fbnetModel.toString(), "--device", DEVICE, "--samples", samples.toString(),
                "--out", dir.resolve("o.json").toString()), "s.csv line 2, column 'arch': a nasbench201 architecture, but the model is for fbnet");
        assertRefused(run("adapt", "--model", fbnetModel.toString(), "--space", "nasbench201", "--device", DEVICE, "--samples", samples.toString(),
                "--out", dir.resolve("o.json").toString()), "fbnet-model.json: the model is for space fbnet");

        Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[] {1, 2, 3, 4});
        assertRefused(run("adapt", "--model", garbage.toString(), "--device", DEVICE, "--samples", samples.toString(),
                "--out", dir.resolve("o.json").toString()), "garbage.bin: not a model file");

        byte[] pt = Files.readAllBytes(checkpoint);
        Path truncated = Files.write(dir.resolve("cut.pt"), Arrays.copyOf(pt, pt.length / 2));
        assertRefused(run("adapt", "--model", truncated.toString(), "--device", DEVICE, "--samples", samples.toString(),
                "--out", dir.resolve("o.json").toString()), "cut.pt: not a HELP checkpoint for nasbench201");

        // a base model is not a device model, and a cut adapted file is not either
        assertRefused(run("predict", "--model", checkpoint.toString(), "--all", "--out", dir.resolve("o.json").toString()), "not adapted to a device");
        Path model = dir.resolve("m.json");
        assertThat(run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", model.toString(), "--mc", "0").exit()).isZero();
        String text = Files.readString(model);
        Path cut = Files.writeString(dir.resolve("cut.json"), text.substring(0, text.length() / 2));
        assertRefused(run("predict", "--model", cut.toString(), "--all", "--out", dir.resolve("o.json").toString()), "cut.json: not a readable JSON model file");
        assertRefused(run("adapt", "--model", model.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", dir.resolve("o.json").toString()),
                "already adapted to a device");
        Path fbnetArchs = write("fb.csv", List.of("arch", "7818488874147327324245"));
        assertRefused(run("predict", "--model", model.toString(), "--archs", fbnetArchs.toString(), "--out", dir.resolve("o.json").toString()),
                "fb.csv line 2, column 'arch': a fbnet architecture, but the model is for nasbench201");
        assertRefused(run("predict", "--model", model.toString(), "--all", "--level", "1.5", "--out", dir.resolve("o.json").toString()), "--level must be in (0, 1)");
    }

    @Test
    void opCostsFitsTheDeviceWithoutAModelAndPredictsTheWholeSpace() throws IOException {
        Path fit = dir.resolve("dev.op-costs.json");
        CliRun a = run("adapt", "--method", "op-costs", "--device", DEVICE, "--samples", write("s.csv", sampleLines(tenOthers())).toString(), "--out", fit.toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains("nasbench201").contains("fixed=").contains("conv3x3=").contains("spearman_loo");
        assertThat(Files.readString(fit)).contains("\"format\" : \"halo-op-costs\"").contains("\"device\" : \"" + DEVICE + "\"");

        Path csv = dir.resolve("all.csv");
        CliRun p = run("predict", "--model", fit.toString(), "--all", "--out", csv.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(15_626);
        double[] predicted = new double[15_625], truth = nb201.latencies(DEVICE);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            double ms = Double.parseDouble(cells[1]), lower = Double.parseDouble(cells[2]), upper = Double.parseDouble(cells[3]);
            assertThat(lower).isLessThanOrEqualTo(ms);
            assertThat(upper).isGreaterThanOrEqualTo(ms);
            predicted[NB201.index(NB201.parse(cells[0]))] = ms;
        }
        // HELP's query pool (archs 900..1899) on a device the fit never saw beyond its 20 measurements
        int[] query = IntStream.range(900, 1900).toArray();
        assertThat(Metrics.spearman(Arrays.stream(query).mapToDouble(i -> predicted[i]).toArray(), Arrays.stream(query).mapToDouble(i -> truth[i]).toArray()))
                .isGreaterThan(0.95);
        assertRefused(run("predict", "--model", fit.toString(), "--all", "--interval", "mc", "--out", dir.resolve("p.csv").toString()),
                "op-costs fit", "--interval loo");

        // The fit is a latency model like any other: halo search takes it.
        CliRun search = run("search", "--latency-model", fit.toString(), "--accuracy", SharedData.path("nasbench201-accuracy").resolve("accuracy.csv").toString(),
                "--max-latency", "20ms", "--algorithm", "exhaustive", "--format", "csv");
        assertThat(search.exit()).as(search.err()).isZero();
        assertThat(search.out().lines().count()).isEqualTo(2);
    }

    @Test
    void opCostsRefusesTooFewRowsAndBrokenFiles() throws IOException {
        List<String> five = sampleLines().subList(0, 6); // header + 5 rows for 5 unknowns
        assertRefused(run("adapt", "--method", "op-costs", "--device", DEVICE, "--samples", write("s.csv", five).toString(), "--out", dir.resolve("o.json").toString()),
                "s.csv", "needs more than 5 measured architectures");
        assertRefused(run("adapt", "--method", "mix-loo", "--device", DEVICE, "--samples", write("t.csv", sampleLines(tenOthers())).toString(),
                "--out", dir.resolve("o.json").toString()), "--method: 'mix-loo' cannot adapt to one device's samples; known: auto, help, op-costs");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"format\": \"halo-op-costs\", \"space\": \"nasbench201\", \"device\": \"x\", \"samples\": [{\"arch\": \"nonsense\", \"ms\": 1}]}");
        assertRefused(run("predict", "--model", broken.toString(), "--all", "--out", dir.resolve("p.csv").toString()), "broken.json: samples[0].arch");
    }

    @Test
    void predictAllRefusesSpacesTooLargeToList() throws IOException {
        Path data = SharedData.path("help/fbnet");
        LatencyDataset fb = LatencyDataset.load(data, "fbnet");
        String device = "pixel3";
        double[] lat = fb.latencies(device);
        List<String> lines = new ArrayList<>(List.of("arch,latency_ms"));
        for (int i : fb.referenceArchIndices()) lines.add(fb.archString(i) + "," + lat[i]);
        for (int i = 0; i < 10; i++) lines.add(fb.archString(100 + i) + "," + lat[100 + i]);
        Path model = dir.resolve("fb.json");
        CliRun a = run("adapt", "--model", data.resolve("checkpoint/help_max_corr.pt").toString(), "--device", device,
                "--samples", write("s.csv", lines).toString(), "--out", model.toString(), "--mc", "0");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains("fbnet");
        assertRefused(run("predict", "--model", model.toString(), "--all", "--out", dir.resolve("p.csv").toString()),
                "--all: the fbnet space has about", "give --archs FILE", "halo arch sample --space fbnet");
    }

    private CliRun adapt(Path samples) {
        return run("adapt", "--model", checkpoint.toString(), "--device", DEVICE, "--samples", samples.toString(), "--out", dir.resolve("o.json").toString());
    }

    /** Exit 2, one line on stderr holding every fragment, nothing on stdout, no output file in the folder. */
    private void assertRefused(CliRun r, String... fragments) throws IOException {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        for (String f : fragments) assertThat(r.err()).contains(f);
        assertThat(r.out()).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("no output or temporary file left").noneMatch(n -> n.startsWith("o.json") || n.startsWith("p.csv"));
        }
    }
}
