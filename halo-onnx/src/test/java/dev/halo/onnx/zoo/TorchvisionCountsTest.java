package dev.halo.onnx.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The presets count exactly the parameters torchvision's models have ({@code sum(p.numel() for p in
 * model.parameters())}, from torchvision's model documentation tables and weight metadata; ViT-Ti/S from timm/DeiT,
 * which have the same layers). Tolerance: exact, except where noted.
 */
class TorchvisionCountsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "resnet18, 11689512",
        "resnet34, 21797672",
        "resnet50, 25557032",
        "resnet101, 44549160",
        "mobilenet_v2, 3504872",
        "mobilenet_v3_large, 5483032",
        "mobilenet_v3_small, 2542856",
        "efficientnet_b0, 5288548",
        "efficientnet_b1, 7794184",
        "efficientnet_b2, 9109994",
        "efficientnet_b3, 12233232",
        "shufflenet_v2_x0_5, 1366792",
        "shufflenet_v2_x1_0, 2278604",
        "shufflenet_v2_x1_5, 3503624",
        "shufflenet_v2_x2_0, 7393996",
        "regnet_x_400mf, 5495976",
        "regnet_x_800mf, 7259656",
        "regnet_y_400mf, 4344144",
        "regnet_y_800mf, 6432512",
        "densenet121, 7978856",
        "densenet161, 28681000",
        "densenet169, 14149480",
        "densenet201, 20013928",
        "vit_ti_16, 5717416",
        "vit_s_16, 22050664",
        "vit_b_16, 86567656",
        "vit_b_32, 88224232",
        "swin_t, 28288354",
        "swin_s, 49606258",
        "swin_b, 87768224",
    })
    void presetMatchesTorchvision(String preset, long expected) {
        ZooModel m = ModelZoo.parse(preset);
        assertThat(m.structure().trainableParams()).as(m.canonical()).isEqualTo(expected);
    }

    /**
     * Multiply-accumulates of convolutions, linear layers and attention products against the "GFLOPS" column of
     * torchvision's model tables (which counts multiply-adds, printed with 2 decimals: tolerance 0.006 G).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "resnet18, 1.81", "resnet50, 4.09", "mobilenet_v2, 0.30", "mobilenet_v3_large, 0.22", "mobilenet_v3_small, 0.06",
        "efficientnet_b0, 0.39", "efficientnet_b3, 1.83", "shufflenet_v2_x1_0, 0.14", "regnet_x_400mf, 0.41",
        "regnet_y_400mf, 0.40", "densenet121, 2.83", "vit_b_16, 17.56",
    })
    void presetMacsMatchTorchvision(String preset, double gmacs) {
        assertThat(ModelZoo.parse(preset).structure().macs() / 1e9).isCloseTo(gmacs, within(0.006));
    }
}
