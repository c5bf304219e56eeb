package dev.halo.app.search;

import dev.halo.BadInputException;
import dev.halo.search.Candidate;
import dev.halo.search.FewShotDevice;
import dev.halo.search.MeasuredChoice;
import dev.halo.search.SearchResult;
import dev.halo.space.Architecture;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * After a few-shot search on one device: measure up to N of the candidates it scored, each time the one with the largest
 * expected gain, and answer the most accurate architecture measured under the budget (the search's choice if none is).
 */
public final class MeasuredSearch {
    private MeasuredSearch() {}

    /**
     * The choice; {@code predictedMs} is the device predictor's latency for it, {@code trueMs} its latency in the dataset
     * (empty where unknown), {@code seconds} the search's time plus the measuring.
     */
    public record Result<A extends Architecture>(String device, double budgetMs, MeasuredChoice.Result<A> choice, double predictedMs,
            OptionalDouble trueMs, double seconds) {}

    /** {@code meter}: the latency of an architecture on the device (empty: the measurement failed). */
    public static <A extends Architecture> Result<A> choose(SearchSetup.Searched<A> searched, int measurements, Function<A, OptionalDouble> meter) {
        SearchResult<A> r = searched.result();
        String device = r.constraints().get(0).device();
        FewShotDevice fd = searched.setup().fewShot().get(device);
        if (fd == null) throw new BadInputException("--measure needs --adapt-from DIR: the chance that a candidate meets the budget comes from the device's known samples");
        var accuracy = searched.setup().problem().accuracy();
        List<A> archs = r.evaluated().stream().map(Candidate::arch).toList();
        List<MeasuredChoice.Option<A>> candidates = MeasuredChoice.Option.of(archs, fd.predictor().predictMs(archs), accuracy);
        List<MeasuredChoice.Known<A>> known = MeasuredChoice.Known.of(fd.task(), searched.setup().datasetArchs(), accuracy);
        MeasuredChoice.Option<A> fallback = r.feasible()
                ? new MeasuredChoice.Option<>(r.best().arch(), r.best().accuracy(), fd.predictor().predictMs(r.best().arch())) : null;
        double budget = r.constraints().get(0).maxMs();
        long start = System.nanoTime();
        MeasuredChoice.Result<A> m = MeasuredChoice.choose(candidates, known, fd.margin().looPredictedMs(), fd.margin().looTrueMs(), budget, measurements, meter, fallback);
        double seconds = r.seconds() + (System.nanoTime() - start) / 1e9;
        if (m.arch() == null)
            throw new BadInputException("no architecture was measured under " + budget + " ms on " + device + " with " + measurements + " measurement(s), and the "
                    + "predicted search found none either: " + r.infeasibleMessage());
        return new Result<>(device, budget, m, fd.predictor().predictMs(m.arch()), searched.setup().problem().verifier().trueMs(device, m.arch()), seconds);
    }

    /** The device's latency in the search's dataset column (where {@code --measure-on table} measures). */
    public static <A extends Architecture> Function<A, OptionalDouble> datasetColumn(SearchSetup.Searched<A> searched) {
        String device = searched.result().constraints().get(0).device();
        return a -> searched.setup().problem().verifier().trueMs(device, a);
    }
}
