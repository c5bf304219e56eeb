package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("unchecked")
class TorchFileTest {
    @TempDir Path dir;

    @Test
    void readsHelpListsAndDicts() {
        Object emb = TorchFile.read(SharedData.path("help-raw/nasbench201/hardware_embedding_index.pt"));
        assertThat(emb).isEqualTo(List.of(11982L, 431L, 55L, 9L, 14451L, 8636L, 9881L, 13479L, 6196L, 1462L));

        List<Object> raspi4 = (List<Object>) TorchFile.read(SharedData.path("help-raw/nasbench201/latency/raspi4.pt"));
        assertThat(raspi4).hasSize(15625).startsWith(10.481976820010459, 54.77739761998237);

        Map<?, ?> arch2idx = (Map<?, ?>) TorchFile.read(SharedData.path("help-raw/nasbench201/str_arch2idx.pt"));
        assertThat(arch2idx).hasSize(15625);
        assertThat(arch2idx.get("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")).isEqualTo(0L);

        List<?> fbnetArchs = (List<?>) TorchFile.read(SharedData.path("help-raw/fbnet/arch.pt"));
        assertThat(fbnetArchs).hasSize(5000);
        assertThat(fbnetArchs.get(0)).isEqualTo(List.of(7L, 8L, 1L, 8L, 4L, 8L, 8L, 8L, 7L, 4L, 1L, 4L, 7L, 3L, 2L, 7L, 3L, 2L, 4L, 2L, 4L, 5L));
    }

    @Test
    void readsHelpCheckpoints() {
        TorchCheckpoint nb = TorchCheckpoint.read(SharedData.path("help/nasbench201/checkpoint/help_max_corr.pt"));
        assertThat(nb.epi()).hasValue(1699);
        assertThat(nb.model().keySet()).startsWith("meta_learner.gc1.weight", "meta_learner.gc1.bias").hasSize(18);
        assertThat(nb.model().get("meta_learner.gc1.weight").shape()).containsExactly(8, 100);
        assertThat(nb.model().get("meta_learner.fc3.weight").shape()).containsExactly(200, 200);
        assertThat(nb.inferenceNetwork().keySet()).containsExactly("z_encoder.0.weight", "z_encoder.0.bias", "z_encoder.2.weight", "z_encoder.2.bias");
        assertThat(nb.inferenceNetwork().get("z_encoder.2.weight").shape()).containsExactly(1206, 10);
        assertThat(nb.taskLr().keySet()).isEqualTo(nb.model().keySet());
        // Reference values read from the raw float32 storages with Python's struct module.
        Tensor fc5 = nb.model().get("meta_learner.fc5.weight");
        assertThat(fc5.shape()).containsExactly(1, 200);
        assertThat(fc5.get(0, 0)).isEqualTo(-0.018310584127902985f);
        assertThat(fc5.get(0, 1)).isEqualTo(-0.01678517647087574f);
        assertThat(fc5.get(0, 199)).isEqualTo(-0.014496726915240288f);
        assertThat(nb.taskLr().get("meta_learner.fc3.weight").get(1, 2)).isEqualTo(0.0010000000474974513f);
        assertThat(nb.inferenceNetwork().get("z_encoder.2.bias").get(1205)).isEqualTo(0.007144344039261341f);

        TorchCheckpoint fb = TorchCheckpoint.read(SharedData.path("help/fbnet/checkpoint/help_max_corr.pt"));
        assertThat(fb.epi()).hasValue(3449);
        assertThat(fb.model().get("meta_learner.fc1.weight").shape()).containsExactly(100, 132);
        assertThat(fb.model().get("meta_learner.fc5.weight").get(0, 1)).isEqualTo(0.07263647019863129f);

        TorchCheckpoint ofa = TorchCheckpoint.read(SharedData.path("help/ofa/checkpoint/help_max_corr.pt"));
        assertThat(ofa.epi()).isEmpty();
        assertThat(ofa.model().get("meta_learner.fc1.weight").shape()).containsExactly(100, 145);
        assertThat(ofa.taskLr().get("meta_learner.fc3.weight").get(1, 2)).isEqualTo(0.0057397340424358845f);
        assertThat(ofa.inferenceNetwork().get("z_encoder.2.bias").get(1205)).isEqualTo(0.2323010116815567f);
    }

