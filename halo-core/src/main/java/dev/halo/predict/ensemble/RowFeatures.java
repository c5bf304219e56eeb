package dev.halo.predict.ensemble;

import dev.halo.predict.FewShotContext;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * Per table row, the features a new device's latency is regressed on, in three groups:
 * {@link Group#DEVICES} the meta-train devices' measured latencies of that architecture,
 * {@link Group#COST} its FLOPs and parameter count, {@link Group#ENCODING} the space's flat (one-hot) encoding.
 * Only train devices are used, never valid or test devices, so a valid device scored during tuning is not
 * also a feature. With {@code log} the device and cost columns are logarithms (latency then scales
 * multiplicatively with them, which suits devices whose range is much wider than the train devices').
 */
final class RowFeatures {
    enum Group { DEVICES, COST, ENCODING }

    private final double[][] rows;
    private final Group[] groupOf;

    private RowFeatures(double[][] rows, Group[] groupOf) {
        this.rows = rows;
        this.groupOf = groupOf;
    }

    /**
     * Where the {@link Group#DEVICES} columns come from: the train devices' measured latencies, a
     * {@link DeviceNet}'s predictions of them (rounding and measurement noise removed), or both side by side.
     */
    enum DeviceColumns {
        MEASURED, DENOISED, BOTH;

        boolean needsNet() {
            return this != MEASURED;
        }
    }

    static RowFeatures of(FewShotContext context, List<Group> groups, boolean log) {
        return of(context, groups, log, DeviceColumns.MEASURED, null, false);
    }

    /**
     * As {@link #of(FewShotContext, List, boolean)} with the device columns from {@code source}; {@code net} (a
     * {@link DeviceNet}'s features) is needed unless the source is {@link DeviceColumns#MEASURED} and
     * {@code learnedEncoding} is false. With {@code learnedEncoding} the {@link Group#ENCODING} columns are the
     * network's last hidden layer instead of the space's one-hot encoding.
     */
    static RowFeatures of(FewShotContext context, List<Group> groups, boolean log, DeviceColumns source, DeviceNet.Features net,
            boolean learnedEncoding) {
        List<double[]> columns = new ArrayList<>();
        List<Group> owners = new ArrayList<>();
        int n = context.archs().size();
        if (groups.contains(Group.DEVICES))
            for (int d = 0; d < context.split().train().size(); d++) {
                if (source != DeviceColumns.DENOISED) {
                    double[] lat = context.table().latencies(context.split().train().get(d));
                    double[] col = new double[n];
                    for (int i = 0; i < n; i++) col[i] = log ? Math.log(lat[i]) : lat[i];
                    columns.add(col);
                    owners.add(Group.DEVICES);
                }
                if (source != DeviceColumns.MEASURED) {
                    double[] col = new double[n];
                    for (int i = 0; i < n; i++) col[i] = log ? net.logLatency()[i][d] : Math.exp(net.logLatency()[i][d]);
                    columns.add(col);
                    owners.add(Group.DEVICES);
                }
            }
        if (groups.contains(Group.COST)) {
            double[] flops = new double[n], params = new double[n];
            for (int i = 0; i < n; i++) {
                flops[i] = cost(context.space(), context.archs().get(i), false);
                params[i] = cost(context.space(), context.archs().get(i), true);
                if (log) {
                    flops[i] = Math.log(Math.max(flops[i], 1e-9));
                    params[i] = Math.log(Math.max(params[i], 1e-9));
                }
            }
            columns.add(flops);
            columns.add(params);
            owners.add(Group.COST);
            owners.add(Group.COST);
        }
        int base = columns.size();
        double[][] encodings = null;
        if (groups.contains(Group.ENCODING)) {
            encodings = new double[n][];
            for (int i = 0; i < n; i++) encodings[i] = learnedEncoding ? net.hidden()[i] : encoding(context.space(), context.archs().get(i));
        }
        int width = base + (encodings == null ? 0 : encodings[0].length);
        double[][] rows = new double[n][width];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < base; j++) rows[i][j] = columns.get(j)[i];
            if (encodings != null) System.arraycopy(encodings[i], 0, rows[i], base, encodings[i].length);
        }
        Group[] groupOf = new Group[width];
        for (int j = 0; j < width; j++) groupOf[j] = j < base ? owners.get(j) : Group.ENCODING;
        return new RowFeatures(rows, groupOf);
    }

    double[] row(int row) {
        return rows[row];
    }

    double[][] rows(int[] indices) {
        double[][] x = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) x[i] = rows[indices[i]];
        return x;
    }

    /** Per-column penalty: each column gets its group's λ (infinite = left out). */
    double[] penalties(double devices, double cost, double encoding) {
        double[] p = new double[groupOf.length];
        for (int j = 0; j < p.length; j++)
            p[j] = switch (groupOf[j]) {
                case DEVICES -> devices;
                case COST -> cost;
                case ENCODING -> encoding;
            };
        return p;
    }

    private static <A extends Architecture> double cost(SearchSpace<A> space, Architecture arch, boolean params) {
        A a = space.cast(arch);
        return params ? space.params(a) : space.mflops(a);
    }

    static <A extends Architecture> double[] encoding(SearchSpace<A> space, Architecture arch) {
        return space.flatEncoding(space.cast(arch));
    }
}
