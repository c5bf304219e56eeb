package dev.halo.kernel;

import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic kernels and corpora whose costs follow known rules, for tests that must be able to fail. */
final class KernelFixtures {
    private KernelFixtures() {}

    static KernelShape conv(String node, long cin, long cout, long hw, long k, long stride, long group) {
        long out = hw / stride;
        long macs = cout * out * out * (cin / group) * k * k;
        return new KernelShape(node, "com.microsoft.nchwc::Conv", "Relu", List.of(TensorShape.of(1, cin, hw, hw)),
                List.of(TensorShape.of(cout, cin / group, k, k), TensorShape.of(cout)), List.of(TensorShape.of(1, cout, out, out)),
                new long[] {k, k}, new long[] {stride, stride}, group,
                new NodeCost(macs, 2 * macs, cout * (cin / group) * k * k + cout, 0, 4 * cin * hw * hw, 4 * (cout * (cin / group) * k * k + cout),
                        4 * cout * out * out));
    }

    /** {@code heads} products of a rows×inner by an inner×columns matrix, both operands computed (attention's form). */
    static KernelShape matmul(String node, long heads, long rows, long inner, long columns) {
        long macs = heads * rows * inner * columns;
        return new KernelShape(node, "MatMul", "", List.of(TensorShape.of(1, heads, rows, inner), TensorShape.of(1, heads, inner, columns)), List.of(),
                List.of(TensorShape.of(1, heads, rows, columns)), new long[] {0, 0}, new long[] {1, 1}, 1,
                new NodeCost(macs, 2 * macs, 0, 0, 4 * heads * (rows * inner + inner * columns), 0, 4 * heads * rows * columns));
    }

    /** A fully connected layer: a rows×inner activation by a constant inner×columns weight, plus a bias. */
    static KernelShape gemm(String node, long rows, long inner, long columns) {
        long macs = rows * inner * columns;
        return new KernelShape(node, "Gemm", "", List.of(TensorShape.of(rows, inner)), List.of(TensorShape.of(inner, columns), TensorShape.of(columns)),
                List.of(TensorShape.of(rows, columns)), new long[] {0, 0}, new long[] {1, 1}, 1,
                new NodeCost(macs, 2 * macs, inner * columns + columns, 0, 4 * rows * inner, 4 * (inner * columns + columns), 4 * rows * columns));
    }

    static KernelShape add(String node, long c, long hw) {
        long e = c * hw * hw;
        return new KernelShape(node, "Add", "", List.of(TensorShape.of(1, c, hw, hw), TensorShape.of(1, c, hw, hw)), List.of(),
                List.of(TensorShape.of(1, c, hw, hw)), new long[] {0, 0}, new long[] {1, 1}, 1, new NodeCost(0, e, 0, 0, 8 * e, 0, 4 * e));
    }

    /** A made-up device: dense work at 20 GMAC/s, depthwise work 4x slower per MAC, element-wise at 5 GB/s, 5 us per kernel. */
    static double trueMs(KernelShape k, double[] groupSpeed) {
        KernelKind kind = KernelKind.of(k);
        double ms = 0.005;
        if (kind == KernelKind.ELEMENTWISE) ms += k.cost().bytesMoved() / 5e6;
        else ms += k.cost().macs() / 2e7 * (kind == KernelKind.CONV_DEPTHWISE ? 4 : 1);
        return ms * groupSpeed[kind.group().ordinal()];
    }

    static List<KernelShape> randomModel(SplittableRandom r, int id) {
        List<KernelShape> ks = new ArrayList<>();
        long hw = 8L << r.nextInt(4);
        long c = 16L << r.nextInt(4);
        for (int i = 0; i < 4 + r.nextInt(8); i++) {
            int pick = r.nextInt(4);
            String node = "m" + id + "_" + i;
            ks.add(switch (pick) {
                case 0 -> conv(node, c, c, hw, 3, 1, 1);
                case 1 -> conv(node, c, c * 2, hw, 1, 1, 1);
                case 2 -> conv(node, c, c, hw, 3, 1, c);
                default -> add(node, c, hw);
            });
        }
        return ks;
    }

    /** A corpus of {@code n} random models on the made-up device, families f0..f3, with profiled kernel times. */
    static List<KernelCorpus.Model> corpus(int n, long seed, double[] groupSpeed, double overheadMs) {
        SplittableRandom r = new SplittableRandom(seed);
        List<KernelCorpus.Model> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<ProfiledKernel> ks = new ArrayList<>();
            double sum = 0;
            for (KernelShape k : randomModel(r, i)) {
                double ms = trueMs(k, groupSpeed);
                ks.add(new ProfiledKernel(k, ms));
                sum += ms;
            }
            out.add(new KernelCorpus.Model("m" + i, "f" + (i % 4), 32, 1, 1, ks, sum, sum + overheadMs, new double[] {sum + overheadMs}));
        }
        return out;
    }

    static final double[] UNIT = {1, 1, 1, 1, 1};
}
