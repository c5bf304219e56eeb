package dev.halo.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * FBNet (HW-NAS-Bench's setting): 22 searchable layers, each one of 9 {@link FbnetBlock}s (9^22 archs), in the
 * {@link FbnetMacro} network (CIFAR-100 by default, as in HELP's FBNet data).
 *
 * <p>Accepted text forms: 22 digits 0..8 (HELP's {@code op_idx_str}, the canonical form); 22 block names separated
 * by commas or spaces (optionally in Python list brackets and quotes).
 */
public final class FbnetSpace implements SearchSpace<FbnetArch> {
    public static final String NAME = "fbnet";
    /** HELP's per-layer feature: {@code [k3, k5, e1, e1_g2, e3, e6]}, all zero for skip. */
    public static final int FEATURES_PER_LAYER = 6;
    public static final int ENCODING_LENGTH = FbnetArch.LAYERS * FEATURES_PER_LAYER;
    private static final int BLOCKS = 9;

    private final FbnetMacro macro;

    public FbnetSpace() {
        this(FbnetMacro.cifar100());
    }

    public FbnetSpace(FbnetMacro macro) {
        this.macro = Objects.requireNonNull(macro);
    }

    public FbnetMacro macro() {
        return macro;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "FBNet (HW-NAS-Bench): 22 layers x 9 blocks, " + macro.inputSize() + "x" + macro.inputSize() + " input, "
                + macro.numClasses() + " classes";
    }

    @Override
    public double size() {
        return Math.pow(BLOCKS, FbnetArch.LAYERS);
    }

    @Override
    public FbnetArch parse(String text) {
        if (text == null) throw SpaceText.bad(NAME, "", "no text given");
        String s = text.strip();
        if (s.isEmpty()) throw SpaceText.bad(NAME, text, "empty; expected 22 digits 0..8 or 22 block names");
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) return parseDigits(text, s);
        return parseLabels(text, s);
    }

    private static FbnetArch parseDigits(String text, String s) {
        if (s.length() != FbnetArch.LAYERS)
            throw SpaceText.bad(NAME, text, "expected 22 digits (one block index per layer), found " + s.length());
        List<FbnetBlock> blocks = new ArrayList<>(FbnetArch.LAYERS);
        for (int layer = 0; layer < s.length(); layer++) {
            int d = s.charAt(layer) - '0';
            if (d >= BLOCKS)
                throw SpaceText.bad(NAME, text, "layer " + layer + ": digit " + d + " is no block; allowed " + FbnetBlock.allowed());
            blocks.add(FbnetBlock.all().get(d));
        }
        return new FbnetArch(blocks);
    }

    private static FbnetArch parseLabels(String text, String s) {
        String body = s;
        if (body.startsWith("[") && body.endsWith("]") && body.length() >= 2) body = body.substring(1, body.length() - 1).strip();
        String[] tokens = body.isEmpty() ? new String[0] : body.split("[,\\s]+");
        if (tokens.length != FbnetArch.LAYERS)
            throw SpaceText.bad(NAME, text, "expected 22 digits 0..8 or 22 block names, found " + tokens.length + " names");
        List<FbnetBlock> blocks = new ArrayList<>(FbnetArch.LAYERS);
        for (int layer = 0; layer < tokens.length; layer++) {
            String name = unquote(tokens[layer]);
            int at = layer;
            blocks.add(FbnetBlock.byLabel(name).orElseThrow(() -> SpaceText.bad(NAME, text,
                    "layer " + at + ": unknown block " + SpaceText.quote(name) + "; allowed " + FbnetBlock.allowed())));
        }
        return new FbnetArch(blocks);
    }

    private static String unquote(String t) {
        if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0))
            return t.substring(1, t.length() - 1);
        return t;
    }

    @Override
    public FbnetArch sample(RandomGenerator rng) {
        List<FbnetBlock> blocks = new ArrayList<>(FbnetArch.LAYERS);
        for (int i = 0; i < FbnetArch.LAYERS; i++) blocks.add(FbnetBlock.all().get(rng.nextInt(BLOCKS)));
        return new FbnetArch(blocks);
    }

    @Override
    public FbnetArch mutate(FbnetArch arch, RandomGenerator rng) {
        int layer = rng.nextInt(FbnetArch.LAYERS);
        int shift = 1 + rng.nextInt(BLOCKS - 1);
        return arch.with(layer, FbnetBlock.all().get((arch.block(layer).index() + shift) % BLOCKS));
    }

    /** The 176 archs that differ in exactly one layer, layer-major. */
    @Override
    public List<FbnetArch> neighbours(FbnetArch arch) {
        List<FbnetArch> out = new ArrayList<>(FbnetArch.LAYERS * (BLOCKS - 1));
        for (int layer = 0; layer < FbnetArch.LAYERS; layer++)
            for (FbnetBlock b : FbnetBlock.all())
                if (b != arch.block(layer)) out.add(arch.with(layer, b));
        return List.copyOf(out);
    }

    /**
     * HELP's 132-feature input ({@code arch_enc} in HELP's utils.py): per layer {@code [k3, k5, e1, e1_g2, e3, e6]}
     * one-hot (one kernel flag and one expansion flag set), all zeros for skip.
     */
    @Override
    public double[] flatEncoding(FbnetArch arch) {
        double[] x = new double[ENCODING_LENGTH];
        for (int layer = 0; layer < FbnetArch.LAYERS; layer++) {
            FbnetBlock b = arch.block(layer);
            if (b.isSkip()) continue;
            int base = layer * FEATURES_PER_LAYER;
            x[base + (b.kernel() == 3 ? 0 : 1)] = 1;
            x[base + 2 + b.index() % 4] = 1; // e1, e1_g2, e3, e6 follow the block index order within a kernel
        }
        return x;
    }

    /**
     * Millions of multiply-accumulates: convolutions (k·k·Cin/groups·Cout·Hout·Wout) and the classifier
     * (in·out + out, counting the bias as NAS-Bench-201's counter does); BN, ReLU, pooling, shuffles and residual adds
     * count zero.
     */
    @Override
    public double mflops(FbnetArch arch) {
        long macs = 9L * 3 * macro.stemChannels() * sq(macro.stemResolution());
        for (FbnetMacro.Layer l : macro.layers()) {
            FbnetBlock b = arch.block(l.index());
            long outArea = sq(l.outResolution());
            if (b.isSkip()) {
                if (skipHasConv(l)) macs += (long) l.inChannels() * l.outChannels() * outArea;
                continue;
            }
            int mid = l.inChannels() * b.expansion();
            macs += (long) l.inChannels() / b.groups() * mid * sq(l.inResolution());
            macs += (long) b.kernel() * b.kernel() * mid * outArea;
            macs += (long) mid / b.groups() * l.outChannels() * outArea;
        }
        int last = macro.layers().get(FbnetArch.LAYERS - 1).outResolution();
        macs += (long) macro.lastChannels() * macro.headChannels() * sq(last);
        macs += (long) macro.headChannels() * macro.numClasses() + macro.numClasses();
        return macs / 1e6;
    }

    /** Trainable parameters: conv weights (no conv biases), BN scale and shift, classifier weight and bias. */
    @Override
    public long params(FbnetArch arch) {
        long p = 9L * 3 * macro.stemChannels() + 2L * macro.stemChannels();
        for (FbnetMacro.Layer l : macro.layers()) {
            FbnetBlock b = arch.block(l.index());
            if (b.isSkip()) {
                if (skipHasConv(l)) p += (long) l.inChannels() * l.outChannels() + 2L * l.outChannels();
                continue;
            }
            int mid = l.inChannels() * b.expansion();
            p += (long) l.inChannels() / b.groups() * mid + 2L * mid;
            p += (long) b.kernel() * b.kernel() * mid + 2L * mid;
            p += (long) mid / b.groups() * l.outChannels() + 2L * l.outChannels();
        }
        p += (long) macro.lastChannels() * macro.headChannels() + 2L * macro.headChannels();
        p += (long) macro.headChannels() * macro.numClasses() + macro.numClasses();
        return p;
    }

    /** A skip layer is a 1×1 conv (+BN+ReLU) where it changes channels or resolution, else the identity. */
    public static boolean skipHasConv(FbnetMacro.Layer layer) {
        return layer.stride() != 1 || layer.inChannels() != layer.outChannels();
    }

    private static long sq(int v) {
        return (long) v * v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FbnetSpace other && other.macro.equals(macro);
    }

    @Override
    public int hashCode() {
        return macro.hashCode();
    }

    @Override
    public String toString() {
        return NAME + "(" + macro + ")";
    }
}
