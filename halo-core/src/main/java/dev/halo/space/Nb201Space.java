package dev.halo.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * NAS-Bench-201: one cell with 4 nodes and 6 edges, each edge one of 5 {@link Nb201Op}s (15,625 cells),
 * stacked into the {@link Nb201Macro} network.
 *
 * <p>Accepted text forms: the NAS-Bench-201 string {@code |op~0|+|op~0|op~1|+|op~0|op~1|op~2|}; the official
 * index {@code 0..15624}; six op names or short aliases separated by commas or spaces, in edge order.
 */
public final class Nb201Space implements SearchSpace<Nb201Arch> {
    public static final String NAME = "nasbench201";
    public static final int SIZE = 15625;
    /** Source node of each edge, architecture-string order. */
    static final int[] EDGE_FROM = {0, 0, 1, 0, 1, 2};
    /** Target node of each edge, architecture-string order. */
    static final int[] EDGE_TO = {1, 2, 2, 3, 3, 3};
    /** NAS-Bench-201's generator shuffles its lexicographic list with {@code random.seed(88)}. */
    private static final long OFFICIAL_SHUFFLE_SEED = 88;
    private static final int OPS = 5;

    private final Nb201Macro macro;

    /** The CIFAR-10 network (32×32 input, 10 classes). */
    public Nb201Space() {
        this(Nb201Macro.cifar10());
    }

    /** Costs are computed for {@code macro} (e.g. {@link Nb201Macro#cifar(int)} for another class count). */
    public Nb201Space(Nb201Macro macro) {
        this.macro = Objects.requireNonNull(macro);
    }

    public Nb201Macro macro() {
        return macro;
    }

    /** Source node (0..2) of edge {@code edge} in architecture-string order. */
    public static int edgeFrom(int edge) {
        return EDGE_FROM[edge];
    }

    /** Target node (1..3) of edge {@code edge} in architecture-string order. */
    public static int edgeTo(int edge) {
        return EDGE_TO[edge];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "NAS-Bench-201 cell: 6 edges x 5 ops (15,625 archs), CIFAR network 16/32/64 ch, "
                + macro.numClasses() + " classes, " + macro.inputSize() + "x" + macro.inputSize() + " input";
    }

    @Override
    public double size() {
        return SIZE;
    }

    // ---------------------------------------------------------------- parsing

    @Override
    public Nb201Arch parse(String text) {
        if (text == null) throw SpaceText.bad(NAME, "", "no text given");
        String s = text.strip();
        if (s.isEmpty()) throw SpaceText.bad(NAME, text, "empty; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| or an index 0..15624");
        long number = SpaceText.plainNumber(s, 9);
        if (number >= 0) {
            if (number >= SIZE) throw SpaceText.bad(NAME, text, "index " + number + " out of range; allowed 0..15624");
            return fromIndex((int) number);
        }
        if (s.charAt(0) == '|' || s.indexOf('~') >= 0) return parseCanonical(text, s);
        return parseOpList(text, s);
    }

    private static Nb201Arch parseCanonical(String text, String s) {
        String[] groups = s.split("\\+", -1);
        if (groups.length != 3)
            throw SpaceText.bad(NAME, text, "expected 3 node groups joined by '+' (|op~0|+|op~0|op~1|+|op~0|op~1|op~2|), found " + groups.length);
        Nb201Op[] ops = new Nb201Op[Nb201Arch.EDGES];
        int edge = 0;
        for (int g = 0; g < 3; g++) {
            int node = g + 1;
            String group = groups[g];
            if (group.length() < 2 || group.charAt(0) != '|' || group.charAt(group.length() - 1) != '|')
                throw SpaceText.bad(NAME, text, "node " + node + ": group must look like |op~0|...| , found " + SpaceText.quote(group));
            String[] inputs = group.substring(1, group.length() - 1).split("\\|", -1);
            if (inputs.length != node)
                throw SpaceText.bad(NAME, text, "node " + node + ": expected " + node + " inputs (op~0 .. op~" + (node - 1) + "), found " + inputs.length);
            for (int input = 0; input < node; input++) {
                final int from = input;
                String item = inputs[from];
                int tilde = item.lastIndexOf('~');
                if (tilde < 0 || !item.substring(tilde + 1).equals(Integer.toString(from)))
                    throw SpaceText.bad(NAME, text, "node " + node + " input " + from + ": expected op~" + from + ", found " + SpaceText.quote(item));
                String name = item.substring(0, tilde);
                ops[edge++] = Nb201Op.byName(name).orElseThrow(() -> SpaceText.bad(NAME, text,
                        "node " + node + " input " + from + ": unknown op " + SpaceText.quote(name) + "; allowed: " + Nb201Op.allowed()));
            }
        }
        return Nb201Arch.of(ops);
    }

