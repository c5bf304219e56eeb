package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores architectures for one search run and counts the budget: each distinct architecture costs one
 * evaluation (a repeat is answered from the cache for free, as a benchmark lookup would be).
 */
final class Evaluator<A extends Architecture> {
    private final SearchProblem<A> problem;
    private final int budget;
    private final SearchProgress progress;
    private final Map<String, Candidate<A>> seen = new LinkedHashMap<>();

    Evaluator(SearchProblem<A> problem, int budget, SearchProgress progress) {
        if (budget <= 0) throw new dev.halo.BadInputException("search budget must be > 0 evaluations, got " + budget);
        this.problem = problem;
        this.budget = budget;
        this.progress = progress;
    }

    /**
     * Tells the caller how far the search is; an algorithm calls it once per step that scores nothing through this
     * evaluator (e.g. a generation that met only cached architectures). May throw to stop the search ({@link SearchProgress}).
     */
    void step() {
        progress.scored(seen.size(), budget);
    }

    int evaluations() {
        return seen.size();
    }

    boolean exhausted() {
        return seen.size() >= budget;
    }

    int remaining() {
        return budget - seen.size();
    }

    /** A cached candidate, or null if the architecture was never evaluated. */
    Candidate<A> cached(A arch) {
        return seen.get(arch.canonical());
    }

    /** Scores one architecture (spends one evaluation if it is new). Callers check {@link #exhausted()} first. */
    Candidate<A> evaluate(A arch) {
        Candidate<A> c = seen.get(arch.canonical());
        if (c == null) return evaluateAll(List.of(arch)).get(0);
        step();
        return c;
    }

    /**
     * Scores a batch through the predictors' batch path (the fast way to score many architectures); new
     * architectures beyond the remaining budget are left out of the answer.
     */
    List<Candidate<A>> evaluateAll(List<A> archs) {
        List<A> fresh = new ArrayList<>();
        Map<String, A> freshByKey = new LinkedHashMap<>();
        for (A a : archs) {
            String key = a.canonical();
            if (seen.containsKey(key) || freshByKey.containsKey(key)) continue;
            if (seen.size() + freshByKey.size() >= budget) break;
            freshByKey.put(key, a);
        }
        fresh.addAll(freshByKey.values());
        if (!fresh.isEmpty()) {
            List<LatencyConstraint> cs = problem.constraints();
            double[][] lat = new double[cs.size()][];
            for (int j = 0; j < cs.size(); j++) lat[j] = cs.get(j).predictor().predictMs(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                A a = fresh.get(i);
                double[] p = new double[cs.size()];
                double violation = 0;
                for (int j = 0; j < p.length; j++) {
                    p[j] = lat[j][i];
                    violation += cs.get(j).violation(p[j]);
                }
                seen.put(a.canonical(), Candidate.unverified(a, problem.accuracy().accuracy(a), p, violation));
            }
        }
        List<Candidate<A>> out = new ArrayList<>(archs.size());
        for (A a : archs) {
            Candidate<A> c = seen.get(a.canonical());
            if (c != null) out.add(c);
        }
        step();
        return out;
    }

    List<Candidate<A>> all() {
        return List.copyOf(seen.values());
    }

    /**
     * The order every algorithm selects by ("greater is better"): a feasible candidate beats an infeasible one;
     * among feasible ones higher accuracy wins, then lower total latency; among infeasible ones the smaller
     * violation wins. The canonical string breaks remaining ties so that results never depend on map order.
     */
    static <A extends Architecture> Comparator<Candidate<A>> preference() {
        Comparator<Candidate<A>> feasibleFirst = Comparator.comparing(Candidate::feasible);
        Comparator<Candidate<A>> byAccuracyIfFeasible = (x, y) -> x.feasible() && y.feasible() ? Double.compare(x.accuracy(), y.accuracy()) : 0;
        Comparator<Candidate<A>> lessViolation = Comparator.comparingDouble((Candidate<A> c) -> -c.violation());
        Comparator<Candidate<A>> faster = Comparator.comparingDouble((Candidate<A> c) -> -c.predictedMs().stream().mapToDouble(Double::doubleValue).sum());
        Comparator<Candidate<A>> byName = Comparator.comparing((Candidate<A> c) -> c.arch().canonical()).reversed();
        return feasibleFirst.thenComparing(byAccuracyIfFeasible).thenComparing(lessViolation).thenComparing(faster).thenComparing(byName);
    }

    /**
     * Among the feasible candidates at least {@code minAccuracy} accurate, the one whose tightest budget is least
     * used (smallest {@code predicted / effective budget} over the bounded devices); then the usual preference.
     */
    private Candidate<A> roomiest(List<Candidate<A>> all, double minAccuracy, Comparator<Candidate<A>> pref) {
        Comparator<Candidate<A>> moreRoom = Comparator.comparingDouble((Candidate<A> c) -> -load(c));
        return all.stream().filter(c -> c.feasible() && c.accuracy() >= minAccuracy).max(moreRoom.thenComparing(pref)).orElseThrow();
    }

    /** The largest {@code predicted / effective budget} over the bounded devices (0 with no budget). */
    private double load(Candidate<A> c) {
        double load = 0;
        List<LatencyConstraint> cs = problem.constraints();
        for (int j = 0; j < cs.size(); j++)
            if (cs.get(j).bounded()) load = Math.max(load, c.predictedMs(j) / cs.get(j).effectiveMaxMs());
        return load;
    }

    /** The search's answer over everything evaluated so far (see {@link SearchProblem#accuracyTolerance()}). */
    SearchResult<A> result(String algorithm, long startNanos) {
        Comparator<Candidate<A>> pref = preference();
        List<Candidate<A>> all = all();
        Candidate<A> top = all.stream().max(pref).orElseThrow();
        if (top.feasible() && problem.accuracyTolerance() > 0) top = roomiest(all, top.accuracy() - problem.accuracyTolerance(), pref);
        Candidate<A> best = top.feasible() ? top.verified(problem.constraints(), problem.verifier()) : null;
        Candidate<A> closest = top.feasible() ? null : top.verified(problem.constraints(), problem.verifier());
        List<Candidate<A>> front = ParetoFront.of(all).stream().map(c -> c.verified(problem.constraints(), problem.verifier())).toList();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new SearchResult<>(algorithm, problem.constraints(), best, closest, front, all, seen.size(), seconds);
    }
}
