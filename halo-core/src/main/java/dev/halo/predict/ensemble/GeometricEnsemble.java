package dev.halo.predict.ensemble;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;

/**
 * Several few-shot methods adapted to the same task, predicting the geometric mean of their latencies (the mean in
 * log space, where latency errors are roughly symmetric). Meant for models of one kind trained with different seeds:
 * their errors are partly independent, so the mean ranks better than a typical member. The interval at a level is
 * the geometric mean of the members' bounds.
 */
public record GeometricEnsemble(List<FewShotMethod> members) implements FewShotMethod {
    public GeometricEnsemble {
        members = List.copyOf(members);
        if (members.size() < 2) throw new BadInputException("an ensemble needs at least 2 members, got " + members.size());
        for (FewShotMethod m : members)
            if (!m.predictsMilliseconds()) throw new BadInputException("ensemble member " + m.name() + " does not predict milliseconds");
    }

    @Override
    public String name() {
        return "ensemble(" + String.join(",", members.stream().map(FewShotMethod::name).toList()) + ")";
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        List<Adapter> adapters = members.stream().map(m -> m.prepare(context)).toList();
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                return new Mean(adapters.stream().map(a -> a.adapt(task)).toList());
            }

            @Override
            public String summary() {
                return String.join("; ", adapters.stream().map(Adapter::summary).filter(s -> !s.isEmpty()).toList());
            }
        };
    }

    private record Mean(List<LatencyPredictor> predictors) implements LatencyPredictor {
        @Override
        public String space() {
            return predictors.get(0).space();
        }

        @Override
        public double[] predictMs(List<? extends Architecture> archs) {
            double[] log = new double[archs.size()];
            for (LatencyPredictor p : predictors) {
                double[] ms = p.predictMs(archs);
                for (int i = 0; i < ms.length; i++) log[i] += Math.log(ms[i]) / predictors.size();
            }
            for (int i = 0; i < log.length; i++) log[i] = Math.exp(log[i]);
            return log;
        }

        @Override
        public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
            double[][] logs = new double[3][archs.size()];
            for (LatencyPredictor p : predictors) {
                Prediction[] each = p.predictWithInterval(archs, level);
                for (int i = 0; i < each.length; i++) {
                    logs[0][i] += Math.log(each[i].ms()) / predictors.size();
                    logs[1][i] += Math.log(each[i].lowerMs()) / predictors.size();
                    logs[2][i] += Math.log(each[i].upperMs()) / predictors.size();
                }
            }
            Prediction[] out = new Prediction[archs.size()];
            for (int i = 0; i < out.length; i++) out[i] = new Prediction(Math.exp(logs[0][i]), Math.exp(logs[1][i]), Math.exp(logs[2][i]));
            return out;
        }
    }
}
