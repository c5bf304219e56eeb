package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A device met through few-shot adaptation: its predictor adapted from the reference latencies plus a few
 * sampled ones, and a safety margin calibrated by leave-one-out on the known latencies only. Nothing else of the
 * device's latencies is looked at.
 *
 * @param task the known latencies of the device
 * @param predictor the adapted predictor
 * @param margin the leave-one-out safety margin
 */
public record FewShotDevice(FewShotTask task, LatencyPredictor predictor, SafetyMargin margin) {
    /** Which known latencies the margin's leave-one-out leaves out in turn. */
    public enum LeaveOut {
        /**
         * Only the sampled architectures; the reference ones stay in every refit. Required for methods that read
         * the reference latencies as a hardware embedding of fixed size (HELP and blends with it).
         */
        SAMPLES,
        /**
         * Every distinct known architecture, reference ones included (20 ratios instead of 10 with HELP's
         * protocol, so a steadier spread). Only for methods that use the reference rows as ordinary fitting rows
         * (the device mixes): a refit then sees 9 reference latencies.
         */
        KNOWN;

        /** Parses {@code samples} or {@code known}; {@code what} names the option for the error message. */
        public static LeaveOut parse(String text, String what) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "samples" -> SAMPLES;
                case "known" -> KNOWN;
                default -> throw new BadInputException(what + ": '" + text + "' is not samples or known");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Draws the device's task with HELP's protocol, adapts and calibrates, leaving out only the samples.
     *
     * @param archsByRow the architectures by table row (rows of the protocol's table)
     * @param rule how the leave-one-out {@code true / predicted} ratios become the margin
     */
    public static <A extends Architecture> FewShotDevice adapt(FewShotMethod.Adapter adapter, FewShotProtocol protocol, List<A> archsByRow,
            String device, int samples, long seed, SafetyMargin.Rule rule) {
        return adapt(adapter, protocol, archsByRow, device, samples, seed, rule, LeaveOut.SAMPLES);
    }

    /** As {@link #adapt(FewShotMethod.Adapter, FewShotProtocol, List, String, int, long, SafetyMargin.Rule)}, choosing what is left out. */
    public static <A extends Architecture> FewShotDevice adapt(FewShotMethod.Adapter adapter, FewShotProtocol protocol, List<A> archsByRow,
            String device, int samples, long seed, SafetyMargin.Rule rule, LeaveOut leaveOut) {
        FewShotTask task = protocol.task(device, samples, seed);
        LatencyPredictor predictor = adapter.adapt(task);
        return new FewShotDevice(task, predictor, calibrate(adapter, task, archsByRow, rule, leaveOut));
    }

    static <A extends Architecture> SafetyMargin calibrate(FewShotMethod.Adapter adapter, FewShotTask task, List<A> archsByRow, SafetyMargin.Rule rule,
            LeaveOut leaveOut) {
        int[] refRows = task.referenceIndices();
        double[] refMs = task.referenceLatencies();
        int[] sampleRows = task.sampleIndices();
        double[] sampleMs = task.sampleLatencies();
        Map<String, Integer> rowOf = new HashMap<>();
        List<A> archs = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        int firstHeldOut;
        if (leaveOut == LeaveOut.SAMPLES) {
            // Reference rows first (never left out), then every sample, even one that repeats a reference row.
            for (int i = 0; i < refRows.length; i++) add(archsByRow, refRows[i], refMs[i], archs, ms, rowOf);
            for (int i = 0; i < sampleRows.length; i++) add(archsByRow, sampleRows[i], sampleMs[i], archs, ms, rowOf);
            firstHeldOut = refRows.length;
        } else {
            int[] known = task.knownIndices();
            double[] knownMs = task.knownLatencies();
            for (int i = 0; i < known.length; i++) add(archsByRow, known[i], knownMs[i], archs, ms, rowOf);
            firstHeldOut = 0;
        }
        // A refit sees the kept rows; those that were reference rows stay reference rows, in their original order.
        SafetyMargin.Refit<A> refit = (kept, keptMs) -> {
            Set<Integer> keptRows = new LinkedHashSet<>();
            for (A a : kept) keptRows.add(rowOf.get(a.canonical()));
            List<Integer> refs = new ArrayList<>();
            List<Double> refLat = new ArrayList<>();
            for (int i = 0; i < refRows.length; i++)
                if (keptRows.contains(refRows[i])) {
                    refs.add(refRows[i]);
                    refLat.add(refMs[i]);
                }
            int skipRefs = leaveOut == LeaveOut.SAMPLES ? refRows.length : 0;
            List<Integer> rows = new ArrayList<>();
            List<Double> lat = new ArrayList<>();
            for (int i = skipRefs; i < kept.size(); i++) {
                int row = rowOf.get(kept.get(i).canonical());
                if (leaveOut == LeaveOut.KNOWN && refs.contains(row)) continue;
                rows.add(row);
                lat.add(keptMs[i]);
            }
            return adapter.adapt(new FewShotTask(task.device(), task.seed(), ints(refs), doubles(refLat), ints(rows), doubles(lat), task.queryIndices()));
        };
        return SafetyMargin.leaveOneOut(refit, archs, doubles(ms), firstHeldOut, rule);
    }

    private static <A extends Architecture> void add(List<A> archsByRow, int row, double latency, List<A> archs, List<Double> ms, Map<String, Integer> rowOf) {
        A a = archsByRow.get(row);
        rowOf.put(a.canonical(), row);
        archs.add(a);
        ms.add(latency);
    }

    private static int[] ints(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] doubles(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
