package dev.halo.kernel;

import dev.halo.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link GraphLatencyModel} as flat binary: the same content as {@link KernelModelFile}'s JSON (which stays the
 * format people keep and read), for a cache beside it. A kernel model holds 300 trees, about 190,000 numbers: a fresh
 * JVM parses them from JSON in most of a second, while this form reads them with a few bulk copies. The bytes start
 * with a key chosen by the writer (a checksum of the JSON they were made from), so a stale cache is not mistaken for
 * its file; the content passes the same checks as the JSON on the way in.
 *
 * <p>Layout, big-endian: magic, layout version, key (length-prefixed), then the model: kind (0 profiled, 1 adapted);
 * an adapted model's device, group scales, overhead, shrinkage, leave-one-out error, known count and correction trees
 * (if any) come before its source; a profiled model is its feature version, provenance, baseline, calibration, trees,
 * product trees, linear bases (a count of keys, 0 for none; per key a flag, then means, deviations, coefficients, low, high).
 * Trees are their base and count, then per tree its node count and five arrays.
 */
public final class KernelModelBinary {
    private static final int MAGIC = 0x48414c4b; // "HALK"
    // 2: a profiled model holds its matrix products' trees (kernel features version 4); 3: and its linear bases
    private static final int LAYOUT = 3;
    private static final byte PROFILED = 0, ADAPTED = 1;

    private KernelModelBinary() {}

    public static byte[] write(GraphLatencyModel model, byte[] key) {
        Writer w = new Writer();
        w.buf.putInt(MAGIC).putInt(LAYOUT);
        w.bytes(key);
        switch (model) {
            case KernelCostModel m -> {
                w.need(1).put(PROFILED);
                profiled(w, m);
            }
            case DeviceAdaptation a -> {
                w.need(1).put(ADAPTED);
                w.text(a.device());
                w.doubles(a.groupScales());
                w.need(28).putDouble(a.overheadMs()).putDouble(a.shrinkage()).putDouble(a.looMape()).putInt(a.known());
                w.need(1).put((byte) (a.correction() == null ? 0 : 1));
                if (a.correction() != null) trees(w, a.correction());
                profiled(w, a.source());
            }
        }
        return Arrays.copyOf(w.buf.array(), w.buf.position());
    }

