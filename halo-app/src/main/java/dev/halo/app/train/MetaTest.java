package dev.halo.app.train;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.DataLocation;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpMetaTest;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpProtocol;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.space.Nb201Graph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HELP's own meta-test protocol on a model (the correctness anchor for HELP's checkpoints): per device, N support archs
 * from the kept train pool, z sampled, Meta-SGD adaptation, Spearman on the kept query pool; repeated over seeds.
 */
public final class MetaTest {
    private MetaTest() {}

    /**
     * Exactly one of {@code model} (a halo model file) and {@code helpCheckpoint} ("": {@code <dataset>/checkpoint/help_max_corr.pt}).
     * {@code devices}, {@code innerSteps}, {@code dataset} null: HELP's meta-test devices, the model's steps, the shared data.
     */
    public record Request(String space, Path dataset, Path model, String helpCheckpoint, Nb201Graph.Wiring wiring, List<String> devices,
            int seeds, int shots, int mc, Integer innerSteps) {
        public Request {
            if (seeds < 1 || shots < 1 || mc < 0) throw new BadInputException("--seeds and --shots must be at least 1, --mc at least 0 (0: z at its posterior mean)");
            if (innerSteps != null && innerSteps < 0) throw new BadInputException("--inner-steps must be >= 0");
            Limits.check("--seeds", seeds, 1, Limits.MAX_SEEDS);
            Limits.check("--shots", shots, 1, 10_000);
            Limits.check("--mc", mc, 0, Limits.MAX_MC);
            if (innerSteps != null) Limits.check("--inner-steps", innerSteps, 0, 10_000);
        }
    }

    /** A device's mean over seeds of HELP's score (last Monte-Carlo sample), its seed s.d., and the mean of the samples' scores. */
    public record DeviceScore(String device, double spearman, double spearmanSd, double spearmanMc) {}

    /** Per device, and the means over devices. */
    public record Result(List<DeviceScore> devices, double meanSpearman, double meanSpearmanMc, int seeds) {}

    public static Result run(Request r) {
        String space = r.space();
        Path dataset = r.dataset();
        Nb201Graph.Wiring wiring = r.wiring();
        Integer innerSteps = r.innerSteps();
        List<String> devices = r.devices();
        int seeds = r.seeds();
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        HelpModel model;
        HelpData data;
        if (r.model() != null) {
            HelpModelFile.Stored stored = HelpModelFile.load(r.model());
            if (!stored.provenance().space().equals(space))
                throw new BadInputException(r.model() + ": model is for space " + stored.provenance().space() + ", not " + space);
            String w = stored.provenance().nb201Wiring();
            data = HelpData.load(dir, HelpEncoder.forSpace(space, w.isEmpty() ? wiring : Nb201Graph.Wiring.valueOf(w)));
            model = stored.model();
        } else {
            data = HelpData.load(dir, HelpEncoder.forSpace(space, wiring));
            Path ckpt = r.helpCheckpoint() == null || r.helpCheckpoint().isEmpty() ? dir.resolve("checkpoint/help_max_corr.pt") : Path.of(r.helpCheckpoint());
            model = HelpModel.fromHelpCheckpoint(ckpt, data.network());
        }
        if (innerSteps != null) model = model.withInnerSteps(innerSteps);
        List<String> devs = devices != null ? devices : HelpTrainingConfig.helpTestDevices(space);
        Map<String, List<HelpMetaTest.DeviceResult>> byDevice = new LinkedHashMap<>();
        for (String d : devs) byDevice.put(d, new ArrayList<>());
        List<Long> seedList = java.util.stream.LongStream.range(0, seeds).boxed().toList();
        for (List<HelpMetaTest.DeviceResult> perSeed : HelpMetaTest.runSeeds(model, data, HelpProtocol.forSpace(space), devs, r.shots(), r.mc(), seedList))
            for (HelpMetaTest.DeviceResult result : perSeed) byDevice.get(result.device()).add(result);
        List<DeviceScore> rows = new ArrayList<>();
        double all = 0, allMc = 0;
        for (var e : byDevice.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(HelpMetaTest.DeviceResult::spearmanLastSample).toArray();
            double m = mean(v), mm = e.getValue().stream().mapToDouble(HelpMetaTest.DeviceResult::spearmanMcMean).average().orElse(Double.NaN);
            all += m / devs.size();
            allMc += mm / devs.size();
            rows.add(new DeviceScore(e.getKey(), m, sd(v), mm));
        }
        return new Result(rows, all, allMc, seeds);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
