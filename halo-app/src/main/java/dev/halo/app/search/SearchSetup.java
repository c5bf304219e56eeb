package dev.halo.app.search;

import dev.halo.BadInputException;
import dev.halo.app.Cancelled;
import dev.halo.app.Listener;
import dev.halo.app.Methods;
import dev.halo.data.AccuracyTable;
import dev.halo.data.LatencyDataset;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
import dev.halo.search.AccuracyObjective;
import dev.halo.search.BudgetBenchmark;
import dev.halo.search.DatasetTables;
import dev.halo.search.ExhaustiveSearch;
import dev.halo.search.FewShotDevice;
import dev.halo.search.LatencyBudget;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.LatencyVerifier;
import dev.halo.search.SafetyMargin;
import dev.halo.search.SearchAlgorithm;
import dev.halo.search.SearchProblem;
import dev.halo.search.SearchProgress;
import dev.halo.search.SearchResult;
import dev.halo.search.TableLatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a {@link SearchRequest} into a {@link SearchProblem} and runs it: the part {@code search} and {@code pareto} share. */
public final class SearchSetup {
    private SearchSetup() {}

    /**
     * Runs the search the options describe with {@code algorithm} ({@code exhaustive} needs an enumerable space),
     * telling {@code listener} its progress (stage {@code search}: architectures scored of the budget).
     *
     * @throws Cancelled once {@code listener} is cancelled: at the search's next step, or before it starts
     */
    public static SearchResult<?> run(SearchRequest o, String algorithm, Listener listener) {
        return searched(o, algorithm, listener).result();
    }

    /** The search's result with the setup it ran on (the few-shot devices' known samples and calibrations included). */
    public record Searched<A extends Architecture>(Setup<A> setup, SearchResult<A> result) {}

    /** As {@link #run}, with the setup. */
    public static Searched<?> searched(SearchRequest o, String algorithm, Listener listener) {
        SearchSpace<?> space = Spaces.byName(o.space());
        return run(space, o, algorithm, listener);
    }

    private static <A extends Architecture> Searched<A> run(SearchSpace<A> space, SearchRequest o, String algorithm, Listener listener) {
        SearchAlgorithm algo = algorithm.equals("exhaustive") ? null : SearchAlgorithm.byName(algorithm);
        Setup<A> setup = setup(space, o, enumerate(space));
        // reading tables and adapting few-shot predictors can take a while: a cancel that came meanwhile is heard here
        listener.checkCancelled();
        SearchResult<A> result;
        if (algo == null) {
            if (setup.candidates() == null)
                throw new BadInputException("--algorithm exhaustive needs an enumerable space or a latency dataset to list; " + space.name() + " with a model file is neither");
            result = ExhaustiveSearch.search(setup.problem(), setup.candidates(), progress(listener));
        } else {
            // A dataset that measured only a sample of the space (FBNet, OFA) knows nothing of the other architectures.
            if (setup.candidates() != null && setup.candidates().size() < space.size())
                throw new BadInputException("the latency dataset holds " + setup.candidates().size() + " of the " + (space.size() < 1e9 ? String.valueOf((long) space.size()) : String.format(java.util.Locale.ROOT, "%.3g", space.size()))
                        + " " + space.name() + " architectures; search them with --algorithm exhaustive, or give a --latency-model that predicts any architecture");
            result = algo.search(setup.problem(), o.budget(), o.seed(), progress(listener));
        }
        // a search may end below its budget (a small space has run out of new architectures): it is done all the same
        listener.progress(STAGE, result.evaluations(), result.evaluations(), "");
        return new Searched<>(setup, result);
    }

    /** The listener's stage while a search scores architectures. */
    public static final String STAGE = "search";

    /**
     * The search's steps as the listener's progress, at most about once per 1 % of the budget (a search takes thousands of
     * steps; a server sends each progress to its clients); every step asks whether the listener was cancelled.
     */
    private static SearchProgress progress(Listener listener) {
        return new SearchProgress() {
            private int reported = -1;

            @Override
            public void scored(int scored, int budget) {
                listener.checkCancelled();
                if (scored != reported && (reported < 0 || scored - reported >= Math.max(1, budget / 100) || scored == budget)) {
                    reported = scored;
                    listener.progress(STAGE, scored, budget, "");
                }
            }
        };
    }

    /**
     * The problem, and the architectures an exhaustive search scores (the whole space, or the dataset's rows; null if
     * neither); with {@code --adapt-from}, each device's adaptation (known samples, predictor, calibration) and the
     * dataset's architectures by row, and the few-shot method's name and summary (empty without --adapt-from).
     */
    public record Setup<A extends Architecture>(SearchProblem<A> problem, List<A> candidates, Map<String, FewShotDevice> fewShot, List<A> datasetArchs,
            String methodSummary) {}