    /**
     * The model in {@code bytes} when they were written with {@code key}, else null (another key, or not this layout).
     * Damaged content is a {@link BadInputException} naming {@code source}.
     */
    public static GraphLatencyModel read(byte[] bytes, byte[] key, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (bytes.length < 12 || b.getInt() != MAGIC || b.getInt() != LAYOUT || !Arrays.equals(bytes(b), key)) return null;
            byte kind = b.get();
            GraphLatencyModel model = switch (kind) {
                case PROFILED -> profiled(b, source);
                case ADAPTED -> {
                    String device = text(b);
                    double[] scales = KernelModelChecks.groupScales(doubles(b), source + ": adapted.groupScales");
                    double overhead = b.getDouble(), shrinkage = b.getDouble(), looMape = b.getDouble();
                    int known = b.getInt();
                    BoostedTrees correction = b.get() == 0 ? null : trees(b, KernelFeatures.size(), source + ": adapted.correction");
                    if (!Double.isFinite(overhead) || !Double.isFinite(shrinkage)) throw new BadInputException(source + ": adapted: not a finite number");
                    yield new DeviceAdaptation(device, profiled(b, source), correction, scales, overhead, shrinkage, looMape, known);
                }
                default -> throw new BadInputException(source + ": unknown model kind " + kind);
            };
            if (b.hasRemaining()) throw new BadInputException(source + ": " + b.remaining() + " bytes after the model");
            return model;
        } catch (RuntimeException e) {
            if (e instanceof BadInputException) throw e;
            throw new BadInputException(source + ": damaged (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static void profiled(Writer w, KernelCostModel m) {
        KernelCostModel.Provenance p = m.provenance();
        w.need(4).putInt(KernelFeatures.VERSION);
        w.text(p.device());
        w.text(p.deviceLabel());
        w.need(12).putInt(p.models()).putInt(p.kernels()).putInt(p.families().size());
        p.families().forEach(w::text);
        w.need(4).putInt(p.featureVersion());
        w.text(p.fittedAt());
        KernelCostModel.Baseline bl = m.baseline();
        w.need(24).putDouble(bl.msPerMac()).putDouble(bl.msPerByte()).putDouble(bl.msPerKernel());
        KernelCostModel.Calibration c = m.calibration();
        w.need(40).putDouble(c.scale()).putDouble(c.perKernelMs()).putDouble(c.overheadMs()).putDouble(c.lowLogRatio()).putDouble(c.highLogRatio());
        trees(w, m.trees());
        trees(w, m.productTrees());
        linear(w, m.linear());
        linear(w, m.productLinear());
    }

    private static void linear(Writer w, LinearBase lb) {
        int keys = lb == null ? 0 : lb.coef().length;
        w.need(4).putInt(keys);
        for (int g = 0; g < keys; g++) {
            boolean present = lb.coef()[g] != null;
            w.need(1).put((byte) (present ? 1 : 0));
            if (!present) continue;
            w.doubles(lb.mean()[g]);
            w.doubles(lb.sd()[g]);
            w.doubles(lb.coef()[g]);
            w.need(16).putDouble(lb.low()[g]).putDouble(lb.high()[g]);
        }
    }

    private static LinearBase linear(ByteBuffer b, int features, String where) {
        int keys = b.getInt();
        if (keys == 0) return null;
        if (keys < 0 || keys > 64) throw new BadInputException(where + ": " + keys + " keys");
        double[][] mean = new double[keys][], sd = new double[keys][], coef = new double[keys][];
        double[] low = new double[keys], high = new double[keys];
        for (int g = 0; g < keys; g++) {
            if (b.get() == 0) continue;
            mean[g] = doubles(b);
            sd[g] = doubles(b);
            coef[g] = doubles(b);
            low[g] = b.getDouble();
            high[g] = b.getDouble();
        }
        return KernelModelChecks.linear(new LinearBase(mean, sd, coef, low, high), features, where);
    }

    private static KernelCostModel profiled(ByteBuffer b, String source) {
        String where = source + ": profiled";
        KernelModelChecks.featureVersion(b.getInt(), where);
        String device = text(b), label = text(b);
        int models = b.getInt(), kernels = b.getInt(), familyCount = b.getInt();
        List<String> families = new ArrayList<>();
        for (int i = 0; i < familyCount; i++) families.add(text(b));
        var provenance = new KernelCostModel.Provenance(device, label, models, kernels, families, b.getInt(), text(b));
        var baseline = KernelModelChecks.baseline(b.getDouble(), b.getDouble(), b.getDouble(), where + ".baseline");
        var calibration = KernelModelChecks.calibration(new KernelCostModel.Calibration(b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble(),
                b.getDouble()), where + ".calibration");
        BoostedTrees trees = trees(b, KernelFeatures.size(), where + ".trees");
        BoostedTrees productTrees = trees(b, KernelFeatures.productSize(), where + ".productTrees");
        LinearBase linear = linear(b, KernelFeatures.size(), where + ".linear");
        return new KernelCostModel(baseline, trees, productTrees, linear, linear(b, KernelFeatures.productSize(), where + ".productLinear"),
                calibration, provenance);
    }

    private static void trees(Writer w, BoostedTrees t) {
        w.need(12).putDouble(t.base()).putInt(t.trees().size());
        for (BoostedTrees.Tree tree : t.trees()) {
            int n = tree.feature().length;
            w.need(4 + n * (3 * 4 + 2 * 8));
            w.buf.putInt(n);
            w.buf.asIntBuffer().put(tree.feature());
            w.buf.position(w.buf.position() + 4 * n);
            w.buf.asDoubleBuffer().put(tree.threshold());
            w.buf.position(w.buf.position() + 8 * n);
            w.buf.asIntBuffer().put(tree.left());
            w.buf.position(w.buf.position() + 4 * n);
            w.buf.asIntBuffer().put(tree.right());
            w.buf.position(w.buf.position() + 4 * n);
            w.buf.asDoubleBuffer().put(tree.value());
            w.buf.position(w.buf.position() + 8 * n);
        }
    }

    private static BoostedTrees trees(ByteBuffer b, int features, String where) {
        double base = b.getDouble();
        int count = b.getInt();
        if (count < 0 || count > b.remaining() / 4) throw new BadInputException(where + ": " + count + " trees");
        List<BoostedTrees.Tree> trees = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / (3 * 4 + 2 * 8)) throw new BadInputException(where + "[" + i + "]: " + n + " nodes");
            int[] feature = ints(b, n);
            double[] threshold = doubles(b, n);
            int[] left = ints(b, n), right = ints(b, n);
            trees.add(KernelModelChecks.tree(feature, threshold, left, right, doubles(b, n), features, where + "[" + i + "]"));
        }
        return KernelModelChecks.boostedTrees(base, trees, features, where);
    }

    // Bulk copies: a fresh JVM runs them as native array copies, not as one interpreted call per number.
    private static int[] ints(ByteBuffer b, int n) {
        int[] out = new int[n];
        b.asIntBuffer().get(out);
        b.position(b.position() + 4 * n);
        return out;
    }

    private static double[] doubles(ByteBuffer b, int n) {
        double[] out = new double[n];
        b.asDoubleBuffer().get(out);
        b.position(b.position() + 8 * n);
        return out;
    }

    private static double[] doubles(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 8) throw new BadInputException("array of " + n + " numbers");
        return doubles(b, n);
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new BadInputException("field of " + n + " bytes");
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String text(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }

    /** A growing big-endian buffer. */
    private static final class Writer {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);

        ByteBuffer need(int bytes) {
            if (buf.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + bytes));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return buf;
        }

        void bytes(byte[] v) {
            need(4 + v.length).putInt(v.length).put(v);
        }

        void text(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void doubles(double[] v) {
            need(4 + 8 * v.length).putInt(v.length);
            buf.asDoubleBuffer().put(v);
            buf.position(buf.position() + 8 * v.length);
        }
    }
}
