package dev.halo.cli.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.DataLocation;
import dev.halo.cli.HaloCommand;
import dev.halo.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default data folder is the one next to the installation, whatever folder halo is started from. A checkout
 * that has the shared data beside it (CI's layout) is found from halo's own classes; a checkout cloned elsewhere, or
 * halo-core's classes taken from the local Maven repository, get an installation folder named by {@code HALO_HOME}
 * (as the launcher exports it) with the real data linked beside it.
 */
class DataFolderTest {
    @TempDir Path dir;

    @Test
    void startedFromAnotherFolderUnderADecoyItStillReadsTheSharedData() throws Exception {
        Path real = SharedData.path("help/nasbench201");
        assertThat(DataLocation.find()).contains(real.getParent().getParent());
        // a decoy shared/data above the working directory, with a dataset that would not even load
        Path decoy = Files.createDirectories(dir.resolve("shared/data/help/nasbench201"));
        Files.writeString(decoy.resolve("latency.csv"), "not,a,dataset\n");
        Path wd = Files.createDirectories(dir.resolve("work/sub"));
        Path checkout = Path.of("").toAbsolutePath().getParent();
        String home = null;
        Path coreClasses = Path.of(DataLocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!coreClasses.startsWith(checkout) || !Files.isDirectory(checkout.resolveSibling("shared").resolve("data"))) {
            Path install = Files.createDirectories(dir.resolve("install/halo"));
            Files.createSymbolicLink(Files.createDirectories(dir.resolve("install/shared")).resolve("data"), real.getParent().getParent());
            home = install.toString();
        }
        for (Path cwd : List.of(wd, dir)) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), HaloCommand.class.getName(),
                    "data", "devices", "--space", "nasbench201"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
            pb.environment().remove("HALO_DATA");
            pb.environment().remove("HALO_HOME");
            if (home != null) pb.environment().put("HALO_HOME", home);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).as("from " + cwd).contains(home == null ? real.toString() : dir.resolve("install/shared/data/help/nasbench201").toString()).contains("gold_6226").doesNotContain(decoy.toString());
        }
    }
}
