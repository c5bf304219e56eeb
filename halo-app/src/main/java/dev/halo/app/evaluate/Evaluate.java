package dev.halo.app.evaluate;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.DataLocation;
import dev.halo.app.Listener;
import dev.halo.app.Methods;
import dev.halo.eval.EvaluationReport;
import dev.halo.eval.Evaluator;
import dev.halo.eval.selection.SampleSelections;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

/** Scores a few-shot method on devices it has not seen, with HELP's protocol (or NASFLAT's count without references). */
public final class Evaluate {
    private Evaluate() {}

    /**
     * What to score. {@code method} null with no {@code models}: the default method ({@code auto}). {@code split} null with
     * no device lists: HELP's split for the space. {@code dataset} null: the shared data's {@code help/<space>}.
     */
    public record Request(String space, Path dataset, String method, List<Path> models, String split, String trainDevices,
            String validDevices, String testDevices, int samples, int seeds, String selection, boolean references) {
        public Request {
            if (samples < 1) throw new BadInputException("--samples must be at least 1, got " + samples);
            if (seeds < 1) throw new BadInputException("--seeds must be at least 1, got " + seeds);
            Limits.check("--seeds", seeds, 1, Limits.MAX_SEEDS);
            Limits.check("--samples", samples, 1, 10_000);
            models = models == null ? List.of() : List.copyOf(models);
            if (!references && !models.isEmpty())
                throw new BadInputException("--references none: a HELP model reads the 10 reference latencies as its hardware embedding; use --method");
        }

        /** Scores {@code method} on HELP's split with HELP's protocol (random samples, references known). */
        public static Request of(String space, String method, int samples, int seeds) {
            return new Request(space, null, method, List.of(), null, null, null, null, samples, seeds, "random", true);
        }
    }

    public static EvaluationReport run(Request r, Listener listener) {
        Split chosen = split(r);
        Path dir = r.dataset() != null ? r.dataset() : DataLocation.require("help/" + r.space());
        Benchmark benchmark = Benchmarks.load(dir, r.space());
        chosen.validate(benchmark.table().deviceNames());
        FewShotMethod method = Methods.resolve(r.method(), r.models(), benchmark.space());
        List<Long> seedList = LongStream.range(0, r.seeds()).boxed().toList();
        var sampleSelection = SampleSelections.byName(r.selection(), benchmark, chosen);
        return new Evaluator(benchmark, sampleSelection, r.references()).evaluate(method, chosen, r.samples(), seedList, (task, done, total) -> {
            listener.checkCancelled();
            listener.progress(method.name(), done, total, task.device() + ", seed " + task.seed());
        });
    }

    static Split split(Request r) {
        boolean lists = r.trainDevices() != null || r.validDevices() != null || r.testDevices() != null;
        if (lists) {
            if (r.split() != null) throw new BadInputException("give either --split or --train/--valid/--test-devices, not both");
            if (r.testDevices() == null) throw new BadInputException("--test-devices is required with a custom split");
            return new Split(Split.parseList(r.trainDevices()), Split.parseList(r.validDevices()), Split.parseList(r.testDevices()));
        }
        if (r.split() != null && !r.split().equals("help")) throw new BadInputException("unknown --split '" + r.split() + "'; known: help");
        return Split.helpDefault(r.space());
    }
}
