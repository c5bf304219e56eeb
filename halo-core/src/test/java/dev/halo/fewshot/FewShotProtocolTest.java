package dev.halo.fewshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FewShotProtocolTest {
    @Test
    void trimmingKeepsHelpsRankPositions() {
        // n = 10: HELP keeps argsort positions int(1.0)..int(9.0)-1 = 1..8, i.e. drops the fastest and the slowest.
        double[] lat = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
        assertThat(FewShotProtocol.trimmed(lat, 0, 10)).containsExactly(0, 2, 3, 4, 5, 6, 7, 8);
        // n = 15: positions int(1.5)=1 .. int(13.5)-1=12 -> 12 rows kept; the pool offset is honoured.
        double[] longer = new double[20];
        for (int i = 0; i < 20; i++) longer[i] = i;
        assertThat(FewShotProtocol.trimmed(longer, 5, 20)).containsExactly(6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
    }

    @Test
    void tiesAtTheBorderKeepTheLowerRows() {
        double[] lat = {1, 1, 1, 2, 3, 4, 5, 6, 7, 7};
        assertThat(FewShotProtocol.trimmed(lat, 0, 10)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void tasksAreReproducibleDistinctAndDrawnFromTheKeptTrainPool() {
        Benchmark b = ToyBenchmark.of(200, 100, 50, i -> i, Map.of("dev", i -> (i * 37) % 101 + 1.0));
        var protocol = new FewShotProtocol(b.table(), b.pools());
        FewShotTask task = protocol.task("dev", 10, 3);
        assertThat(task).isEqualTo(protocol.task("dev", 10, 3));
        assertThat(task.sampleIndices()).doesNotHaveDuplicates().hasSize(10);
        assertThat(protocol.keptTrainPool("dev")).contains(task.sampleIndices());
        assertThat(task.sampleIndices()).isNotEqualTo(protocol.task("dev", 10, 4).sampleIndices());
        assertThat(task.queryIndices()).isEqualTo(protocol.keptQueryPool("dev")).hasSize(40);
        assertThat(task.referenceIndices()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        double[] lat = b.table().latencies("dev");
        assertThat(task.sampleLatencies()).containsExactly(FewShotProtocol.gather(lat, task.sampleIndices()));
        assertThat(task.referenceLatencies()).containsExactly(FewShotProtocol.gather(lat, task.referenceIndices()));
    }

    @Test
    void withoutReferencesATaskKnowsItsSamplesOnly() {
        Benchmark b = ToyBenchmark.of(200, 100, 50, i -> i, Map.of("dev", i -> (i * 37) % 101 + 1.0));
        var help = new FewShotProtocol(b.table(), b.pools());
        var none = help.withoutReferences();
        assertThat(help.references()).isTrue();
        assertThat(none.references()).isFalse();
        FewShotTask task = none.task("dev", 10, 3);
        assertThat(task.referenceIndices()).isEmpty();
        assertThat(task.referenceLatencies()).isEmpty();
        // the random draw does not look at the references, so the samples are HELP's
        assertThat(task.sampleIndices()).containsExactly(help.task("dev", 10, 3).sampleIndices());
        assertThat(task.knownIndices()).containsExactly(task.sampleIndices());
        assertThat(task.queryIndices()).isEqualTo(help.keptQueryPool("dev"));
    }

    @Test
    void knownRowsCountASampledReferenceArchitectureOnce() {
        var task = new FewShotTask("d", 0, new int[] {4, 7}, new double[] {1, 2}, new int[] {7, 9}, new double[] {2, 3}, new int[0]);
        assertThat(task.knownIndices()).containsExactly(4, 7, 9);
        assertThat(task.knownLatencies()).containsExactly(1, 2, 3);
        assertThat(task.hardwareEmbedding()).containsExactly(0, 1);
    }

    @Test
    void impossibleSampleCountsAreBadInput() {
        Benchmark b = ToyBenchmark.of(200, 100, 50, i -> i, Map.of("dev", i -> i + 1.0));
        var protocol = new FewShotProtocol(b.table(), b.pools());
        assertThatThrownBy(() -> protocol.task("dev", 0, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> protocol.task("dev", 81, 1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("80 kept train-pool");
        assertThatThrownBy(() -> new Pools(150, 100).checkFits(200)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("250");
        assertThat(Arrays.stream(protocol.keptTrainPool("dev")).max().orElseThrow()).isLessThan(100);
    }
}
