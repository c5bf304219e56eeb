package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Costs against the original PyTorch models: HW-NAS-Bench's {@code FBNet_Infer} (CIFAR-100) and once-for-all's
 * {@code OFAMobileNetV3} (width 1.2, as vendored by HELP), built and counted by
 * {@code docs/results/spaces_costs_check.py} (parameters with requires_grad; conv/linear multiply-accumulates by
 * forward hooks, linear bias counted for FBNet, not for OFA). See docs/results/spaces.md for the run.
 */
class ReferenceCostsTest {
    private final FbnetSpace fbnet = new FbnetSpace();
    private final OfaSpace ofa = new OfaSpace();

    @Test
    void fbnetMatchesHwNasBenchModel() {
        fbnetIs("7818488874147327324245", 1_790_500, 67_605_476);
        fbnetIs("5355047552024513726040", 1_695_572, 61_564_388);
        fbnetIs("8215184662525125282350", 1_737_316, 47_184_484);
        fbnetIs("8888888888888888888888", 780_660, 11_609_060);
        fbnetIs("7777777777777777777777", 3_749_652, 160_926_180);
        fbnetIs("1515151515151515151515", 953_652, 22_337_252);
    }

    @Test
    void ofaMatchesOnceForAllModel() {
        ofaIs("r204_d22223_ks75557757573753735353_e64466343363336346436", 6_132_040, 305_047_776);
        ofaIs("r136_d23434_ks73533737373737735573_e46344446366446643664", 8_563_984, 194_332_104);
        ofaIs("r132_d44224_ks35573353335535335773_e63334334444466446436", 7_497_256, 171_539_120);
        ofaIs("r128_d22222_ks33333333333333333333_e33333333333333333333", 4_602_456, 65_536_896);
        ofaIs("r224_d44444_ks77777777777777777777_e66666666666666666666", 10_701_632, 843_101_040);
        ofaIs("r172_d34243_ks35735735735735735735_e46346346346346346346", 6_794_664, 284_024_248);
    }

    private void fbnetIs(String arch, long params, long macs) {
        FbnetArch a = fbnet.parse(arch);
        assertThat(fbnet.params(a)).as("params of %s", arch).isEqualTo(params);
        assertThat(fbnet.mflops(a)).as("MACs of %s", arch).isCloseTo(macs / 1e6, within(1e-9));
    }

    private void ofaIs(String arch, long params, long macs) {
        OfaArch a = ofa.parse(arch);
        assertThat(ofa.params(a)).as("params of %s", arch).isEqualTo(params);
        assertThat(ofa.mflops(a)).as("MACs of %s", arch).isCloseTo(macs / 1e6, within(1e-9));
    }
}
