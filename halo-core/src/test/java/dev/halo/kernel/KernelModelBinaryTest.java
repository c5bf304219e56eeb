package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelModelBinaryTest {
    private static final KernelCostModel.Provenance PROV = new KernelCostModel.Provenance("dev", "test device ü", 10, 50, List.of("f0", "f1"),
            KernelFeatures.VERSION, "2026-12-02T15:00:00Z");
    private static final byte[] KEY = {1, 2, 3, 4};

    private static KernelCostModel small() {
        return KernelCostModel.fit(KernelFixtures.corpus(40, 1, KernelFixtures.UNIT, 0.1), new BoostedTrees.Params(20, 3, 0.3, 1e-3, 1e-3, 1, 1), PROV, true);
    }

    @Test
    void profiledAndAdaptedModelsComeBackWithEveryFieldAndTheSamePredictionsToTheLastBit() {
        KernelCostModel m = small();
        List<KernelCorpus.Model> t = KernelFixtures.corpus(12, 2, KernelFixtures.UNIT, 0.1);
        DeviceAdaptation latencies = DeviceAdaptation.fit("other", m, t.stream().map(KernelCorpus.Model::shapes).toList(),
                t.stream().mapToDouble(x -> 2 * x.latencyMs()).toArray());
        DeviceAdaptation profiled = DeviceAdaptation.fitProfiled("profiled", m, t);
        assertThat(profiled.correction()).isNotNull();
        for (GraphLatencyModel g : List.<GraphLatencyModel>of(m, latencies, profiled)) {
            GraphLatencyModel back = KernelModelBinary.read(KernelModelBinary.write(g, KEY), KEY, "cache");
            // the JSON of what came back is the JSON of what went in: provenance, calibration, every tree
            assertThat(KernelModelFile.toJson(back)).isEqualTo(KernelModelFile.toJson(g));
            for (KernelCorpus.Model x : t) {
                KernelCostModel.Prediction a = g.predict(x.shapes()), b = back.predict(x.shapes());
                assertThat(Double.doubleToRawLongBits(b.ms())).isEqualTo(Double.doubleToRawLongBits(a.ms()));
                assertThat(b.lowMs()).isEqualTo(a.lowMs());
                assertThat(b.highMs()).isEqualTo(a.highMs());
            }
        }
    }

    @Test
    void anotherKeyOrAnotherLayoutIsNotThisModel() {
        byte[] bytes = KernelModelBinary.write(small(), KEY);
        assertThat(KernelModelBinary.read(bytes, new byte[] {1, 2, 3, 5}, "cache")).isNull();
        assertThat(KernelModelBinary.read("{\"format\":\"halo-kernel-model\"}".getBytes(), KEY, "cache")).isNull();
        assertThat(KernelModelBinary.read(new byte[0], KEY, "cache")).isNull();
    }

    @Test
    void damagedContentIsRefusedNamingTheSource() {
        byte[] bytes = KernelModelBinary.write(small(), KEY);
        assertThatThrownBy(() -> KernelModelBinary.read(Arrays.copyOf(bytes, bytes.length - 3), KEY, "c.bin"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("c.bin");
        assertThatThrownBy(() -> KernelModelBinary.read(Arrays.copyOf(bytes, bytes.length + 1), KEY, "c.bin"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("after the model");
        // the first tree's root: its feature index made out of range, then its left child made to point back at it
        int root = firstTreeNodes(bytes);
        byte[] feature = bytes.clone();
        ByteBuffer.wrap(feature).putInt(root + 4, 999);
        assertThatThrownBy(() -> KernelModelBinary.read(feature, KEY, "c.bin")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not a feature index");
        int n = ByteBuffer.wrap(bytes).getInt(root);
        byte[] loop = bytes.clone();
        ByteBuffer.wrap(loop).putInt(root + 4 + 12 * n, 0);
        assertThatThrownBy(() -> KernelModelBinary.read(loop, KEY, "c.bin")).isInstanceOf(BadInputException.class).hasMessageContaining("children");
    }

    /** Where the first tree's node count sits: right after the calibration, the trees' base and their count. */
    private static int firstTreeNodes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(8 + 4 + KEY.length + 1 + 4);
        for (int i = 0; i < 2; i++) b.position(b.position() + 4 + b.getInt(b.position())); // device, label
        b.getInt();
        b.getInt();
        int families = b.getInt();
        for (int i = 0; i < families; i++) b.position(b.position() + 4 + b.getInt(b.position()));
        b.getInt();
        b.position(b.position() + 4 + b.getInt(b.position())); // fittedAt
        return b.position() + 3 * 8 + 5 * 8 + 8 + 4;
    }
}