    @Test
    void followsStridesAndOffset() throws IOException {
        // Storage 0..11; the tensor is the transpose of a 3x4 view starting at element 1: shape [3, 3], stride [1, 3].
        float[] storage = new float[12];
        for (int i = 0; i < storage.length; i++) storage[i] = i;
        byte[] pkl = new PickleBytes().tensor("0", 12, 1, new int[] {3, 3}, new int[] {1, 3}).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of("data/0", PickleBytes.floats(storage)));
        Tensor t = (Tensor) TorchFile.read(f);
        assertThat(t.shape()).containsExactly(3, 3);
        assertThat(t.data()).containsExactly(1, 4, 7, 2, 5, 8, 3, 6, 9);
    }

    @Test
    void sharedStorageAndScalars() throws IOException {
        byte[] pkl = new PickleBytes().op('}').mark()
                .string("a").tensor("k", 4, 0, new int[] {2, 2}, new int[] {2, 1})
                .string("b").tensor("k", 4, 3, new int[] {}, new int[] {})
                .string("c").floating(0.5)
                .string("d").mark().integer(1).string("x").op('t')
                .op('u').stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of("data/k", PickleBytes.floats(1, 2, 3, 4)));
        Map<?, ?> m = (Map<?, ?>) TorchFile.read(f);
        assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(((Tensor) m.get("a")).data()).containsExactly(1, 2, 3, 4);
        assertThat(((Tensor) m.get("b")).get()).isEqualTo(4f);
        assertThat(m.get("c")).isEqualTo(0.5);
        assertThat(m.get("d")).isEqualTo(List.of(1L, "x"));
    }

    @Test
    void readsTheLegacyFormat() throws IOException {
        byte[] pkl = new PickleBytes().op('}').mark()
                .string("w").tensor("a", 6, 0, new int[] {2, 3}, new int[] {3, 1}, true)
                .string("b").tensor("b", 2, 1, new int[] {1}, new int[] {1}, true)
                .op('u').stop();
        Map<String, float[]> storages = new java.util.LinkedHashMap<>();
        storages.put("a", new float[] {1, 2, 3, 4, 5, 6});
        storages.put("b", new float[] {7, 8});
        Path f = PickleBytes.legacyFile(dir.resolve("old.pt"), pkl, storages);
        Map<?, ?> m = (Map<?, ?>) TorchFile.read(f);
        assertThat(((Tensor) m.get("w")).shape()).containsExactly(2, 3);
        assertThat(((Tensor) m.get("w")).get(1, 2)).isEqualTo(6f);
        assertThat(((Tensor) m.get("b")).data()).containsExactly(8f);
    }

    @Test
    void truncatedLegacyFileIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().tensor("a", 6, 0, new int[] {6}, new int[] {1}, true).stop();
        Path whole = PickleBytes.legacyFile(dir.resolve("old.pt"), pkl, Map.of("a", new float[] {1, 2, 3, 4, 5, 6}));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.pt"), Arrays.copyOf(bytes, bytes.length - 5));
        assertThatThrownBy(() -> TorchFile.read(cut)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cut.pt").hasMessageContaining("storage a holds 19 bytes");
        Path noData = Files.write(dir.resolve("nodata.pt"), Arrays.copyOf(bytes, bytes.length - 24 - 8));
        assertThatThrownBy(() -> TorchFile.read(noData)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("nodata.pt").hasMessageContaining("truncated before storage a");
    }

    /** Corrupted memo references found by TorchFileFuzzTest (session 11): a list that holds itself, used as a dict key. */
    @Test
    void selfContainingDictKeyIsRefusedNotRecursedInto() throws IOException {
        byte[] pkl = new PickleBytes().op('}').mark().op(']').bytes('q', 0).bytes('h', 0).op('a').string("v").op('u').stop();
        Path f = dir.resolve("selfkey.pt");
        PickleBytes.torchZip(f, pkl, Map.of());
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("selfkey.pt").hasMessageContaining("unhashable");
    }

    /** A bytes key put into an object of an unknown class (a ClassDict, whose keys are meant to be strings) is read, not a crash. */
    @Test
    void bytesKeyInAnObjectsStateIsKept() throws IOException {
        byte[] pkl = new PickleBytes().global("mymodule", "Thing").op(')').op(0x81).mark().bytes('C', 1, 'k').integer(3).op('u').stop();
        Path f = dir.resolve("byteskey.pt");
        PickleBytes.torchZip(f, pkl, Map.of());
        Map<?, ?> m = (Map<?, ?>) TorchFile.read(f);
        assertThat(m.get("__class__")).isEqualTo("mymodule.Thing");
        assertThat(m.values()).anySatisfy(v -> assertThat(v).isEqualTo(3L));
    }

    @Test
    void plainPickleIsNotATorchFile() throws IOException {
        Path f = Files.write(dir.resolve("plain.pkl"), new PickleBytes().integer(3).stop());
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class).hasMessageContaining("magic number");
    }

    @Test
    void tensorPastItsStorageIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().tensor("0", 4, 2, new int[] {2, 2}, new int[] {2, 1}).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of("data/0", PickleBytes.floats(1, 2, 3, 4)));
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.pt").hasMessageContaining("past storage 0");
    }

    @Test
    void storageOfWrongSizeIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().tensor("0", 4, 0, new int[] {4}, new int[] {1}).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of("data/0", PickleBytes.floats(1, 2, 3)));
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.pt").hasMessageContaining("storage 0 holds 12 bytes");
    }

    @Test
    void missingStorageIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().tensor("7", 4, 0, new int[] {4}, new int[] {1}).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of());
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class).hasMessageContaining("storage 7 is missing");
    }

    @Test
    void hugeLengthPrefixIsRefusedWithoutAllocating() throws IOException {
        byte[] pkl = new PickleBytes().op('X').op(0xff).op(0xff).op(0xff).op(0x7f).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), pkl, Map.of());
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("corrupt pickle").hasMessageContaining("runs past the end");
    }

    @Test
    void truncatedCheckpointIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(SharedData.path("help/ofa/checkpoint/help_max_corr.pt"));
        Path f = dir.resolve("cut.pt");
        Files.write(f, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cut.pt").hasMessageContaining("zip");
    }

    @Test
    void truncatedPickleIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().mark().integer(1).integer(2).stop();
        Path f = PickleBytes.torchZip(dir.resolve("t.pt"), Arrays.copyOf(pkl, pkl.length - 3), Map.of());
        assertThatThrownBy(() -> TorchFile.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.pt").hasMessageContaining("corrupt pickle in archive/data.pkl");
    }

    @Test
    void otherFormatsAreNamed() throws IOException {
        Path legacy = Files.write(dir.resolve("legacy.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        assertThatThrownBy(() -> TorchFile.read(legacy)).isInstanceOf(BadInputException.class).hasMessageContaining("corrupt pickle in the header");
        Path text = Files.writeString(dir.resolve("text.pt"), "hello");
        assertThatThrownBy(() -> TorchFile.read(text)).isInstanceOf(BadInputException.class).hasMessageContaining("not a torch.save file");
        Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
        assertThatThrownBy(() -> TorchFile.read(empty)).isInstanceOf(BadInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TorchFile.read(dir.resolve("absent.pt"))).isInstanceOf(BadInputException.class).hasMessageContaining("not found");
        Path zipNoPickle = PickleBytes.torchZip(dir.resolve("z.pt"), new byte[0], Map.of());
        // data.pkl is present but empty: still a corrupt pickle, not a crash.
        assertThatThrownBy(() -> TorchFile.read(zipNoPickle)).isInstanceOf(BadInputException.class).hasMessageContaining("z.pt");
    }

    @Test
    void checkpointOfWrongShapeIsRefused() throws IOException {
        byte[] pkl = new PickleBytes().op('}').mark().string("model").integer(3).op('u').stop();
        Path f = PickleBytes.torchZip(dir.resolve("c.pt"), pkl, Map.of());
        assertThatThrownBy(() -> TorchCheckpoint.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("c.pt").hasMessageContaining("'model'");
    }
}