    /** Every architecture of a space small enough to list, else null. */
    @SuppressWarnings("unchecked")
    public static <A extends Architecture> List<A> enumerate(SearchSpace<A> space) {
        return space instanceof Nb201Space nb ? (List<A>) nb.all() : null;
    }

    public static <A extends Architecture> Setup<A> setup(SearchSpace<A> space, SearchRequest o, List<A> everything) {
        // Cheap checks first, so that a typo fails before any table is read.
        List<Double> parsedBudgets = o.maxLatency().stream().map(t -> LatencyBudget.parseMs(t, "--max-latency")).toList();
        margin(o, 0);
        if (o.adaptFrom() != null) {
            SafetyMargin.Rule.parse(o.marginRule(), "--margin-rule");
            FewShotDevice.LeaveOut.parse(o.leaveOut(), "--leave-out");
        }
        double tolerance = tolerance(o);
        AccuracyObjective<A> accuracy = accuracy(space, o, everything);
        Sources<A> sources = latencySources(space, o);
        List<Double> budgets = budgets(parsedBudgets, sources.devices());
        List<LatencyConstraint> constraints = new ArrayList<>();
        boolean auto = o.margin().strip().equals("auto");
        for (int i = 0; i < sources.devices().size(); i++) {
            String d = sources.devices().get(i);
            LatencyPredictor p = sources.predictors().get(d);
            FewShotDevice fewShot = sources.fewShot().get(d);
            SafetyMargin calibration = fewShot == null ? null : fewShot.margin();
            if (budgets.isEmpty()) {
                constraints.add(LatencyConstraint.unconstrained(d, p));
            } else if (auto && calibration != null) {
                // The rule may also correct the predictions (trend); its margin is for this budget.
                SafetyMargin.Adjustment adj = calibration.at(budgets.get(i));
                constraints.add(new LatencyConstraint(d, adj.apply(p), budgets.get(i), adj.margin()));
            } else {
                constraints.add(new LatencyConstraint(d, p, budgets.get(i), margin(o, 0)));
            }
        }
        // A dataset that covers only part of an enumerable space (e.g. a join with this machine's 2,006 measured archs)
        // limits the search to its rows: table columns and device mixes know nothing of the other architectures.
        List<A> data = sources.datasetArchs();
        List<A> candidates = everything != null && (data == null || data.size() == everything.size()) ? everything : data;
        return new Setup<>(new SearchProblem<>(space, accuracy, constraints, sources.verifier(), tolerance), candidates, sources.fewShot(),
                sources.datasetArchs(), sources.methodSummary());
    }

    private static <A extends Architecture> AccuracyObjective<A> accuracy(SearchSpace<A> space, SearchRequest o, List<A> everything) {
        if (o.accuracy() != null && o.proxy() != null) throw new BadInputException("give --accuracy FILE or --proxy, not both");
        if (o.accuracy() != null) return DatasetTables.accuracy(AccuracyTable.load(o.accuracy()), o.metric().strip().toLowerCase(Locale.ROOT), space, everything);
        if (o.proxy() == null) throw new BadInputException("give --accuracy FILE (e.g. NAS-Bench-201 accuracy.csv) or --proxy mflops|params");
        return switch (o.proxy()) {
            case "mflops", "flops" -> AccuracyObjective.mflopsProxy(space);
            case "params" -> AccuracyObjective.paramsProxy(space);
            default -> throw new BadInputException("--proxy must be mflops or params, got '" + o.proxy() + "'");
        };
    }

    /** Predictors, verifier and few-shot adaptations (with their calibrations) per device, in --device order, and the dataset's architectures (null for model files). */
    private record Sources<A extends Architecture>(
            List<String> devices, Map<String, LatencyPredictor> predictors, LatencyVerifier verifier, Map<String, FewShotDevice> fewShot,
            List<A> datasetArchs, String methodSummary) {}

