package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyTableTest {
    @TempDir Path dir;

    @Test
    void sharedTableMatchesItsReadme() {
        AccuracyTable t = AccuracyTable.load(SharedData.path(AccuracyTable.SHARED_FILE));
        assertThat(t.size()).isEqualTo(15625);
        assertThat(t.metrics()).containsExactly("cifar10", "cifar100", "imagenet16");
        // README: maxima 94.3733 / 73.5133 / 47.3111 at arch 6111 / 9930 / 857.
        assertThat(argmax(t.accuracies("cifar10"))).isEqualTo(6111);
        assertThat(argmax(t.accuracies("cifar100"))).isEqualTo(9930);
        assertThat(argmax(t.accuracies("imagenet16"))).isEqualTo(857);
        assertThat(t.accuracy("cifar100", 9930)).isCloseTo(73.5133, within(1e-4));
        assertThat(t.accuracy("cifar10", 0)).isEqualTo(85.86333333333334);
        String arch1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
        assertThat(t.indexOf(arch1)).isEqualTo(1);
        assertThat(t.accuracy("imagenet16", arch1)).isEqualTo(44.03333332316081);
        assertThat(Arrays.stream(t.accuracies("cifar10")).min().orElseThrow()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void archIndicesAgreeWithTheLatencyDataset() {
        AccuracyTable t = AccuracyTable.load(SharedData.path(AccuracyTable.SHARED_FILE));
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/nasbench201"));
        assertThat(t.archStrings()).isEqualTo(ds.archStrings());
    }

    @Test
    void unknownMetricListsAllowedOnes() {
        AccuracyTable t = AccuracyTable.load(write("arch_index,arch,cifar10_test,cifar100_test\n0,a,50,20\n"));
        assertThatThrownBy(() -> t.accuracy("imagenet", 0))
                .isInstanceOf(BadInputException.class).hasMessageContaining("'imagenet'").hasMessageContaining("cifar10, cifar100");
        assertThatThrownBy(() -> t.accuracy("cifar10", 3)).isInstanceOf(BadInputException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> t.indexOf("b")).isInstanceOf(BadInputException.class).hasMessageContaining("'b'");
        assertThat(t.accuracy("cifar100", "a")).isEqualTo(20);
    }

    @Test
    void badCellsNameFileLineAndColumn() {
        assertRefused("arch_index,arch,cifar10_test\n0,a,50\n1,b,NaN\n", "line 3", "column 'cifar10_test'", "NaN");
        assertRefused("arch_index,arch,cifar10_test\n0,a,50\n1,b,101\n", "line 3", "column 'cifar10_test'", "0..100");
        assertRefused("arch_index,arch,cifar10_test\n0,a,50\n1,a,60\n", "line 3", "column 'arch'", "duplicate");
        assertRefused("arch_index,arch,cifar10_test\n0,a,50\n1,b\n", "line 3", "2 cells");
        assertRefused("arch_index,arch,cifar10_test\n0,a,50\n1,b,6", "truncated");
        assertRefused("arch_index,cifar10_test\n0,50\n", "line 1", "missing column 'arch'");
        assertRefused("arch_index,arch,top1\n0,a,50\n", "line 1", "'top1'");
    }

    private void assertRefused(String content, String... fragments) {
        Path f = write(content);
        assertThatThrownBy(() -> AccuracyTable.load(f))
                .isInstanceOf(BadInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(f.getFileName().toString()).contains(fragments));
    }

    private Path write(String content) {
        try {
            Path f = Files.createTempFile(dir, "accuracy", ".csv");
            Files.writeString(f, content);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
