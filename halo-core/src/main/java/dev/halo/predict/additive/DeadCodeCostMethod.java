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
 */
public final class DeadCodeCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs-dce";
    /** Chosen on HELP's NB201 train and valid devices only (beyond.md, session 9). */
    static final double MARGIN = 1.25;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures ops = CostFeatures.require(context.space(), "method " + NAME);
        boolean nb201 = context.space() instanceof Nb201Space;
        List<? extends Architecture> archs = context.archs();
        Map<String, int[]> liveChosen = new LinkedHashMap<>(); // device -> {live-op fits chosen, tasks}
        return new Adapter() {
            @Override
            public LeaveOneOutPredictor adapt(FewShotTask task) {
                List<Architecture> known = new ArrayList<>();
                for (int r : task.knownIndices()) known.add(archs.get(r));
                if (!nb201) return AdditiveCostPredictor.fit(ops, known, task.knownLatencies());
                Choice choice = choose(known, task.knownLatencies());
                synchronized (liveChosen) {
                    int[] tally = liveChosen.computeIfAbsent(task.device(), d -> new int[2]);
                    if (choice.deadCodeRemoved()) tally[0]++;
                    tally[1]++;
                }
                return choice.predictor();
            }

            @Override
            public String summary() {
                if (!nb201) return "op-costs: no none edges in this space, so no dead code to remove";
                StringBuilder s = new StringBuilder("op-costs, or the fit with dead operations removed when op-costs' mean |relative residual| is > "
                        + MARGIN + " x its own; dead code removed in");
                synchronized (liveChosen) {
                    liveChosen.forEach((device, t) -> s.append(' ').append(device).append(' ').append(t[0]).append('/').append(t[1]));
                }
                return s.toString();
            }
        };
    }

    /** Which fit {@link #choose} kept, and whether it is the one with dead code removed. */
    record Choice(LeaveOneOutPredictor predictor, boolean deadCodeRemoved) {}

    /** Both fits on the known rows; the live-op one only if op-costs' residuals are more than {@link #MARGIN} times larger. */
    static Choice choose(List<? extends Architecture> known, double[] ms) {
        AdditiveCostPredictor all = AdditiveCostPredictor.fit(new Nb201OpCounts(), known, ms);
        AdditiveCostPredictor live = AdditiveCostPredictor.fit(new Nb201LiveOpCounts(), known, ms);
        double ratio = meanAbsoluteRelativeResidual(all, known, ms) / Math.max(meanAbsoluteRelativeResidual(live, known, ms), 1e-12);
        return ratio > MARGIN ? new Choice(new DeadCodeRemovedPredictor(live, ms), true) : new Choice(all, false);
    }

    private static double meanAbsoluteRelativeResidual(AdditiveCostPredictor fit, List<? extends Architecture> known, double[] ms) {
        double[] p = fit.predictMs(known);
        double s = 0;
        for (int i = 0; i < ms.length; i++) s += Math.abs(p[i] - ms[i]) / ms[i];
        return s / ms.length;
    }
}
