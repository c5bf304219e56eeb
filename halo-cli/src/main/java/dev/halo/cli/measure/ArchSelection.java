package dev.halo.cli.measure;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import picocli.CommandLine.Option;

/** Which architectures a command works on: {@code --archs FILE | --sample N | --all} (exactly one). */
public final class ArchSelection {
    @Option(names = "--archs", paramLabel = "FILE",
            description = "Architectures, one per line in any form the space parses ('#' starts a comment).")
    Path archsFile;

    @Option(names = "--sample", paramLabel = "N", description = "N distinct architectures drawn uniformly (see --seed).")
    Integer sample;

    @Option(names = "--all", description = "Every architecture of the space (NAS-Bench-201 only: 15,625).")
    boolean all;

    /** The selected architectures, deduplicated, in file / draw order. */
    public List<Architecture> resolve(SearchSpace<?> space, long seed) {
        int chosen = (archsFile != null ? 1 : 0) + (sample != null ? 1 : 0) + (all ? 1 : 0);
        if (chosen != 1) throw new BadInputException("give exactly one of --archs FILE, --sample N, --all");
        if (archsFile != null) return fromFile(space, archsFile);
        if (sample != null) return sample(space, sample, seed);
        return everything(space);
    }

    static List<Architecture> fromFile(SearchSpace<?> space, Path file) {
        dev.halo.io.Limits.checkFileSize("--archs", file, dev.halo.io.Limits.MAX_ARCHS_FILE_BYTES);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        String first = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElse("");
        if (first.equals(dev.halo.data.ArchCsv.ARCH) || first.startsWith(dev.halo.data.ArchCsv.ARCH + ",")) {
            // a CSV with an 'arch' column, as 'halo arch sample --format csv' writes (documented as an --archs file)
            Set<String> seen = new LinkedHashSet<>();
            List<Architecture> out = new ArrayList<>();
            for (Architecture a : dev.halo.data.ArchCsv.archs(file, space)) if (seen.add(a.canonical())) out.add(a);
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Architecture> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) continue;
            Architecture arch;
            try {
                arch = space.parse(text);
            } catch (BadInputException e) {
                throw new BadInputException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            if (seen.add(arch.canonical())) out.add(arch);
        }
        if (out.isEmpty()) throw new BadInputException(file + ": no architectures in the file");
        return out;
    }

    static List<Architecture> sample(SearchSpace<?> space, int n, long seed) {
        if (n < 1) throw new BadInputException("--sample must be at least 1, got " + n);
        dev.halo.io.Limits.check("--sample", n, 1, dev.halo.io.Limits.MAX_ARCHS);
        if (n > space.size()) throw new BadInputException("--sample " + n + " exceeds the " + (long) space.size() + " architectures of " + space.name());
        Random rng = new Random(seed);
        Set<String> seen = new LinkedHashSet<>();
        List<Architecture> out = new ArrayList<>();
        long attempts = 0;
        while (out.size() < n) {
            if (++attempts > 1000L * n) throw new IllegalStateException("could not draw " + n + " distinct architectures");
            Architecture a = space.sample(rng);
            if (seen.add(a.canonical())) out.add(a);
        }
        return out;
    }

    static List<Architecture> everything(SearchSpace<?> space) {
        if (space instanceof dev.halo.space.Nb201Space nb) return new ArrayList<>(nb.all());
        throw new BadInputException("--all is only possible for nasbench201; " + space.name() + " is too large, use --sample N");
    }
}
