package dev.halo.data;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What an import of HELP's files must satisfy beyond being readable: every architecture string is an architecture of
 * the space; on NAS-Bench-201 each string's index in {@code str_arch2idx.pt} is that architecture's NAS-Bench-201 index
 * (so swapped or shifted indices cannot silently relabel every latency); no architecture twice; and exactly
 * {@value #REFERENCE_COUNT} distinct reference architectures (HELP's hardware embedding).
 */
final class HelpImportValidation {
    static final int REFERENCE_COUNT = 10;

    private HelpImportValidation() {}

    static void archs(Path file, String spaceName, java.util.List<String> archs) {
        SearchSpace<?> space = Spaces.byName(spaceName);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < archs.size(); i++) {
            String text = archs.get(i);
            Architecture a;
            try {
                a = space.parse(text);
            } catch (BadInputException e) {
                throw new BadInputException(file + ": index " + i + ": '" + Texts.shown(text) + "' is not a " + spaceName + " architecture ("
                        + e.getMessage() + ")");
            }
            if (space instanceof Nb201Space nb && a instanceof dev.halo.space.Nb201Arch n && nb.index(n) != i)
                throw new BadInputException(file + ": '" + Texts.shown(text) + "' has index " + i + ", but it is NAS-Bench-201 architecture "
                        + nb.index(n) + " (swapped or shifted indices)");
            Integer before = seen.putIfAbsent(a.canonical(), i);
            if (before != null)
                throw new BadInputException(file + ": indices " + before + " and " + i + " are the same architecture " + a.canonical());
        }
    }

    static void references(Path file, int[] reference) {
        if (reference.length != REFERENCE_COUNT)
            throw new BadInputException(file + ": " + reference.length + " reference architectures; HELP's hardware embedding has exactly "
                    + REFERENCE_COUNT);
        Map<Integer, Integer> seen = new HashMap<>();
        for (int p = 0; p < reference.length; p++) {
            Integer before = seen.putIfAbsent(reference[p], p);
            if (before != null)
                throw new BadInputException(file + ": positions " + before + " and " + p + " are both arch index " + reference[p]
                        + " (duplicate reference)");
        }
    }
}
