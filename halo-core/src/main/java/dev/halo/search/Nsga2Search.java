package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Codecs;
import io.jenetics.engine.Engine;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.IntRange;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * NSGA-II (Deb et al. 2002) on Jenetics: architectures as integer chromosomes ({@link IntegerEncoding}),
 * objectives accuracy (up) and the predicted latency of every device (down), survivors chosen by
 * non-dominated rank and crowding distance. The answer's front is the non-dominated set of <em>everything</em>
 * evaluated (an archive), and its best is the most accurate evaluated architecture that meets the budgets.
 * Runs single-threaded inside a seeded {@link io.jenetics.util.RandomRegistry} scope, so a seed reproduces it.
 */
public final class Nsga2Search implements SearchAlgorithm {
    private final int populationSize;

    /** Population 50. */
    public Nsga2Search() {
        this(50);
    }

    public Nsga2Search(int populationSize) {
        if (populationSize < 4) throw new BadInputException("NSGA-II population must be ≥ 4, got " + populationSize);
        this.populationSize = populationSize;
    }

    @Override
    public String name() {
        return "nsga2";
    }

    @Override
    public <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, int budget, long seed, SearchProgress progress) {
        long start = System.nanoTime();
        Evaluator<A> eval = new Evaluator<>(problem, budget, progress);
        IntegerEncoding<A> encoding = IntegerEncoding.of(problem.space());
        int[] card = encoding.cardinalities();
        IntRange[] ranges = new IntRange[card.length];
        for (int i = 0; i < card.length; i++) ranges[i] = IntRange.of(0, card[i]);
        int devices = problem.constraints().size();
        // Architectures the budget can no longer pay for get the worst possible objectives, so that the last
        // generation cannot smuggle unpaid evaluations into the front; the stream stops right after.
        double[] unpaid = new double[devices + 1];
        java.util.Arrays.fill(unpaid, -1e30);

        java.util.function.Function<int[], Vec<double[]>> fitness = genes -> {
            A arch = encoding.decode(genes);
            Candidate<A> c = eval.cached(arch);
            if (c == null) {
                if (eval.exhausted()) return Vec.of(unpaid.clone());
                c = eval.evaluate(arch);
            }
            double[] v = new double[devices + 1];
            v[0] = c.accuracy();
            for (int j = 0; j < devices; j++) v[j + 1] = -c.predictedMs(j);
            return Vec.of(v);
        };
        // Small spaces run out of new architectures before the budget does; cap the generations then.
        long maxGenerations = 20L * budget / populationSize + 20;
        try {
            io.jenetics.util.RandomRegistry.with(SearchAlgorithm.rng(seed), r -> {
                Engine<IntegerGene, Vec<double[]>> engine = Engine.builder(fitness, Codecs.ofVector(ranges))
                        .populationSize(populationSize)
                        .offspringSelector(new TournamentSelector<>(2))
                        .survivorsSelector(NSGA2Selector.ofVec())
                        .alterers(new UniformCrossover<>(0.3), new Mutator<>(1.0 / card.length))
                        .executor(Runnable::run)
                        .build();
                engine.stream().limit(g -> !eval.exhausted()).limit(maxGenerations).forEach(g -> eval.step());
                return null;
            });
        } catch (CompletionException e) {
            throw thrownByTheFitness(e);
        }
        return eval.result(name(), start);
    }

    /**
     * Jenetics evaluates a generation's fitness as futures, so what the fitness threw (a progress callback stopping the
     * search, see {@link SearchProgress}) arrives wrapped in a CompletionException around an ExecutionException; the
     * caller gets it as it was thrown.
     */
    private static RuntimeException thrownByTheFitness(CompletionException e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        if (t instanceof Error error) throw error;
        return t instanceof RuntimeException r ? r : e;
    }
}
