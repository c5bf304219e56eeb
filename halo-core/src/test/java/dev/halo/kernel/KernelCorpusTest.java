package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCorpusTest {
    @TempDir Path dir;

    @Test
    void whatIsAppendedReadsBackEqual() {
        List<KernelCorpus.Model> models = KernelFixtures.corpus(5, 1, KernelFixtures.UNIT, 0.1);
        models.forEach(m -> KernelCorpus.append(dir, m));
        List<KernelCorpus.Model> back = KernelCorpus.read(dir);
        assertThat(back).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(back.get(i).id()).isEqualTo(models.get(i).id());
            assertThat(back.get(i).shapes()).isEqualTo(models.get(i).shapes());
            assertThat(back.get(i).latencyMs()).isCloseTo(models.get(i).latencyMs(), org.assertj.core.data.Offset.offset(1e-4));
            for (int k = 0; k < back.get(i).kernels().size(); k++)
                assertThat(back.get(i).kernels().get(k).ms()).isCloseTo(models.get(i).kernels().get(k).ms(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
    }

    @Test
    void kernelsACrashLeftWithoutTheirModelRowAreIgnoredAndAReRunReplacesThem() throws Exception {
        List<KernelCorpus.Model> models = KernelFixtures.corpus(3, 2, KernelFixtures.UNIT, 0.1);
        KernelCorpus.append(dir, models.get(0));
        // a crash after model 1's kernels were written but before its model row
        List<String> kernelLines = Files.readAllLines(dir.resolve(KernelCorpus.KERNELS));
        Files.createDirectories(dir.resolve("scratch"));
        KernelCorpus.append(dir.resolve("scratch"), models.get(1));
        List<String> m1 = Files.readAllLines(dir.resolve("scratch").resolve(KernelCorpus.KERNELS));
        Files.write(dir.resolve(KernelCorpus.KERNELS), m1.subList(1, m1.size()), StandardOpenOption.APPEND);
        assertThat(KernelCorpus.read(dir)).extracting(KernelCorpus.Model::id).containsExactly("m0");
        // the rerun appends model 1 whole: its kernels now appear twice, the last set counts
        KernelCorpus.append(dir, models.get(1));
        List<KernelCorpus.Model> back = KernelCorpus.read(dir);
        assertThat(back).extracting(KernelCorpus.Model::id).containsExactly("m0", "m1");
        assertThat(back.get(1).shapes()).isEqualTo(models.get(1).shapes());
        assertThat(kernelLines).isNotEmpty();
    }

    @Test
    void aDamagedLineIsRefusedNamingFileAndLine() throws Exception {
        KernelCorpus.append(dir, KernelFixtures.corpus(1, 3, KernelFixtures.UNIT, 0.1).get(0));
        Files.writeString(dir.resolve(KernelCorpus.KERNELS), "m0,broken\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> KernelCorpus.read(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(KernelCorpus.KERNELS).hasMessageContaining("line ");
    }

    @Test
    void aCommittedCorpusKeepsItsKernelsGzipped() throws Exception {
        List<KernelCorpus.Model> models = KernelFixtures.corpus(3, 4, KernelFixtures.UNIT, 0.1);
        models.forEach(m -> KernelCorpus.append(dir, m));
        Path plain = dir.resolve(KernelCorpus.KERNELS);
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(KernelCorpus.KERNELS + ".gz")))) {
            Files.copy(plain, out);
        }
        Files.delete(plain);
        assertThat(KernelCorpus.read(dir)).extracting(KernelCorpus.Model::shapes).containsExactlyElementsOf(models.stream().map(KernelCorpus.Model::shapes).toList());
    }

    @Test
    void anEmptyFolderHoldsNoModels() {
        assertThat(KernelCorpus.read(dir)).isEmpty();
    }
}
