package dev.halo.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.data.LatencyDataset;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.Split;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol on HELP's own data: trimmed pools reproduce HELP's normalisation bounds for every device. */
class HelpProtocolSharedDataTest {

    @ParameterizedTest
    @ValueSource(strings = {"nasbench201", "fbnet", "ofa"})
    void keptTrainPoolsHaveHelpsSizeAndBounds(String space) throws IOException {
        Path dir = SharedData.path("help/" + space);
        LatencyDataset dataset = LatencyDataset.load(dir, space);
        LatencyTable table = Benchmarks.table(dataset);
        var protocol = new FewShotProtocol(table, Pools.helpDefault(space));
        Map<String, float[]> bounds = helpNormBounds(dir.resolve("devices.csv"));
        int trainSize = Pools.helpDefault(space).trainSize();
        for (String device : table.deviceNames()) {
            int[] kept = protocol.keptTrainPool(device);
            assertThat(kept).as(device).hasSize((int) (trainSize * 0.9) - (int) (trainSize * 0.1));
            double[] lat = FewShotProtocol.gather(table.latencies(device), kept);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (double v : lat) {
                min = Math.min(min, (float) v);
                max = Math.max(max, (float) v);
            }
            assertThat(min).as(device + " kept min").isEqualTo(bounds.get(device)[0]);
            assertThat(max).as(device + " kept max").isEqualTo(bounds.get(device)[1]);
            int[] query = protocol.keptQueryPool(device);
            assertThat(query).hasSize(800);
            assertThat(query[0]).isGreaterThanOrEqualTo(trainSize);
            assertThat(query[query.length - 1]).isLessThan(trainSize + 1000);
        }
        Split.helpDefault(space).validate(table.deviceNames());
    }

    @Test
    void deviceMixOnHelpsDefaultNb201SplitRanksWell() {
        Benchmark b = Benchmarks.load(SharedData.path("help/nasbench201"), "nasbench201");
        EvaluationReport r = new Evaluator(b).evaluate(new DeviceMixMethod(), Split.helpDefault("nasbench201"), 10, List.of(0L));
        assertThat(r.devices()).extracting(DeviceScore::device)
                .containsExactly("titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss");
        // HELP's published meta-learned mean is .932 and FIELD.md quotes ~.913 for this baseline.
        assertThat(r.meanSpearman()).isBetween(0.85, 0.97);
        assertThat(r.mean().coverage95()).isNotNull();
    }

    /** devices.csv columns help_norm_min_ms / help_norm_max_ms: HELP's min/max over the kept train pool. */
    private static Map<String, float[]> helpNormBounds(Path devicesCsv) throws IOException {
        List<String> lines = Files.readAllLines(devicesCsv);
        List<String> header = List.of(lines.get(0).split(","));
        int min = header.indexOf("help_norm_min_ms"), max = header.indexOf("help_norm_max_ms");
        Map<String, float[]> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            // HELP rounds Python floats (doubles) to float32; parsing the text straight to float can differ by an ulp.
            out.put(f[0], new float[] {(float) Double.parseDouble(f[min]), (float) Double.parseDouble(f[max])});
        }
        return out;
    }
}
