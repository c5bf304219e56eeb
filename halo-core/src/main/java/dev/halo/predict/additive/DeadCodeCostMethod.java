package dev.halo.predict.additive;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code op-costs-dce} (experimental, NAS-Bench-201; beyond.md session 9): op-costs for a device whose runtime may
 * remove dead code. Some runtimes (pixel3's in HELP's tables) skip the operations whose result only ever meets a
 * {@code none} edge and fold a cell whose output ignores its input into a constant; most (PyTorch-style {@code x*0})
 * run all six edges. Which kind a device is cannot be read from its name, so both op-cost fits are made on its known
 * latencies — {@link Nb201OpCounts} (every edge runs) and {@link Nb201LiveOpCounts} (dead operations removed) — and the
 * live-op fit is used only if op-costs' mean absolute relative residual is more than {@link #MARGIN} times its own.
 * Both fits have the same number of costs, so their residuals compare directly; the margin keeps noisy integer-ms
 * phones, whose residual ratio reached 1.24 on the selection devices, on op-costs. Other spaces have no {@code none}
 * edge: there it is op-costs.
 *
 * <p>{@code op-costs-dce-probes} (experimental, beyond.md session 11) asks more before it takes the live-op fit: when
 * {@linkplain DeadCodeProbes dead-code probes} are among the known architectures ({@code --selection
 * cost-optimal-probes} measures two), each must also have run more than {@link #PROBE_SPEEDUP} faster than the op-count
 * fit on the other known rows predicts for it. A probe runs one of its four operations on such a runtime, so it is
 * much faster there than every edge predicts, while on a runtime that runs every edge it is as predicted. Its rule was
 * not met: the choice was right on every selection device, but giving two of ten samples to probes cost 1080ti_1 .02.
 *
 * <p>{@code op-costs-dead-code} ({@code experimental:op-costs-dce-probe-required} while it was judged; beyond.md,
 * session 13) also refuses the live-op fit when no probe is known: with random samples the residual ratio alone took it on a GPU (titan_rtx_256) that runs every edge. With one probe
 * known ({@code --selection cost-optimal-probe}) it decides exactly as {@code op-costs-dce-probes}.
 */
public final class DeadCodeCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs-dce";
    /** Chosen on HELP's NB201 train and valid devices only (beyond.md, session 9). */
    static final double MARGIN = 1.25;
    public static final String PROBES_NAME = "op-costs-dce-probes";
    /**
     * {@link #PROBES_NAME} that never takes the live-op fit without a known probe confirming it (beyond.md, session 13):
     * the user-facing name, since it won rule 4 with {@code --selection cost-optimal-probe} and met session 11's condition
     * for {@code auto}.
     */
    public static final String PROBE_REQUIRED_NAME = "op-costs-dead-code";
    /** Its name while it was judged (rule 4b), kept so that the commands in beyond.md still run. */
    public static final String PROBE_REQUIRED_EXPERIMENTAL_NAME = "op-costs-dce-probe-required";
    /** A probe confirms dead-code removal when measured below (1 - this) x the op-count prediction (beyond.md, session 10). */
    static final double PROBE_SPEEDUP = 0.20;

    /** What confirms the live-op fit beyond the residual ratio. */
    public enum Confirmation {
        /** nothing: the residual ratio decides ({@link #NAME}) */
        NONE,
        /** every known probe, if any is known ({@link #PROBES_NAME}) */
        PROBES_IF_KNOWN,
        /** at least one known probe, and every known one ({@link #PROBE_REQUIRED_NAME}) */
        PROBE_REQUIRED
    }

    private final Confirmation confirmation;

    public DeadCodeCostMethod(Confirmation confirmation) {
        this.confirmation = java.util.Objects.requireNonNull(confirmation, "confirmation");
    }

    @Override
    public String name() {
        return switch (confirmation) {
            case NONE -> NAME;
            case PROBES_IF_KNOWN -> PROBES_NAME;
            case PROBE_REQUIRED -> PROBE_REQUIRED_NAME;
        };
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures ops = CostFeatures.require(context.space(), "method " + NAME);
        boolean nb201 = context.space() instanceof Nb201Space;
        List<? extends Architecture> archs = context.archs();
        boolean probes = confirmation != Confirmation.NONE;
        Map<String, int[]> liveChosen = new LinkedHashMap<>(); // device -> {live-op fits chosen, tasks, residual ratio overruled by probes}
        return new Adapter() {
            @Override
            public LeaveOneOutPredictor adapt(FewShotTask task) {
                List<Architecture> known = new ArrayList<>();
                for (int r : task.knownIndices()) known.add(archs.get(r));
                if (!nb201) return AdditiveCostPredictor.fit(ops, known, task.knownLatencies());
                Choice choice = probes ? chooseWithProbes(known, task.knownLatencies(), confirmation == Confirmation.PROBE_REQUIRED)
                        : choose(known, task.knownLatencies());
                synchronized (liveChosen) {
                    int[] tally = liveChosen.computeIfAbsent(task.device(), d -> new int[3]);
                    if (choice.deadCodeRemoved()) tally[0]++;
                    tally[1]++;
                    if (choice.overruledByProbes()) tally[2]++;
                }
                return choice.predictor();
            }

            @Override
            public String summary() {
                if (!nb201) return "op-costs: no none edges in this space, so no dead code to remove";
                StringBuilder s = new StringBuilder("op-costs, or the fit with dead operations removed when op-costs' mean |relative residual| is > "
                        + MARGIN + " x its own" + (probes ? " and " + (confirmation == Confirmation.PROBE_REQUIRED ? "at least one dead-code probe is known and each" : "every known dead-code probe")
                        + " ran > " + Math.round(100 * PROBE_SPEEDUP) + " % faster than op counts fitted on the other known rows predict" : "") + "; dead code removed in");
                synchronized (liveChosen) {
                    liveChosen.forEach((device, t) -> s.append(' ').append(device).append(' ').append(t[0]).append('/').append(t[1])
                            .append(probes && t[2] > 0 ? " (" + t[2] + " overruled by probes)" : ""));
                }
                return s.toString();
            }
        };
    }

    /**
     * Which fit {@link #choose} kept, whether it is the one with dead code removed, and whether the residual ratio
     * alone would have taken that one but the probes did not confirm it.
     */
    record Choice(LeaveOneOutPredictor predictor, boolean deadCodeRemoved, boolean overruledByProbes) {}

    /** Both fits on the known rows; the live-op one only if op-costs' residuals are more than {@link #MARGIN} times larger. */
    static Choice choose(List<? extends Architecture> known, double[] ms) {
        AdditiveCostPredictor all = AdditiveCostPredictor.fit(new Nb201OpCounts(), known, ms);
        AdditiveCostPredictor live = AdditiveCostPredictor.fit(new Nb201LiveOpCounts(), known, ms);
        double ratio = meanAbsoluteRelativeResidual(all, known, ms) / Math.max(meanAbsoluteRelativeResidual(live, known, ms), 1e-12);
        return ratio > MARGIN ? new Choice(new DeadCodeRemovedPredictor(live, ms), true, false) : new Choice(all, false, false);
    }

    /**
     * {@link #choose}, with the live-op fit kept only if the known probes confirm it ({@link #probesRanFaster}); with
     * {@code probeRequired}, a choice with no probe known is not confirmed either.
     */
    static Choice chooseWithProbes(List<? extends Architecture> known, double[] ms, boolean probeRequired) {
        Choice byResiduals = choose(known, ms);
        boolean probeKnown = known.stream().anyMatch(DeadCodeProbes::isProbe);
        if (!byResiduals.deadCodeRemoved() || (probeKnown || !probeRequired) && probesRanFaster(known, ms, PROBE_SPEEDUP)) return byResiduals;
        return new Choice(AdditiveCostPredictor.fit(new Nb201OpCounts(), known, ms), false, true);
    }

    /**
     * Whether every known {@linkplain DeadCodeProbes probe} was measured below (1 - {@code speedup}) x what op counts
     * fitted on the known rows that are not probes predict for it; true when no probe is known, so that the residual
     * ratio decides alone.
     */
    static boolean probesRanFaster(List<? extends Architecture> known, double[] ms, double speedup) {
        List<Architecture> probes = new ArrayList<>(), others = new ArrayList<>();
        List<Double> probeMs = new ArrayList<>(), otherMs = new ArrayList<>();
        for (int i = 0; i < known.size(); i++) {
            boolean probe = DeadCodeProbes.isProbe(known.get(i));
            (probe ? probes : others).add(known.get(i));
            (probe ? probeMs : otherMs).add(ms[i]);
        }
        if (probes.isEmpty()) return true;
        AdditiveCostPredictor everyEdge = AdditiveCostPredictor.fit(new Nb201OpCounts(), others, otherMs.stream().mapToDouble(Double::doubleValue).toArray());
        double[] predicted = everyEdge.predictMs(probes);
        for (int i = 0; i < probes.size(); i++) if (probeMs.get(i) >= (1 - speedup) * predicted[i]) return false;
        return true;
    }

    private static double meanAbsoluteRelativeResidual(AdditiveCostPredictor fit, List<? extends Architecture> known, double[] ms) {
        double[] p = fit.predictMs(known);
        double s = 0;
        for (int i = 0; i < ms.length; i++) s += Math.abs(p[i] - ms[i]) / ms[i];
        return s / ms.length;
    }
}
