package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import java.util.List;

/**
 * The reference architectures of HELP's hardware embedding: a device is described to the model by its
 * latencies on these archs, in this order (min-max normalised, {@link HelpProtocol#hardwareEmbedding(double[])}).
 * Meta-training reads them from the benchmark data ({@code hw_embedding_index.csv}); onboarding a new machine
 * must measure exactly the same archs with no data present, so they are written down here. A test checks
 * them against the shared data.
 */
public final class HelpReferenceArchs {
    private HelpReferenceArchs() {}

    /** NAS-Bench-201, in hardware-embedding position order (official NAS-Bench-201 index after each). */
    public static final List<String> NASBENCH201 = List.of(
            "|avg_pool_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", // 11982
            "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|", // 431
            "|skip_connect~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|", // 55
            "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", // 9
            "|none~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_1x1~2|", // 14451
            "|skip_connect~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|none~1|nor_conv_3x3~2|", // 8636
            "|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|", // 9881
            "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", // 13479
            "|avg_pool_3x3~0|+|none~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|", // 6196
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|" // 1462
    );

    /** FBNet, in hardware-embedding position order (HELP's {@code op_idx_str}, 22 block indices; HELP's arch index after each). */
    public static final List<String> FBNET = List.of(
            "1866803437874325730137", // 3328
            "5485168530480245066005", // 3790
            "7275468066512407560332", // 3313
            "8161627168752018032254", // 890
            "1707434661105677676312", // 3052
            "2245725722123146363201", // 2538
            "4455311042242050562525", // 1640
            "8844681803128858228148", // 2514
            "0767336174377084856851", // 457
            "1240730564570143233306" // 2100
    );

    /**
     * OFA-MobileNetV3, in hardware-embedding position order (HELP's {@code hardware_embedding_index.pt}, canonical form with
     * {@code -} in inactive slots; HELP's arch index after each). No HELP model for OFA ships with halo: onboarding
     * measures them as known archs for op-costs, as on the other spaces.
     */
    public static final List<String> OFA = List.of(
            "r196_d43342_ks7755773-775-353335--_e3636643-466-344333--", // 1316
            "r172_d32232_ks733-53--57--375-35--_e436-66--36--633-63--", // 1587
            "r204_d22223_ks75--33--77--55--777-_e44--44--63--36--364-", // 1621
            "r200_d43444_ks3757335-335375377553_e4336334-664636664446", // 1636
            "r136_d22232_ks57--77--73--777-77--_e46--46--43--644-46--", // 1980
            "r224_d42344_ks775737--377-33773577_e643666--646-66434663", // 2329
            "r132_d42423_ks557333--733573--333-_e634433--334433--366-", // 2487
            "r152_d24244_ks73--375773--33377737_e36--643464--63434336", // 3355
            "r152_d24344_ks73--3735555-55355537_e44--6364444-34646333", // 3740
            "r200_d44342_ks33777777573-355337--_e33466643633-336366--" // 4948
    );

    /** The reference archs of {@code space} (architecture strings the space parses). */
    public static List<String> forSpace(String space) {
        if (Nb201Space.NAME.equals(space)) return NASBENCH201;
        if (FbnetSpace.NAME.equals(space)) return FBNET;
        if (OfaSpace.NAME.equals(space)) return OFA;
        throw new BadInputException("space '" + space + "': no built-in hardware-embedding reference archs (only " + Nb201Space.NAME + ", " + FbnetSpace.NAME
                + " and " + OfaSpace.NAME + ")");
    }
}
