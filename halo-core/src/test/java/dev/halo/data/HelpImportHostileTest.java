package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.io.Leftovers;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-help refuses data that reads fine but cannot be right, naming the file and what is wrong; and it recovers from kills. */
class HelpImportHostileTest {
    @TempDir Path dir;

    private Map<String, Long> archs;
    private List<Long> refs;

    @SuppressWarnings("unchecked")
    private Path copy(String name) throws IOException {
        Path raw = SharedData.path("help-raw/nasbench201");
        if (archs == null) {
            archs = new LinkedHashMap<>((Map<String, Long>) TorchFile.read(raw.resolve("str_arch2idx.pt")));
            refs = new ArrayList<>((List<Long>) TorchFile.read(raw.resolve("hardware_embedding_index.pt")));
        }
        Path help = Files.createDirectories(dir.resolve(name).resolve("latency")).getParent();
        Files.copy(raw.resolve("latency/raspi4.pt"), help.resolve("latency/raspi4.pt"));
        return help;
    }

    private static void write(Path help, Map<String, Long> archs, List<Long> refs) throws IOException {
        PickleBytes dict = new PickleBytes().op('}').mark();
        archs.forEach((k, v) -> dict.string(k).integer(Math.toIntExact(v)));
        PickleBytes.torchZip(help.resolve("str_arch2idx.pt"), dict.op('u').stop(), Map.of());
        PickleBytes list = new PickleBytes().op(']').mark();
        refs.forEach(r -> list.integer(Math.toIntExact(r)));
        PickleBytes.torchZip(help.resolve("hardware_embedding_index.pt"), list.op('e').stop(), Map.of());
    }

    private void refused(Path help, String... messages) throws IOException {
        Path out = dir.resolve("out-" + help.getFileName());
        assertThatThrownBy(() -> HelpImporter.importSpace(help, "nasbench201", out, false, s -> {})).isInstanceOf(BadInputException.class)
                .message().contains(messages);
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void theUnmodifiedCopyImports() throws IOException {
        Path help = copy("ok");
        write(help, archs, refs);
        HelpImporter.Result r = HelpImporter.importSpace(help, "nasbench201", dir.resolve("ds"), false, s -> {});
        assertThat(r.referenceCount()).isEqualTo(10);
    }

    @Test
    void aMadeUpArchStringIsRefused() throws IOException {
        Path help = copy("made-up");
        Map<String, Long> a = new LinkedHashMap<>();
        archs.forEach((k, v) -> a.put(v == 7 ? "|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|" : k, v));
        write(help, a, refs);
        refused(help, "str_arch2idx.pt: index 7:", "is not a nasbench201 architecture");
    }

    @Test
    void swappedIndicesAreRefused() throws IOException {
        Path help = copy("swapped");
        Map<String, Long> a = new LinkedHashMap<>();
        archs.forEach((k, v) -> a.put(k, v == 1 ? 2L : v == 2 ? 1L : v));
        write(help, a, refs);
        refused(help, "has index 1, but it is NAS-Bench-201 architecture 2 (swapped or shifted indices)");
    }

    @Test
    void aDuplicateOrMissingReferenceIsRefused() throws IOException {
        Path dup = copy("dup");
        List<Long> r = new ArrayList<>(refs);
        r.set(3, r.get(2));
        write(dup, archs, r);
        refused(dup, "hardware_embedding_index.pt: positions 2 and 3 are both arch index " + refs.get(2) + " (duplicate reference)");
        Path three = copy("three");
        write(three, archs, refs.subList(0, 3));
        refused(three, "hardware_embedding_index.pt: 3 reference architectures; HELP's hardware embedding has exactly 10");
    }

    @Test
    void aReplaceKilledBetweenItsRenamesIsUndoneByTheNextRun() throws IOException {
        Path help = copy("ok");
        write(help, archs, refs);
        Path ds = dir.resolve("ds");
        HelpImporter.importSpace(help, "nasbench201", ds, false, s -> {});
        // what a SIGKILL between "move ds aside" and "move the new one in" leaves: the old dataset under a dead pid's name
        long dead = deadPid();
        Files.move(ds, dir.resolve(".ds.replaced-" + dead + "-1"));
        Files.createDirectories(dir.resolve(".ds.importing-" + dead + "-2"));
        assertThatThrownBy(() -> HelpImporter.importSpace(help, "nasbench201", ds, false, s -> {})).isInstanceOf(BadInputException.class)
                .hasMessageContaining("not empty"); // the old dataset is back in place, so a non-replacing import refuses
        assertThat(LatencyDataset.load(ds).deviceNames()).containsExactly("raspi4");
        HelpImporter.importSpace(help, "nasbench201", ds, true, s -> {});
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
        assertThat(Leftovers.stale(dir, "ds", "replaced")).isEmpty();
    }

    static long deadPid() {
        for (long pid = 4_000_000; ; pid--) if (ProcessHandle.of(pid).isEmpty()) return pid;
    }
}
