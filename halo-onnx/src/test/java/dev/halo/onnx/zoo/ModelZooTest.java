package dev.halo.onnx.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelZooTest {
    /** The default sample (800: 100 of each default family) and 100 swin models, which only --family swin draws. */
    private static final List<ZooModel> SAMPLE = java.util.stream.Stream.concat(ModelZoo.sample("all", 800, 11).stream(),
            ModelZoo.sample("swin", 100, 11).stream()).toList();

    @Test
    void samplingIsDeterministicDistinctAndPrefixStable() {
        List<String> again = ModelZoo.sample("all", 800, 11).stream().map(ZooModel::canonical).toList();
        assertThat(SAMPLE.subList(0, 800).stream().map(ZooModel::canonical).toList()).isEqualTo(again);
        assertThat(SAMPLE.stream().map(ZooModel::canonical).toList()).doesNotHaveDuplicates();
        assertThat(ModelZoo.sample("all", 40, 11).stream().map(ZooModel::canonical).toList()).isEqualTo(again.subList(0, 40));
        assertThat(ModelZoo.sample("all", 40, 12).stream().map(ZooModel::canonical).toList()).isNotEqualTo(again.subList(0, 40));
        assertThat(ModelZoo.sample("resnet", 5, 1)).allMatch(m -> m.family().equals("resnet"));
    }

    @Test
    void everyDefaultFamilyIsDrawnEquallyOftenAndSwinAndMicroOnlyOnRequest() {
        Map<String, Long> perFamily = ModelZoo.sample("all", 800, 11).stream()
                .collect(Collectors.groupingBy(ZooModel::family, TreeMap::new, Collectors.counting()));
        assertThat(perFamily.keySet()).containsExactlyInAnyOrderElementsOf(ModelZoo.families().stream().map(ModelFamily::name)
                .filter(name -> !name.equals(SwinTransformer.NAME) && !name.equals(MicroKernels.NAME)).toList());
        assertThat(perFamily.values()).containsOnly(100L);
        assertThat(ModelZoo.sample("swin", 3, 11)).allMatch(m -> m.family().equals(SwinTransformer.NAME));
        assertThat(ModelZoo.sample("micro", 3, 11)).allMatch(m -> m.family().equals(MicroKernels.NAME));
    }

    @Test
    void canonicalStringsRoundTrip() {
        for (ZooModel m : SAMPLE) {
            ZooModel parsed = ModelZoo.parse(m.canonical());
            assertThat(parsed).isEqualTo(m);
            assertThat(parsed.canonical()).isEqualTo(m.canonical());
        }
        // keys in another order and defaults fill in; the canonical form is unique
        assertThat(ModelZoo.parse("resnet:res=160:block=bottleneck").canonical())
                .isEqualTo("resnet:block=bottleneck:depth=2-2-2-2:width=64-128-256-512:res=160");
        assertThat(ModelZoo.parse("efficientnet:width=1.10:depth=1.2:res=260")).isEqualTo(ModelZoo.parse("efficientnet_b2"));
    }

    @Test
    void badSpecsNameWhatIsWrong() {
        assertThatThrownBy(() -> ModelZoo.parse("resnet:blocks=basic")).isInstanceOf(BadInputException.class).hasMessageContaining("unknown key 'blocks'");
        assertThatThrownBy(() -> ModelZoo.parse("vgg16")).isInstanceOf(BadInputException.class).hasMessageContaining("preset");
        assertThatThrownBy(() -> ModelZoo.parse("vit:res=100")).isInstanceOf(BadInputException.class).hasMessageContaining("multiple of patch");
        assertThatThrownBy(() -> ModelZoo.parse("mobilenetv2:kernel=3-3")).isInstanceOf(BadInputException.class).hasMessageContaining("7 entries");
        assertThatThrownBy(() -> ModelZoo.parse("densenet:growth=x")).isInstanceOf(BadInputException.class).hasMessageContaining("integer");
    }

    @Test
    void samplesCoverTheStatedRanges() {
        Set<Integer> resolutions = new HashSet<>();
        for (ZooModel m : SAMPLE) {
            assertThat(m.resolution()).as(m.canonical()).isBetween(96, 320);
            resolutions.add(m.resolution());
        }
        assertThat(resolutions).hasSizeGreaterThan(20); // ViT's multiples of 14 and 32 add to the 15 multiples of 16
        assertThat(values(ResNet.Variant.class, ResNet.Variant::block)).containsExactlyInAnyOrder("basic", "bottleneck");
        assertThat(values(RegNet.Variant.class, RegNet.Variant::type)).containsExactlyInAnyOrder("x", "y");
        assertThat(values(MobileNetV3.Variant.class, MobileNetV3.Variant::size)).containsExactlyInAnyOrder("large", "small");
        assertThat(flat(MobileNetV2.Variant.class, MobileNetV2.Variant::kernel)).containsExactlyInAnyOrder(3, 5, 7);
        assertThat(flat(MobileNetV2.Variant.class, MobileNetV2.Variant::expand)).containsExactlyInAnyOrder(1, 3, 4, 6);
        assertThat(flat(EfficientNet.Variant.class, EfficientNet.Variant::kernel)).containsExactlyInAnyOrder(3, 5, 7);
        assertThat(values(EfficientNet.Variant.class, EfficientNet.Variant::depth)).hasSize(7);
        assertThat(values(ShuffleNetV2.Variant.class, ShuffleNetV2.Variant::kernel)).containsExactlyInAnyOrder(3, 5, 7);
        assertThat(values(VisionTransformer.Variant.class, VisionTransformer.Variant::patch)).containsExactlyInAnyOrder(14, 16, 32);
        assertThat(values(VisionTransformer.Variant.class, VisionTransformer.Variant::depth)).hasSize(9);
        assertThat(values(DenseNet.Variant.class, DenseNet.Variant::growth)).hasSize(6);
        assertThat(values(VisionTransformer.Variant.class, VisionTransformer.Variant::dim)).contains(768); // ViT-B's width
        assertThat(values(VisionTransformer.Variant.class, VisionTransformer.Variant::heads)).contains(12);
        assertThat(values(SwinTransformer.Variant.class, SwinTransformer.Variant::dim)).containsExactlyInAnyOrder(48, 64, 96, 128);
        assertThat(values(SwinTransformer.Variant.class, SwinTransformer.Variant::window)).containsExactlyInAnyOrder(4, 7, 8);
        assertThat(values(SwinTransformer.Variant.class, SwinTransformer.Variant::resolution)).hasSize(8);
        for (ZooModel m : SAMPLE)
            if (m instanceof SwinTransformer.Variant v) assertThat(v.width(3) / v.heads().get(3)).as(v.canonical()).isIn(16, 32);
        for (ZooModel m : SAMPLE)
            if (m instanceof RegNet.Variant r) assertThat(r.stages()).as(r.canonical()).hasSize(4);
    }

    @Test
    void sampledModelsExportWithRealisticSizes() {
        for (ZooModel m : SAMPLE.subList(0, 240)) {
            var net = m.structure();
            assertThat(net.outputSize()).isEqualTo(1000);
            assertThat(net.trainableParams()).as(m.canonical()).isBetween(200_000L, 150_000_000L);
            assertThat(net.macs()).as(m.canonical()).isBetween(5_000_000L, 40_000_000_000L);
        }
    }

    private static <V, T> Set<T> values(Class<V> type, Function<V, T> field) {
        return SAMPLE.stream().filter(type::isInstance).map(type::cast).map(field).collect(Collectors.toSet());
    }

    private static <V> Set<Integer> flat(Class<V> type, Function<V, List<Integer>> field) {
        return SAMPLE.stream().filter(type::isInstance).map(type::cast).flatMap(v -> field.apply(v).stream()).collect(Collectors.toSet());
    }
}