    private static <A extends Architecture> Sources<A> latencySources(SearchSpace<A> space, SearchRequest o) {
        if (o.latencyModels() != null && !o.latencyModels().isEmpty()) return models(space, o, o.latencyModels());
        Path dir = o.latencyTable() != null ? o.latencyTable() : o.adaptFrom();
        if (o.devices().isEmpty()) throw new BadInputException("name at least one --device (a column of " + dir + ")");
        LatencyDataset dataset = LatencyDataset.load(dir);
        List<A> archs = DatasetTables.architectures(dataset, space);
        Map<String, TableLatencyPredictor> truth = new LinkedHashMap<>();
        for (String d : o.devices()) truth.put(d, DatasetTables.latencyColumn(dataset, archs, d));
        LatencyVerifier verifier = LatencyVerifier.fromTables(truth);
        if (o.latencyTable() != null) return new Sources<>(List.copyOf(o.devices()), new LinkedHashMap<>(truth), verifier, Map.of(), archs, "");

        // Few-shot: the target devices leave HELP's split (they are only ever tested), so no method trains on them.
        Split help = Split.helpDefault(space.name());
        List<String> train = help.train().stream().filter(d -> !o.devices().contains(d)).toList();
        List<String> valid = help.valid().stream().filter(d -> !o.devices().contains(d)).toList();
        Split split = new Split(train, valid, List.copyOf(o.devices())).validate(dataset.deviceNames());
        LatencyTable table = Benchmarks.table(dataset);
        Benchmark benchmark = new Benchmark(space, archs, table, Pools.helpDefault(space.name()));
        FewShotMethod method = Methods.resolve(o.method(), o.model() == null ? List.of() : List.of(o.model()), space);
        FewShotMethod.Adapter adapter = method.prepare(new FewShotContext(benchmark, split, o.samples()));
        FewShotProtocol protocol = new FewShotProtocol(table, benchmark.pools());
        Map<String, LatencyPredictor> predictors = new LinkedHashMap<>();
        Map<String, FewShotDevice> fewShot = new HashMap<>();
        for (String d : o.devices()) {
            FewShotDevice fd = FewShotDevice.adapt(adapter, protocol, archs, d, o.samples(), o.seed(), SafetyMargin.Rule.parse(o.marginRule(), "--margin-rule"),
                    FewShotDevice.LeaveOut.parse(o.leaveOut(), "--leave-out"));
            predictors.put(d, fd.predictor());
            fewShot.put(d, fd);
        }
        return new Sources<>(List.copyOf(o.devices()), predictors, verifier, fewShot, archs, method.name() + (adapter.summary().isEmpty() ? "" : ": " + adapter.summary()));
    }

    private static <A extends Architecture> Sources<A> models(SearchSpace<A> space, SearchRequest o, List<Path> files) {
        if (!o.devices().isEmpty() && o.devices().size() != files.size())
            throw new BadInputException("give one --device per --latency-model (" + files.size() + " models, " + o.devices().size() + " devices)");
        List<String> names = new ArrayList<>();
        Map<String, LatencyPredictor> predictors = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            String name = o.devices().isEmpty() ? stem(files.get(i)) : o.devices().get(i);
            if (predictors.containsKey(name)) throw new BadInputException("device " + name + " is given twice");
            names.add(name);
            predictors.put(name, LatencyModelLoader.loadAny(files.get(i)));
        }
        LatencyVerifier verifier = LatencyVerifier.none();
        if (o.trueLatency() != null) {
            LatencyDataset dataset = LatencyDataset.load(o.trueLatency());
            List<A> archs = DatasetTables.architectures(dataset, space);
            Map<String, TableLatencyPredictor> truth = new LinkedHashMap<>();
            for (String d : names) if (dataset.hasDevice(d)) truth.put(d, DatasetTables.latencyColumn(dataset, archs, d));
            verifier = LatencyVerifier.fromTables(truth);
        }
        return new Sources<>(names, predictors, verifier, Map.of(), null, "");
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static List<Double> budgets(List<Double> ms, List<String> devices) {
        if (ms.isEmpty()) return ms;
        if (ms.size() == 1) return java.util.Collections.nCopies(devices.size(), ms.get(0));
        if (ms.size() != devices.size())
            throw new BadInputException("give one --max-latency for all devices or one per device (" + ms.size() + " budgets, " + devices.size() + " devices)");
        return ms;
    }

    private static double tolerance(SearchRequest o) {
        String t = o.accuracyTolerance().strip();
        if (t.equals("auto")) return o.adaptFrom() != null && o.accuracy() != null ? BudgetBenchmark.Setting.FEW_SHOT_DEFAULT.tolerance() : 0;
        try {
            double v = Double.parseDouble(t);
            if (!(v >= 0) || Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new BadInputException("--accuracy-tolerance must be auto or a finite number ≥ 0 (points of accuracy), got '" + o.accuracyTolerance() + "'");
        }
    }

    private static double margin(SearchRequest o, double auto) {
        String m = o.margin().strip();
        if (m.equals("auto")) return auto;
        try {
            double v = m.endsWith("%") ? Double.parseDouble(m.substring(0, m.length() - 1).strip()) / 100 : Double.parseDouble(m);
            if (!(v >= 0) || Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new BadInputException("--margin must be auto, a fraction ≥ 0 (0.05) or a percentage (5%), got '" + o.margin() + "'");
        }
    }
}
