package dev.halo.predict.ensemble;

import dev.halo.predict.ensemble.FeatureMixMethod.Setting;
import dev.halo.predict.ensemble.RowFeatures.DeviceColumns;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * The global choices of a per-device device mix (where the device columns come from, ms or log-ms, λ_devices)
 * scored on {@link SelectionDevices}, and the ways of choosing among them that halo compares.
 *
 * <p>Two scores per (choice, selection device), each a mean Spearman over the device's tasks: the devices-only fit
 * (what mix-src-loo-long has always chosen by) and the whole per-device method (cost and encoding penalties by
 * leave-one-out on each task's known rows, as it will run on a new device). A {@link Procedure} picks a choice by
 * one of the two, on the valid devices alone or on valid + held-out train devices, equal weight per device. Its
 * <em>nested</em> estimate scores the procedure on each selection device with a choice made without that device
 * (the whole method's Spearman there), so that procedures which look at more devices are not flattered by
 * having chosen on the devices they are scored on.
 */
final class GlobalSelection {
    private GlobalSelection() {}

    /** A point of the global grid: the device-column source and the setting (cost/encoding penalties unused). */
    record Choice(DeviceColumns source, Setting setting) {
        String describe() {
            String columns = switch (source) {
                case MEASURED -> "measured";
                case DENOISED -> "denoised";
                case BOTH -> "measured+denoised";
            };
            return String.format(Locale.ROOT, "lambda devices %s, %s, %s columns", setting.devices(), setting.log() ? "log-ms" : "ms", columns);
        }
    }

    /** What a choice is scored by. */
    enum Criterion {
        /** A ridge on the device columns alone, λ_devices and the log option as in the choice (mix-src-loo-long's). */
        DEVICES_ONLY,
        /** The whole per-device method: device columns with the choice, cost and encoding λ by leave-one-out per task. */
        WHOLE_METHOD
    }

    /** A way to choose: by {@code criterion}, on the valid devices alone or also on the held-out train devices. */
    record Procedure(Criterion criterion, boolean heldOutTrain) {
        /** mix-src-loo-long's procedure. */
        static final Procedure VALID_DEVICES_ONLY = new Procedure(Criterion.DEVICES_ONLY, false);
        static final List<Procedure> ALL = List.of(VALID_DEVICES_ONLY, new Procedure(Criterion.DEVICES_ONLY, true),
                new Procedure(Criterion.WHOLE_METHOD, false), new Procedure(Criterion.WHOLE_METHOD, true));

        String describe() {
            return (criterion == Criterion.DEVICES_ONLY ? "devices-only" : "whole method") + " on " + (heldOutTrain ? "valid + held-out train" : "valid");
        }
    }

    /**
     * Scores of every choice on every selection device.
     *
     * @param validDevices the first {@code validDevices} devices are valid devices, the rest held-out train devices
     * @param devicesOnly {@code [choice][device]} mean Spearman of the devices-only fit
     * @param whole {@code [choice][device]} mean Spearman of the whole per-device method
     * @param wholeTasks {@code [choice][device][task]} the whole method's Spearman per task (null: not kept)
     * @param similarity {@code [device][task][other device]} how the task's known latencies resemble each selection
     *     device's ({@link FeatureMixMethod#similarities}; null: not kept)
     */
    record Scores(List<String> devices, int validDevices, List<Choice> choices, double[][] devicesOnly, double[][] whole,
            double[][][] wholeTasks, double[][][] similarity) {
        Scores(List<String> devices, int validDevices, List<Choice> choices, double[][] devicesOnly, double[][] whole) {
            this(devices, validDevices, choices, devicesOnly, whole, null, null);
        }

        Scores {
            devices = List.copyOf(devices);
            choices = List.copyOf(choices);
            if (devicesOnly.length != choices.size() || whole.length != choices.size())
                throw new IllegalArgumentException("one row of scores per choice");
        }

        IntPredicate scope(Procedure p) {
            return k -> p.heldOutTrain() || k < validDevices;
        }

        double[][] matrix(Criterion c) {
            return c == Criterion.DEVICES_ONLY ? devicesOnly : whole;
        }

        /** The procedure's choice (index into {@link #choices()}), or -1 if it has no device to choose on. */
        int choose(Procedure p) {
            return best(matrix(p.criterion()), scope(p));
        }

        /** The choice that is best for selection device {@code k} alone (whole method, its own tasks). */
        int ownBest(int k) {
            return best(whole, j -> j == k);
        }

        /**
         * Nested estimate of the nearest-device procedure ({@link NearestDeviceMethod}): each task of device k takes
         * the own best choice of the other selection device most similar to it on the task's known rows; per device,
         * the mean over its tasks of the whole method's Spearman with that choice.
         */
        double[] nearestNested() {
            double[] out = new double[devices.size()];
            for (int k = 0; k < out.length; k++) {
                double sum = 0;
                for (int t = 0; t < similarity[k].length; t++) {
                    int held = k;
                    int j = nearest(similarity[k][t], i -> i != held);
                    sum += wholeTasks[ownBest(j)][k][t];
                }
                out[k] = sum / similarity[k].length;
            }
            return out;
        }

        /**
         * Per selection device: the whole method's Spearman there with the choice the procedure makes without that
         * device (NaN if no other device is left to choose on).
         */
        double[] nested(Procedure p) {
            double[] out = new double[devices.size()];
            IntPredicate scope = scope(p);
            for (int k = 0; k < out.length; k++) {
                int held = k;
                int c = best(matrix(p.criterion()), j -> j != held && scope.test(j));
                out[k] = c < 0 ? Double.NaN : whole[c][k];
            }
            return out;
        }
    }

    /**
     * The row of {@code scores[candidate][device]} with the highest mean over the devices in {@code use}, equal
     * weight per device; the first on ties (the grid's order decides, as in the valid-only choice); -1 if
     * {@code use} holds no device.
     */
    static int best(double[][] scores, IntPredicate use) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < scores.length; c++) {
            double score = mean(scores[c], use);
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    /** The index in {@code use} with the highest similarity (NaN counts as lowest); -1 if none. */
    static int nearest(double[] similarity, IntPredicate use) {
        int best = -1;
        for (int j = 0; j < similarity.length; j++)
            if (use.test(j) && (best < 0 || similarity[j] > similarity[best] || Double.isNaN(similarity[best]))) best = j;
        return best;
    }

    /** Pearson correlation; NaN if either side is constant. */
    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Double.NaN;
    }

    /** Mean of {@code values} over the indices in {@code use}, skipping NaN; NaN if none. */
    static double mean(double[] values, IntPredicate use) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < values.length; k++)
            if (use.test(k) && !Double.isNaN(values[k])) {
                sum += values[k];
                n++;
            }
        return n == 0 ? Double.NaN : sum / n;
    }
}
