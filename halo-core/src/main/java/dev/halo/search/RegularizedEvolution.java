package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Regularized (aging) evolution, Real et al. 2019: keep a population in a queue; each step samples
 * {@code sampleSize} members at random, mutates the best of that tournament, appends the child and drops the
 * oldest member (not the worst), so that no lucky architecture lives forever. Under a latency budget the
 * tournament prefers feasible members, then higher accuracy; infeasible members compete on how little they
 * exceed the budget, which walks the population towards the feasible region.
 */
public final class RegularizedEvolution implements SearchAlgorithm {
    private final int populationSize;
    private final int sampleSize;

    /** Population 50, tournament 10. */
    public RegularizedEvolution() {
        this(50, 10);
    }

    public RegularizedEvolution(int populationSize, int sampleSize) {
        if (populationSize < 2) throw new BadInputException("evolution population must be ≥ 2, got " + populationSize);
        if (sampleSize < 1 || sampleSize > populationSize)
            throw new BadInputException("evolution sample size must be in 1.." + populationSize + ", got " + sampleSize);
        this.populationSize = populationSize;
        this.sampleSize = sampleSize;
    }

    @Override
    public String name() {
        return "evolution";
    }

    @Override
    public <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, int budget, long seed, SearchProgress progress) {
        long start = System.nanoTime();
        Evaluator<A> eval = new Evaluator<>(problem, budget, progress);
        RandomGenerator rng = SearchAlgorithm.rng(seed);
        Comparator<Candidate<A>> preference = Evaluator.preference();

        List<A> initial = new ArrayList<>(populationSize);
        for (int i = 0; i < populationSize; i++) initial.add(problem.space().sample(rng));
        ArrayDeque<Candidate<A>> population = new ArrayDeque<>(eval.evaluateAll(initial));

        // Mutations that land on already-scored architectures cost nothing; stop if they are all we get.
        long stepsLeft = 20L * budget + 1000;
        while (!eval.exhausted() && stepsLeft-- > 0) {
            List<Candidate<A>> members = new ArrayList<>(population);
            Candidate<A> parent = null;
            for (int i = 0; i < sampleSize; i++) {
                Candidate<A> c = members.get(rng.nextInt(members.size()));
                if (parent == null || preference.compare(c, parent) > 0) parent = c;
            }
            Candidate<A> child = eval.evaluate(problem.space().mutate(parent.arch(), rng));
            population.addLast(child);
            if (population.size() > populationSize) population.removeFirst();
        }
        return eval.result(name(), start);
    }
}
