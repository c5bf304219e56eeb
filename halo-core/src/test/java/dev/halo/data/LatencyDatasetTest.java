package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyDatasetTest {

    @Test
    void loadsNasBench201() {
        long t0 = System.nanoTime();
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/nasbench201"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("[halo-test] nasbench201 dataset loaded in %.3f s%n", seconds);

        assertThat(ds.space()).isEqualTo("nasbench201");
        assertThat(ds.archCount()).isEqualTo(15625);
        assertThat(ds.devices()).hasSize(27);
        assertThat(ds.archString(0)).isEqualTo("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
        assertThat(ds.indexOf(ds.archString(4321))).isEqualTo(4321);
        // First data row of latency.csv, read back exactly as written.
        assertThat(ds.latency("raspi4", 0)).isEqualTo(10.481976820010459);
        assertThat(ds.latency("1080ti_1", 0)).isEqualTo(10.754371);
        assertThat(ds.latenciesFloat32("1080ti_1")[0]).isEqualTo(10.754371f);
        assertThat(ds.referenceArchIndices()).hasSize(10).startsWith(11982, 431);
        assertThat(ds.referenceLatencies("pixel2")[0]).isEqualTo(9.0);

        Device titan = ds.device("titan_rtx_256");
        assertThat(titan.batch()).hasValue(256);
        assertThat(titan.kind()).isEqualTo("desktop/server GPU");
        assertThat(titan.helpRole()).isEqualTo("meta_test");
        assertThat(ds.device("pixel2").stats().integerValued()).isTrue();
        assertThat(ds.device("pixel2").batch()).isEmpty();
        assertThat(ds.devicesWithRole("meta_test")).extracting(Device::name)
                .containsExactly("eyeriss", "fpga", "gold_6226", "pixel2", "raspi4", "titan_rtx_256");
        // Only a guard against a pathological slow-down: this machine is shared, so the real timing
        // (see docs/results/data-loading.md) is measured outside the unit tests, not asserted here.
        assertThat(seconds).as("load time of the 15,625 x 27 table").isLessThan(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nasbench201", "fbnet", "ofa"})
    void statsAgreeWithDevicesCsv(String space) throws IOException {
        Path dir = SharedData.path("help/" + space);
        LatencyDataset ds = LatencyDataset.load(dir);
        assertThat(ds.space()).isEqualTo(space);

        List<String> lines = Files.readAllLines(dir.resolve("devices.csv"));
        List<String> head = List.of(lines.get(0).split(","));
        assertThat(ds.devices()).hasSize(lines.size() - 1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cell = line.split(",", -1);
            LatencyStats s = ds.device(cell[0]).stats();
            assertThat(s.count()).isEqualTo(Integer.parseInt(cell[head.indexOf("n_archs")]));
            assertThat(s.distinct()).isEqualTo(Integer.parseInt(cell[head.indexOf("n_unique_values")]));
            assertThat(s.integerValued()).isEqualTo(cell[head.indexOf("value_type")].equals("int"));
            assertThat(s.min()).isCloseTo(Double.parseDouble(cell[head.indexOf("min_ms")]), within(1e-5));
            assertThat(s.max()).isCloseTo(Double.parseDouble(cell[head.indexOf("max_ms")]), within(1e-5));
            // devices.csv rounds percentiles and the mean to 6 significant digits.
            double median = Double.parseDouble(cell[head.indexOf("median_ms")]);
            assertThat(s.median()).isCloseTo(median, within(1e-5 * median));
            double p90 = Double.parseDouble(cell[head.indexOf("p90_ms")]);
            assertThat(s.p90()).isCloseTo(p90, within(1e-5 * p90));
            double mean = Double.parseDouble(cell[head.indexOf("mean_ms")]);
            assertThat(s.mean()).isCloseTo(mean, within(1e-5 * mean));
        }
    }

    @Test
    void fbnetUsesOpIndexStrings() {
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/fbnet"));
        assertThat(ds.keyColumn()).isEqualTo("op_idx_str");
        assertThat(ds.archCount()).isEqualTo(5000);
        assertThat(ds.archString(0)).isEqualTo("7818488874147327324245");
        assertThat(ds.hasDevice("gold_6226")).isFalse();
        assertThat(ds.referenceArchIndices()).startsWith(3328, 3790);
    }

    @Test
    void unknownDeviceListsKnownNames() {
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/ofa"));
        assertThatThrownBy(() -> ds.device("tpu_v9"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("tpu_v9")
                .hasMessageContaining("titan_rtx_64")
                .hasMessageContaining("v100_1");
        assertThatThrownBy(() -> ds.indexOf("nope")).isInstanceOf(BadInputException.class).hasMessageContaining("nope");
        assertThat(ds.find("nope")).isEmpty();
    }

    @Test
    void returnedArraysAreCopies() {
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/ofa"));
        ds.latencies("v100_1")[0] = -1;
        ds.referenceArchIndices()[0] = -1;
        assertThat(ds.latencies("v100_1")[0]).isPositive();
        assertThat(ds.referenceArchIndices()[0]).isNotNegative();
    }
}
