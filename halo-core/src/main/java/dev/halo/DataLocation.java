package dev.halo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the shared reference data (HELP latency tables, checkpoints, NAS-Bench-201 accuracies) lives.
 * One setting: system property {@code halo.data}, else environment variable {@code HALO_DATA}, else the
 * first {@code shared/data} found beside the working directory or one of its parents (the repository
 * sits next to {@code shared/} on a developer's and CI's machine).
 */
public final class DataLocation {
    public static final String PROPERTY = "halo.data";
    public static final String ENV = "HALO_DATA";

    private DataLocation() {}

    /** The shared data root if it exists. */
    public static Optional<Path> find() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).toAbsolutePath().normalize();
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data");
            if (dir.getParent() != null && Files.isDirectory(candidate)) return Optional.of(candidate.normalize());
            Path inside = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(inside)) return Optional.of(inside.normalize());
        }
        return Optional.empty();
    }

    /** The shared data root, or a {@link BadInputException} that says how to point halo at it. */
    public static Path require() {
        return find().orElseThrow(() -> new BadInputException(describeMissing()));
    }

    /** A shared sub-folder such as {@code help/nasbench201}, or a clear error if absent. */
    public static Path require(String relative) {
        Path p = require().resolve(relative);
        if (!Files.exists(p)) throw new BadInputException("shared data has no " + relative + " under " + require());
        return p;
    }

    public static String describeMissing() {
        return "shared data not found: set -D" + PROPERTY + "=DIR or " + ENV + "=DIR to the folder holding help/ and "
                + "nasbench201-accuracy/ (default: ../shared/data next to the repository)";
    }
}