    private static Nb201Arch parseOpList(String text, String s) {
        String[] tokens = s.split("[,\\s]+");
        if (tokens.length != Nb201Arch.EDGES)
            throw SpaceText.bad(NAME, text, "expected the NAS-Bench-201 string, an index 0..15624, or 6 op names; found " + tokens.length + " tokens");
        Nb201Op[] ops = new Nb201Op[Nb201Arch.EDGES];
        for (int e = 0; e < ops.length; e++) {
            String token = tokens[e];
            int edge = e;
            ops[e] = Nb201Op.byName(token).orElseThrow(() -> SpaceText.bad(NAME, text, "edge " + edge + " (node " + EDGE_TO[edge]
                    + " input " + EDGE_FROM[edge] + "): unknown op " + SpaceText.quote(token) + "; allowed: " + Nb201Op.allowed()));
        }
        return Nb201Arch.of(ops);
    }

    // ---------------------------------------------------------------- official index

    /** Lexicographic position in NAS-Bench-201's generator order: edge 0 most significant, ops in {@link Nb201Op} order. */
    static int lexicographic(Nb201Arch arch) {
        int v = 0;
        for (Nb201Op op : arch.ops()) v = v * OPS + op.ordinal();
        return v;
    }

    static Nb201Arch fromLexicographic(int v) {
        Nb201Op[] ops = new Nb201Op[Nb201Arch.EDGES];
        for (int e = Nb201Arch.EDGES - 1; e >= 0; e--) {
            ops[e] = Nb201Op.all().get(v % OPS);
            v /= OPS;
        }
        return Nb201Arch.of(ops);
    }

    private static final class OfficialOrder {
        /** LEX_AT[official index] = lexicographic position. */
        static final int[] LEX_AT = PythonShuffle.shuffledRange(SIZE, OFFICIAL_SHUFFLE_SEED);
        /** INDEX_OF[lexicographic position] = official index. */
        static final int[] INDEX_OF = invert(LEX_AT);

        private static int[] invert(int[] p) {
            int[] inv = new int[p.length];
            for (int i = 0; i < p.length; i++) inv[p[i]] = i;
            return inv;
        }
    }

    /** The official NAS-Bench-201 / NATS-Bench-TSS index (0..15624) of {@code arch}. */
    public int index(Nb201Arch arch) {
        return OfficialOrder.INDEX_OF[lexicographic(arch)];
    }

    /** The architecture with official index {@code index}. */
    public Nb201Arch fromIndex(int index) {
        if (index < 0 || index >= SIZE) throw new dev.halo.BadInputException("nasbench201 index " + index + " out of range; allowed 0..15624");
        return fromLexicographic(OfficialOrder.LEX_AT[index]);
    }

    /** All 15,625 architectures in official index order. */
    public List<Nb201Arch> all() {
        List<Nb201Arch> out = new ArrayList<>(SIZE);
        for (int i = 0; i < SIZE; i++) out.add(fromIndex(i));
        return List.copyOf(out);
    }

    /** Whether the cell output (node 3) is reachable from its input through edges that are not {@code none}. */
    public static boolean outputConnected(Nb201Arch arch) {
        boolean[] reached = new boolean[4];
        reached[0] = true;
        for (int e = 0; e < Nb201Arch.EDGES; e++) // edges are ordered by target node, so one pass suffices
            if (arch.op(e) != Nb201Op.NONE && reached[EDGE_FROM[e]]) reached[EDGE_TO[e]] = true;
        return reached[3];
    }

    /**
     * How a cell's intermediate nodes take part. Exported networks run every operation, but runtimes treat the
     * degenerate kinds differently (ONNX Runtime's layout transformer breaks at a zero tensor; some mobile runtimes
     * prune unreachable work), so validations sample each kind.
     */
    public enum CellKind {
        /** Every intermediate node is computed from the input and reaches the output. */
        ORDINARY,
        /** A node has no non-{@code none} path from the input: it is the zero tensor, and operations reading it still run. */
        ZERO_NODE,
        /** A node is computed but no non-{@code none} path leads from it to the output. */
        DEAD_NODE,
        /** Both of the above. */
        ZERO_AND_DEAD_NODES,
        /** The output does not depend on the input at all ({@link #outputConnected} is false). */
        DISCONNECTED
    }

    /** The kind of {@code arch}'s cell. */
    public static CellKind cellKind(Nb201Arch arch) {
        if (!outputConnected(arch)) return CellKind.DISCONNECTED;
        boolean[] fromInput = new boolean[4], toOutput = new boolean[4];
        fromInput[0] = true;
        for (int e = 0; e < Nb201Arch.EDGES; e++)
            if (arch.op(e) != Nb201Op.NONE && fromInput[EDGE_FROM[e]]) fromInput[EDGE_TO[e]] = true;
        toOutput[3] = true;
        for (int e = Nb201Arch.EDGES - 1; e >= 0; e--) // reverse edge order visits targets before sources
            if (arch.op(e) != Nb201Op.NONE && toOutput[EDGE_TO[e]]) toOutput[EDGE_FROM[e]] = true;
        boolean zero = !fromInput[1] || !fromInput[2];
        boolean dead = (fromInput[1] && !toOutput[1]) || (fromInput[2] && !toOutput[2]);
        return zero && dead ? CellKind.ZERO_AND_DEAD_NODES : zero ? CellKind.ZERO_NODE : dead ? CellKind.DEAD_NODE : CellKind.ORDINARY;
    }

