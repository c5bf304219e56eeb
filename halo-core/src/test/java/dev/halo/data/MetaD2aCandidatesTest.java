package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaD2aCandidatesTest {
    @TempDir Path dir;

    @Test
    void sharedCandidatesMatchTheDataset() {
        Path folder = SharedData.path("help/nasbench201");
        List<MetaD2aCandidates.Candidate> c = MetaD2aCandidates.load(folder.resolve(MetaD2aCandidates.FILE), LatencyDataset.load(folder));
        assertThat(c).hasSize(500);
        assertThat(c.get(1).archIndex()).isEqualTo(9930);
        assertThat(c.get(1).trueAccuracy()).isEqualTo(73.51333332112631);
        assertThat(c.get(0).score()).isEqualTo(0.0012778140371665359);
    }

    @Test
    void badRowsAreNamed() throws IOException {
        String head = "rank,arch_index,arch_str,true_acc_cifar100,metad2a_score\n";
        Path f = Files.writeString(dir.resolve("c.csv"), head + "0,3,a,70,0.1\n1,4,a,71,0.2\n");
        assertThatThrownBy(() -> MetaD2aCandidates.load(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("c.csv line 3, column 'arch_str'").hasMessageContaining("duplicate");
        Path g = Files.writeString(dir.resolve("g.csv"), head + "0,3,a,170,0.1\n");
        assertThatThrownBy(() -> MetaD2aCandidates.load(g)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("g.csv line 2, column 'true_acc_cifar100'");
        Path h = Files.writeString(dir.resolve("h.csv"), head + "0,0,|nope~0|,70,0.1\n");
        assertThatThrownBy(() -> MetaD2aCandidates.load(h, LatencyDataset.load(SharedData.path("help/nasbench201"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("candidate 0 has arch_index 0");
    }
}
