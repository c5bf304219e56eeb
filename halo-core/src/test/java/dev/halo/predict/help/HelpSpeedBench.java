package dev.halo.predict.help;

import dev.halo.DataLocation;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not a test: times adaptation and whole-space prediction of HELP's NB201 checkpoint on one thread.
 * Run: {@code java -cp <test classpath> dev.halo.predict.help.HelpSpeedBench [repeats]} (see docs/results/help.md).
 */
public final class HelpSpeedBench {
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        var dir = DataLocation.require("help/nasbench201");
        var space = new Nb201Space();
        HelpModelFile.Stored model = HelpModelLoader.read(dir.resolve("checkpoint/help_max_corr.pt"), space);
        HelpData d = HelpData.load(dir, HelpEncoder.forSpace("nasbench201", dev.halo.space.Nb201Graph.Wiring.HELP));
        double[] lat = d.latency("titanx_256");
        double[] ref = Arrays.stream(d.referenceArchs()).mapToDouble(i -> lat[i]).toArray();
        List<Architecture> all = space.all().stream().map(a -> (Architecture) a).toList();
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] adaptNs = new long[repeats], predictNs = new long[repeats];
        long firstPredict = 0;
        for (int r = 0; r < repeats; r++) {
            int[] sample = Arrays.copyOf(HelpProtocol.shuffled(HelpProtocol.NASBENCH201.keptTrain(lat), new SplittableRandom(r)), 10);
            List<Architecture> archs = Arrays.stream(sample).mapToObj(all::get).toList();
            double[] ms = Arrays.stream(sample).mapToDouble(i -> lat[i]).toArray();
            long t0 = bean.getCurrentThreadCpuTime();
            AdaptedHelpPredictor p = HelpAdaptation.adapt(model, "titanx_256", ref, archs, ms, HelpAdaptation.Options.DEFAULT);
            long t1 = bean.getCurrentThreadCpuTime();
            // a fresh list, so that the encoding/plan cache cannot help: the cold whole-space cost
            if (r == 0) {
                p.predictMs(List.copyOf(all));
                firstPredict = bean.getCurrentThreadCpuTime() - t1;
                p.predictMs(all); // plan the list used below once
                t1 = bean.getCurrentThreadCpuTime();
            }
            p.predictMs(all);
            long t2 = bean.getCurrentThreadCpuTime();
            adaptNs[r] = t1 - t0;
            predictNs[r] = t2 - t1;
        }
        Arrays.sort(adaptNs);
        Arrays.sort(predictNs);
        System.out.printf("adapt (10 samples, 2 Meta-SGD steps): median %.1f ms CPU over %d repeats%n", adaptNs[repeats / 2] / 1e6, repeats);
        System.out.printf("predict all %d NB201 archs, first call incl. encoding + plan: %.0f ms CPU%n", all.size(), firstPredict / 1e6);
        System.out.printf("predict all %d NB201 archs, plan cached: median %.0f ms CPU over %d repeats%n", all.size(), predictNs[repeats / 2] / 1e6, repeats);
    }
}