    // ---------------------------------------------------------------- sampling and edits

    @Override
    public Nb201Arch sample(RandomGenerator rng) {
        return fromLexicographic(rng.nextInt(SIZE));
    }

    @Override
    public Nb201Arch mutate(Nb201Arch arch, RandomGenerator rng) {
        int edge = rng.nextInt(Nb201Arch.EDGES);
        int shift = 1 + rng.nextInt(OPS - 1);
        return arch.with(edge, Nb201Op.all().get((arch.op(edge).ordinal() + shift) % OPS));
    }

    /** The 24 cells that differ from {@code arch} in exactly one edge, edge-major. */
    @Override
    public List<Nb201Arch> neighbours(Nb201Arch arch) {
        List<Nb201Arch> out = new ArrayList<>(Nb201Arch.EDGES * (OPS - 1));
        for (int e = 0; e < Nb201Arch.EDGES; e++)
            for (Nb201Op op : Nb201Op.all())
                if (op != arch.op(e)) out.add(arch.with(e, op));
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- encodings

    /** 30 values: for each edge in architecture-string order, a one-hot over the ops in {@link Nb201Op} order. */
    @Override
    public double[] flatEncoding(Nb201Arch arch) {
        double[] x = new double[Nb201Arch.EDGES * OPS];
        for (int e = 0; e < Nb201Arch.EDGES; e++) x[e * OPS + arch.op(e).ordinal()] = 1;
        return x;
    }

    /** HELP's GCN input (9 nodes incl. the global node, 8 feature columns); see {@link Nb201Graph}. */
    public Nb201Graph graph(Nb201Arch arch) {
        return Nb201Graph.of(arch, Nb201Graph.Wiring.HELP);
    }

    /** The graph with another node wiring (for checking which one HELP's checkpoint was trained on). */
    public Nb201Graph graph(Nb201Arch arch, Nb201Graph.Wiring wiring) {
        return Nb201Graph.of(arch, wiring);
    }

    // ---------------------------------------------------------------- costs

    /**
     * Millions of multiply-accumulates as NAS-Bench-201 counts them: convolutions (k·k·Cin·Cout·Hout·Wout) and the
     * classifier (in·out + out); pooling, BN, ReLU and additions count zero. Matches the benchmark's published
     * values (e.g. arch 0 on CIFAR-10: 15.64737).
     */
    @Override
    public double mflops(Nb201Arch arch) {
        long macs = 0;
        int in = macro.inputChannels();
        int size = macro.inputSize();
        macs += 9L * in * macro.stemChannels() * size * size;
        for (Nb201Macro.Stage st : macro.stages()) {
            long area = (long) st.resolution() * st.resolution();
            if (st.hasReductionBlock()) {
                macs += 9L * st.inChannels() * st.channels() * area; // conv_a, stride 2
                macs += 9L * st.channels() * st.channels() * area; // conv_b
                macs += (long) st.inChannels() * st.channels() * area; // shortcut 1x1 after the 2x2 pool
            }
            long cell = 0;
            for (Nb201Op op : arch.ops()) {
                int k = op.convKernel();
                cell += (long) k * k * st.channels() * st.channels() * area;
            }
            macs += cell * st.cells();
        }
        macs += (long) macro.lastChannels() * macro.numClasses() + macro.numClasses();
        return macs / 1e6;
    }

    /** Trainable parameters (conv weights, BN scale and shift, classifier weight and bias); BN running stats excluded. */
    @Override
    public long params(Nb201Arch arch) {
        long p = 9L * macro.inputChannels() * macro.stemChannels() + 2L * macro.stemChannels();
        for (Nb201Macro.Stage st : macro.stages()) {
            int c = st.channels();
            if (st.hasReductionBlock()) {
                p += 9L * st.inChannels() * c + 2L * c;
                p += 9L * c * c + 2L * c;
                p += (long) st.inChannels() * c;
            }
            long cell = 0;
            for (Nb201Op op : arch.ops()) {
                int k = op.convKernel();
                if (k > 0) cell += (long) k * k * c * c + 2L * c;
            }
            p += cell * st.cells();
        }
        p += 2L * macro.lastChannels();
        p += (long) macro.lastChannels() * macro.numClasses() + macro.numClasses();
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nb201Space other && other.macro.equals(macro);
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
