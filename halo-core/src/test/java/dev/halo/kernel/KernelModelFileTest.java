package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelModelFileTest {
    private static final KernelCostModel.Provenance PROV = new KernelCostModel.Provenance("dev", "test device", 10, 50, List.of("f0"), KernelFeatures.VERSION, "now");

    private static GraphLatencyModel read(String json) {
        return KernelModelFile.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "m.json");
    }

    private static KernelCostModel small() {
        return KernelCostModel.fit(KernelFixtures.corpus(40, 1, KernelFixtures.UNIT, 0.1), new BoostedTrees.Params(20, 3, 0.3, 1e-3, 1e-3, 1, 1), PROV, false);
    }

    @Test
    void profiledAndAdaptedModelsRoundTripToTheSamePredictions() {
        KernelCostModel m = small();
        List<KernelCorpus.Model> t = KernelFixtures.corpus(10, 2, KernelFixtures.UNIT, 0.1);
        DeviceAdaptation a = DeviceAdaptation.fit("other", m, t.stream().map(KernelCorpus.Model::shapes).toList(),
                t.stream().mapToDouble(x -> 2 * x.latencyMs()).toArray());
        for (GraphLatencyModel g : List.<GraphLatencyModel>of(m, a)) {
            GraphLatencyModel back = read(KernelModelFile.toJson(g));
            assertThat(back.device()).isEqualTo(g.device());
            for (KernelCorpus.Model x : t) assertThat(back.predict(x.shapes()).ms()).isEqualTo(g.predict(x.shapes()).ms());
            List<KernelShape> products = List.of(KernelFixtures.matmul("mm", 2, 49, 64, 32), KernelFixtures.gemm("fc", 1, 512, 1000));
            assertThat(back.predict(products).ms()).isEqualTo(g.predict(products).ms());
        }
    }

    @Test
    void damagedFilesAreRefusedNamingTheField() {
        String good = KernelModelFile.toJson(small());
        assertThatThrownBy(() -> read("{\"format\":\"other\"}")).isInstanceOf(BadInputException.class).hasMessageContaining("field format");
        assertThatThrownBy(() -> read("not json")).isInstanceOf(BadInputException.class).hasMessageContaining("m.json: not JSON");
        String nan = good.replaceFirst("\"scale\":[-0-9.eE]+", "\"scale\":\"NaN\"");
        assertThatThrownBy(() -> read(nan)).isInstanceOf(BadInputException.class).hasMessageContaining("calibration.scale");
        String loop = good.replaceFirst("\"left\":\\[[0-9]+", "\"left\":[0");
        assertThatThrownBy(() -> read(loop)).isInstanceOf(BadInputException.class).hasMessageContaining("trees[0]").hasMessageContaining("children");
        String feature = good.replaceFirst("\"feature\":\\[[-0-9]+", "\"feature\":[999");
        assertThatThrownBy(() -> read(feature)).isInstanceOf(BadInputException.class).hasMessageContaining("is not a feature index");
        String version = good.replace("\"featureVersion\":" + KernelFeatures.VERSION + ",\"features\"", "\"featureVersion\":99,\"features\"");
        assertThatThrownBy(() -> read(version)).isInstanceOf(BadInputException.class).hasMessageContaining("fit the model again");
        // a model of version 2 (one set of trees for every kernel) is refused the same way
        String version2 = good.replace("\"featureVersion\":" + KernelFeatures.VERSION + ",\"features\"", "\"featureVersion\":2,\"features\"");
        assertThatThrownBy(() -> read(version2)).isInstanceOf(BadInputException.class).hasMessageContaining("featureVersion: 2")
                .hasMessageContaining("fit the model again");
        // the product trees are checked against the product's own numbers, not the 30 of the other trees
        String productFeature = good.replaceFirst("(\"productTrees\":\\{\"base\":[-0-9.eE]+,\"trees\":\\[\\{\"feature\":\\[)[-0-9]+", "$1" + KernelFeatures.productSize());
        assertThat(productFeature).isNotEqualTo(good);
        assertThatThrownBy(() -> read(productFeature)).isInstanceOf(BadInputException.class).hasMessageContaining("productTrees[0]")
                .hasMessageContaining("is not a feature index");
    }
}
