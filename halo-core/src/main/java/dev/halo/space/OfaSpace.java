package dev.halo.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * OFA-MobileNetV3 subnets: resolution 128..224 (step 4), depth {2,3,4} per stage, kernel {3,5,7} and expand ratio
 * {3,4,6} per active block, in the {@link OfaMacro} supernet (width 1.2, ImageNet, as in HELP's OFA data).
 *
 * <p>Accepted text forms: {@code r<res>_d<5 digits>_ks<20>_e<20>} (HELP's table; inactive slots may hold any
 * allowed value, {@code 0} or {@code -}); the JSON config of once-for-all / HELP
 * ({@code {"ks": [20], "e": [20], "d": [5], "r": 176}}).
 */
public final class OfaSpace implements SearchSpace<OfaArch> {
    public static final String NAME = "ofa";
    public static final List<Integer> RESOLUTIONS = IntStream.rangeClosed(0, 24).map(i -> 128 + 4 * i).boxed().toList();
    public static final List<Integer> DEPTHS = List.of(2, 3, 4);
    public static final List<Integer> KERNELS = List.of(3, 5, 7);
    public static final List<Integer> EXPANDS = List.of(3, 4, 6);
    /** HELP's feature layout: 60 kernel one-hot, 60 expand one-hot, 25 resolution one-hot. */
    public static final int ENCODING_LENGTH = 3 * OfaArch.SLOTS * 2 + 25;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OfaMacro macro;

    public OfaSpace() {
        this(OfaMacro.helpDefault());
    }

    public OfaSpace(OfaMacro macro) {
        this.macro = Objects.requireNonNull(macro);
    }

    public OfaMacro macro() {
        return macro;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OFA-MobileNetV3 (width " + macro.widthMult() + "): res 128-224, depth 2-4 x 5 stages, kernel 3/5/7, expand 3/4/6";
    }

    /** 25 resolutions × (Σ_{d=2..4} 9^d)^5 stage choices. */
    @Override
    public double size() {
        double perStage = 0;
        for (int d : DEPTHS) perStage += Math.pow(KERNELS.size() * EXPANDS.size(), d);
        return RESOLUTIONS.size() * Math.pow(perStage, OfaArch.STAGES);
    }

    // ---------------------------------------------------------------- parsing

    @Override
    public OfaArch parse(String text) {
        if (text == null) throw SpaceText.bad(NAME, "", "no text given");
        String s = text.strip();
        if (s.startsWith("{")) return parseJson(text, s);
        return parseCompact(text, s);
    }

    private static String slotName(int slot) {
        return "slot " + slot + " (stage " + (slot / 4 + 1) + " block " + (slot % 4 + 1) + ")";
    }

    private static OfaArch parseCompact(String text, String s) {
        String[] parts = s.split("_", -1);
        if (parts.length != 4 || !parts[0].startsWith("r") || !parts[1].startsWith("d") || !parts[2].startsWith("ks") || !parts[3].startsWith("e"))
            throw SpaceText.bad(NAME, text, "expected r<res>_d<5 depths>_ks<20 kernels>_e<20 expands> or a JSON config");
        long r = SpaceText.plainNumber(parts[0].substring(1), 4);
        if (r < 0 || !RESOLUTIONS.contains((int) r))
            throw SpaceText.bad(NAME, text, "resolution " + SpaceText.quote(parts[0].substring(1)) + "; allowed 128..224 in steps of 4");
        String d = parts[1].substring(1);
        if (d.length() != OfaArch.STAGES) throw SpaceText.bad(NAME, text, "expected 5 depth digits after 'd', found " + d.length());
        List<Integer> depths = new ArrayList<>();
        for (int st = 0; st < d.length(); st++) {
            int v = d.charAt(st) - '0';
            if (!DEPTHS.contains(v)) throw SpaceText.bad(NAME, text, "stage " + (st + 1) + ": depth " + SpaceText.quote(d.substring(st, st + 1)) + "; allowed 2, 3, 4");
            depths.add(v);
        }
        List<Integer> ks = slotDigits(text, parts[2].substring(2), "kernel", KERNELS, depths);
        List<Integer> es = slotDigits(text, parts[3].substring(1), "expand", EXPANDS, depths);
        return new OfaArch((int) r, depths, ks, es);
    }

    private static List<Integer> slotDigits(String text, String digits, String what, List<Integer> allowed, List<Integer> depths) {
        if (digits.length() != OfaArch.SLOTS)
            throw SpaceText.bad(NAME, text, "expected 20 " + what + " values (one per slot, '-' for inactive), found " + digits.length());
        List<Integer> out = new ArrayList<>(OfaArch.SLOTS);
        for (int slot = 0; slot < OfaArch.SLOTS; slot++) {
            char c = digits.charAt(slot);
            boolean active = slot % 4 < depths.get(slot / 4);
            int v = c >= '0' && c <= '9' ? c - '0' : -1;
            if (allowed.contains(v)) out.add(v);
            else if (!active && (c == '-' || c == '0')) out.add(0);
            else throw SpaceText.bad(NAME, text, slotName(slot) + ": " + what + " " + SpaceText.quote(String.valueOf(c)) + "; allowed "
                    + allowed.toString().replaceAll("[\\[\\]]", "") + (active ? "" : " or '-' (inactive slot)"));
        }
        return out;
    }

    private static OfaArch parseJson(String text, String s) {
        JsonNode root;
        try {
            root = JSON.readTree(s);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw SpaceText.bad(NAME, text, "not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) throw SpaceText.bad(NAME, text, "JSON config must be an object with ks, e, d, r");
        JsonNode r = root.get("r");
        if (r == null || !r.canConvertToInt() || !r.isIntegralNumber() || !RESOLUTIONS.contains(r.asInt()))
            throw SpaceText.bad(NAME, text, "field r: need an integer resolution 128..224 in steps of 4");
        List<Integer> depths = jsonInts(text, root, "d", OfaArch.STAGES, DEPTHS, null);
        List<Integer> ks = jsonInts(text, root, "ks", OfaArch.SLOTS, KERNELS, depths);
        List<Integer> es = jsonInts(text, root, "e", OfaArch.SLOTS, EXPANDS, depths);
        return new OfaArch(r.asInt(), depths, ks, es);
    }

    private static List<Integer> jsonInts(String text, JsonNode root, String field, int size, List<Integer> allowed, List<Integer> depths) {
        JsonNode arr = root.get(field);
        if (arr == null || !arr.isArray() || arr.size() != size)
            throw SpaceText.bad(NAME, text, "field " + field + ": need a list of " + size + " integers");
        List<Integer> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            JsonNode v = arr.get(i);
            boolean active = depths == null || i % 4 < depths.get(i / 4);
            boolean integer = v.isIntegralNumber() && v.canConvertToInt();
            if (integer && allowed.contains(v.asInt())) out.add(v.asInt());
            else if (!active && integer) out.add(0);
            else throw SpaceText.bad(NAME, text, "field " + field + " item " + i + (depths == null ? "" : " (" + slotName(i) + ")")
                    + ": " + SpaceText.quote(v.toString()) + "; allowed " + allowed.toString().replaceAll("[\\[\\]]", ""));
        }
        return out;
    }

    // ---------------------------------------------------------------- sampling and edits

    @Override
    public OfaArch sample(RandomGenerator rng) {
        List<Integer> d = new ArrayList<>();
        for (int s = 0; s < OfaArch.STAGES; s++) d.add(pick(DEPTHS, rng));
        Integer[] k = new Integer[OfaArch.SLOTS];
        Integer[] e = new Integer[OfaArch.SLOTS];
        for (int slot = 0; slot < OfaArch.SLOTS; slot++) {
            boolean active = slot % 4 < d.get(slot / 4);
            k[slot] = active ? pick(KERNELS, rng) : 0;
            e[slot] = active ? pick(EXPANDS, rng) : 0;
        }
        return new OfaArch(pick(RESOLUTIONS, rng), d, Arrays.asList(k), Arrays.asList(e));
    }

    private static int pick(List<Integer> values, RandomGenerator rng) {
        return values.get(rng.nextInt(values.size()));
    }

    private static int pickOther(List<Integer> values, int current, RandomGenerator rng) {
        int i = values.indexOf(current);
        return values.get((i + 1 + rng.nextInt(values.size() - 1)) % values.size());
    }

    /**
     * One edit, uniform over the edit kinds counted by {@link #neighbours}: resolution, a stage depth, or the kernel or
     * expand of an active block. Blocks that a depth increase activates get random kernel and expand values.
     */
    @Override
    public OfaArch mutate(OfaArch arch, RandomGenerator rng) {
        int active = arch.activeBlocks();
        int u = rng.nextInt(1 + OfaArch.STAGES + 2 * active);
        List<Integer> d = new ArrayList<>(arch.depths());
        List<Integer> k = new ArrayList<>(arch.kernels());
        List<Integer> e = new ArrayList<>(arch.expands());
        if (u == 0) return new OfaArch(pickOther(RESOLUTIONS, arch.resolution(), rng), d, k, e);
        if (u <= OfaArch.STAGES) {
            int stage = u - 1;
            int nd = pickOther(DEPTHS, d.get(stage), rng);
            for (int i = d.get(stage); i < nd; i++) {
                k.set(stage * 4 + i, pick(KERNELS, rng));
                e.set(stage * 4 + i, pick(EXPANDS, rng));
            }
            d.set(stage, nd);
            return new OfaArch(arch.resolution(), d, k, e);
        }
        int which = u - 1 - OfaArch.STAGES;
        int slot = activeSlots(arch).get(which / 2);
        if (which % 2 == 0) k.set(slot, pickOther(KERNELS, k.get(slot), rng));
        else e.set(slot, pickOther(EXPANDS, e.get(slot), rng));
        return new OfaArch(arch.resolution(), d, k, e);
    }

    private static List<Integer> activeSlots(OfaArch arch) {
        List<Integer> out = new ArrayList<>();
        for (int slot = 0; slot < OfaArch.SLOTS; slot++) if (arch.active(slot)) out.add(slot);
        return out;
    }

    /**
     * Every single edit: 24 other resolutions, 2 other depths per stage, 2 other kernels and 2 other expands per
     * active block. A depth increase fills the new blocks with the kernel and expand of the stage's last active block.
     */
    @Override
    public List<OfaArch> neighbours(OfaArch arch) {
        List<OfaArch> out = new ArrayList<>();
        for (int r : RESOLUTIONS) if (r != arch.resolution()) out.add(new OfaArch(r, arch.depths(), arch.kernels(), arch.expands()));
        for (int stage = 0; stage < OfaArch.STAGES; stage++) {
            int cur = arch.depth(stage);
            int last = stage * 4 + cur - 1;
            for (int nd : DEPTHS) {
                if (nd == cur) continue;
                List<Integer> d = new ArrayList<>(arch.depths());
                List<Integer> k = new ArrayList<>(arch.kernels());
                List<Integer> e = new ArrayList<>(arch.expands());
                for (int i = cur; i < nd; i++) {
                    k.set(stage * 4 + i, arch.kernel(last));
                    e.set(stage * 4 + i, arch.expand(last));
                }
                d.set(stage, nd);
                out.add(new OfaArch(arch.resolution(), d, k, e));
            }
        }
        for (int slot : activeSlots(arch)) {
            for (int ks : KERNELS) {
                if (ks == arch.kernel(slot)) continue;
                List<Integer> k = new ArrayList<>(arch.kernels());
                k.set(slot, ks);
                out.add(new OfaArch(arch.resolution(), arch.depths(), k, arch.expands()));
            }
            for (int ex : EXPANDS) {
                if (ex == arch.expand(slot)) continue;
                List<Integer> e = new ArrayList<>(arch.expands());
                e.set(slot, ex);
                out.add(new OfaArch(arch.resolution(), arch.depths(), arch.kernels(), e));
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- encoding and costs

    /**
     * HELP's 145 features ({@code arch_encoding_ofa}): for each slot a 3-way kernel one-hot (3, 5, 7) — 60 values —,
     * then a 3-way expand one-hot (3, 4, 6) per slot — 60 values —, then the resolution one-hot ({@code (r-128)/4}) —
     * 25 values. Inactive slots are all zeros.
     */
    @Override
    public double[] flatEncoding(OfaArch arch) {
        double[] x = new double[ENCODING_LENGTH];
        for (int slot = 0; slot < OfaArch.SLOTS; slot++) {
            if (!arch.active(slot)) continue;
            x[slot * 3 + KERNELS.indexOf(arch.kernel(slot))] = 1;
            x[60 + slot * 3 + EXPANDS.indexOf(arch.expand(slot))] = 1;
        }
        x[120 + (arch.resolution() - 128) / 4] = 1;
        return x;
    }

    /** The first block and all active blocks with their shapes (see {@link OfaMacro#blocks}). */
    public List<OfaMacro.Block> blocks(OfaArch arch) {
        return macro.blocks(arch);
    }

    /**
     * Millions of multiply-accumulates as once-for-all's own counter reports them: convolutions
     * (k·k·Cin/groups·Cout·Hout·Wout, biases ignored) and the classifier (in·out); BN, activations, pooling, SE scaling
     * and residual adds count zero.
     */
    @Override
    public double mflops(OfaArch arch) {
        long macs = 0;
        int res0 = OfaMacro.convOut(arch.resolution(), 3, 2);
        macs += 9L * 3 * macro.firstConvChannels() * res0 * res0;
        int res = res0;
        for (OfaMacro.Block b : macro.blocks(arch)) {
            long inArea = (long) b.inResolution() * b.inResolution();
            long outArea = (long) b.outResolution() * b.outResolution();
            if (b.expandConv()) macs += (long) b.inChannels() * b.midChannels() * inArea;
            macs += (long) b.kernel() * b.kernel() * b.midChannels() * outArea;
            if (b.squeezeExcite()) macs += 2L * b.midChannels() * b.seChannels();
            macs += (long) b.midChannels() * b.outChannels() * outArea;
            res = b.outResolution();
        }
        int lastIn = macro.stages().get(OfaArch.STAGES - 1).channels();
        macs += (long) lastIn * macro.finalExpandChannels() * res * res;
        macs += (long) macro.finalExpandChannels() * macro.lastChannels();
        macs += (long) macro.lastChannels() * macro.numClasses();
        return macs / 1e6;
    }

    /** Trainable parameters: conv weights, BN scale and shift, SE conv biases, classifier weight and bias. */
    @Override
    public long params(OfaArch arch) {
        long p = 9L * 3 * macro.firstConvChannels() + 2L * macro.firstConvChannels();
        for (OfaMacro.Block b : macro.blocks(arch)) {
            if (b.expandConv()) p += (long) b.inChannels() * b.midChannels() + 2L * b.midChannels();
            p += (long) b.kernel() * b.kernel() * b.midChannels() + 2L * b.midChannels();
            if (b.squeezeExcite()) p += 2L * b.midChannels() * b.seChannels() + b.seChannels() + b.midChannels();
            p += (long) b.midChannels() * b.outChannels() + 2L * b.outChannels();
        }
        int lastIn = macro.stages().get(OfaArch.STAGES - 1).channels();
        p += (long) lastIn * macro.finalExpandChannels() + 2L * macro.finalExpandChannels();
        p += (long) macro.finalExpandChannels() * macro.lastChannels();
        p += (long) macro.lastChannels() * macro.numClasses() + macro.numClasses();
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfaSpace other && other.macro.equals(macro);
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
