package dev.halo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the shared reference data (HELP latency tables, checkpoints, NAS-Bench-201 accuracies) lives.
 * In this order: system property {@code halo.data}; environment variable {@code HALO_DATA}; {@code ../shared/data}
 * next to the installation named by {@code HALO_HOME} (the {@code ./halo} launcher exports it); {@code ../shared/data}
 * next to the repository this code was built in (found from the location of halo's classes, for tests and
 * {@code java -jar}). Never the working directory: the answer must not change with the folder halo is started from.
 */
public final class DataLocation {
    public static final String PROPERTY = "halo.data";
    public static final String ENV = "HALO_DATA";
    public static final String HOME_ENV = "HALO_HOME";

    private DataLocation() {}

    /** The shared data root if it exists. */
    public static Optional<Path> find() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).toAbsolutePath().normalize();
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        return installation().map(root -> root.resolveSibling("shared").resolve("data").normalize()).filter(Files::isDirectory);
    }

    /** The halo installation or repository root: {@code HALO_HOME}, else found upwards from the location of halo's classes. */
    static Optional<Path> installation() {
        String home = System.getenv(HOME_ENV);
        if (home != null && !home.isBlank()) return Optional.of(Path.of(home).toAbsolutePath().normalize());
        try {
            Path code = Path.of(DataLocation.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path dir = code; dir != null; dir = dir.getParent())
                if (Files.isRegularFile(dir.resolve("halo")) && Files.isRegularFile(dir.resolve("pom.xml"))) return Optional.of(dir);
        } catch (Exception e) {
            // no code source (e.g. a custom class loader): only the explicit settings apply
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
                + "nasbench201-accuracy/ (default: ../shared/data next to the halo installation, " + installation().map(Path::toString).orElse("not found") + ")";
    }
}
