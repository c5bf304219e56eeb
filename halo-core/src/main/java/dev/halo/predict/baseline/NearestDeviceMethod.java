package dev.halo.predict.baseline;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.stats.Metrics;
import java.util.List;

/**
 * The single most similar train device: the one whose latencies on the new device's known architectures
 * (reference + samples) have the highest Pearson correlation with the new device's, mapped to the new
 * device by a least-squares line through those known points.
 */
public final class NearestDeviceMethod implements FewShotMethod {
    @Override
    public String name() {
        return "nearest-device";
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        List<String> train = context.split().train();
        if (train.isEmpty()) throw new BadInputException("nearest-device needs train devices (--train-devices) to choose from");
        return task -> {
            int[] rows = task.knownIndices();
            double[] known = task.knownLatencies();
            double[] best = null;
            double bestCorrelation = Double.NEGATIVE_INFINITY;
            for (String device : train) {
                double[] latency = context.table().latencies(device);
                double r = Metrics.pearson(FewShotProtocol.gather(latency, rows), known);
                if (r > bestCorrelation || best == null) {
                    bestCorrelation = r;
                    best = latency;
                }
            }
            return DeviceLinearPredictor.fit(context, List.of(best), rows, known, 0);
        };
    }
}
