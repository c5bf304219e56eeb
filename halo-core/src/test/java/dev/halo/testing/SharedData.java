package dev.halo.testing;

import dev.halo.DataLocation;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Test access to the shared reference data. Missing data skips the test with a loud reason on a
 * developer's machine, but fails it under CI (CI=true), where the data is always present.
 */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        var found = DataLocation.find();
        if (found.isEmpty()) {
            String reason = "SKIPPED: " + DataLocation.describeMissing();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("CI has no shared data: " + reason);
            System.err.println("[halo-test] " + reason);
            Assumptions.abort(reason);
        }
        return found.get();
    }

    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!p.toFile().exists()) {
            String reason = "SKIPPED: shared data lacks " + p;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(reason);
            System.err.println("[halo-test] " + reason);
            Assumptions.abort(reason);
        }
        return p;
    }
}
