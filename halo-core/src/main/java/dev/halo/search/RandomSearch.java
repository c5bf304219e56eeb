package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Uniform random sampling: the baseline every other algorithm must beat. */
public final class RandomSearch implements SearchAlgorithm {
    private static final int BATCH = 256;

    @Override
    public String name() {
        return "random";
    }

    @Override
    public <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, int budget, long seed, SearchProgress progress) {
        long start = System.nanoTime();
        Evaluator<A> eval = new Evaluator<>(problem, budget, progress);
        RandomGenerator rng = SearchAlgorithm.rng(seed);
        // A space smaller than the budget yields only repeats at the end; give up after this many draws.
        long drawsLeft = 20L * budget + 1000;
        while (!eval.exhausted() && drawsLeft > 0) {
            int n = (int) Math.min(Math.min(BATCH, eval.remaining()), drawsLeft);
            List<A> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) batch.add(problem.space().sample(rng));
            drawsLeft -= n;
            eval.evaluateAll(batch);
        }
        return eval.result(name(), start);
    }
}
