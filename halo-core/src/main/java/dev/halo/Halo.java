package dev.halo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Facts about this build of halo that go into every provenance record. */
public final class Halo {
    private Halo() {}

    /** The Maven project version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        try (InputStream in = Halo.class.getResourceAsStream("halo-version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
