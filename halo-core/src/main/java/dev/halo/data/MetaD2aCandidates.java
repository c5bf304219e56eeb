package dev.halo.data;

import dev.halo.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 500 NAS-Bench-201 architectures that MetaD2A generated for CIFAR-100 and that HELP's NAS mode scores
 * for latency ({@code help/nasbench201/metad2a_candidates.csv}: {@code rank}, {@code arch_index},
 * {@code arch_str}, {@code true_acc_cifar100}, {@code metad2a_score}). Read as strictly as
 * {@link LatencyDataset}.
 */
public final class MetaD2aCandidates {
    public static final String FILE = "metad2a_candidates.csv";

    /**
     * One candidate.
     *
     * @param rank line order in HELP's {@code arch_generated_by_metad2a.txt} (0-based)
     * @param trueAccuracy CIFAR-100 accuracy in percent as HELP's file gives it
     * @param score MetaD2A's own score (unlabelled third column; HELP ignores it)
     */
    public record Candidate(int rank, int archIndex, String arch, double trueAccuracy, double score) {}

    private MetaD2aCandidates() {}

    /** Reads the candidates file, or the {@value #FILE} inside a dataset folder. */
    public static List<Candidate> load(Path file) {
        if (java.nio.file.Files.isDirectory(file)) file = file.resolve(FILE);
        CsvFile csv = CsvFile.read(file.toAbsolutePath().normalize());
        int rank = csv.requireColumn("rank");
        int index = csv.requireColumn("arch_index");
        int arch = csv.requireColumn("arch_str");
        int acc = csv.requireColumn("true_acc_cifar100");
        int score = csv.requireColumn("metad2a_score");
        if (csv.rowCount() == 0) throw new BadInputException(csv.path() + ": no candidates");
        List<Candidate> out = new ArrayList<>(csv.rowCount());
        Map<String, Integer> seen = new HashMap<>();
        for (int r = 0; r < csv.rowCount(); r++) {
            int k = csv.index(r, rank);
            if (k != r) throw csv.error(r, rank, "rank " + k + " out of sequence (expected " + r + ")");
            String a = csv.text(r, arch);
            Integer before = seen.putIfAbsent(a, r);
            if (before != null) throw csv.error(r, arch, "duplicate architecture (also on line " + csv.line(before) + ")");
            double accuracy = csv.number(r, acc);
            if (accuracy < 0 || accuracy > 100) throw csv.error(r, acc, "accuracy " + csv.cell(r, acc) + " outside 0..100 %");
            out.add(new Candidate(k, csv.index(r, index), a, accuracy, csv.number(r, score)));
        }
        return List.copyOf(out);
    }

    /** Loads the candidates and checks that each arch index names the same architecture in {@code dataset}. */
    public static List<Candidate> load(Path file, LatencyDataset dataset) {
        List<Candidate> candidates = load(file);
        for (Candidate c : candidates) {
            if (c.archIndex() >= dataset.archCount() || !dataset.archString(c.archIndex()).equals(c.arch()))
                throw new BadInputException(file + ": candidate " + c.rank() + " has arch_index " + c.archIndex() + ", which is not '"
                        + Texts.shown(c.arch()) + "' in " + dataset.source());
        }
        return candidates;
    }
}
