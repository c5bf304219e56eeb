package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
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

    /** The reference archs of {@code space} (architecture strings the space parses). */
    public static List<String> forSpace(String space) {
        if (Nb201Space.NAME.equals(space)) return NASBENCH201;
        if (FbnetSpace.NAME.equals(space)) return FBNET;
        throw new BadInputException("space '" + space + "': no built-in hardware-embedding reference archs (only " + Nb201Space.NAME + " and " + FbnetSpace.NAME + ")");
    }
}
