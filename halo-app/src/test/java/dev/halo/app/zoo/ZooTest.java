package dev.halo.app.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.measure.MeasureSettings;
import dev.halo.onnx.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zoo use cases as plain values: what the zoo commands print, without measuring anything. */
class ZooTest {
    @TempDir Path dir;

    private static final String TINY = "resnet:block=basic:depth=1-1:width=8-16:res=32";

    @Test
    void familiesAreTheZoosWithTheirPresets() {
        List<Zoo.Family> families = Zoo.families();
        assertThat(families).extracting(Zoo.Family::name).containsExactlyElementsOf(ModelZoo.families().stream().map(f -> f.name()).toList());
        assertThat(families).filteredOn(f -> f.name().equals("resnet")).singleElement().satisfies(f -> assertThat(f.presets()).contains("resnet50"));
    }

    @Test
    void sampleIsTheCsvOfDistinctReproducibleModels() {
        List<String> lines = Zoo.sample("resnet", 5, 7);
        assertThat(lines.getFirst()).isEqualTo("spec,family,resolution,params,macs");
        assertThat(lines).hasSize(6).doesNotHaveDuplicates();
        assertThat(Zoo.sample("resnet", 5, 7)).isEqualTo(lines);
    }

    @Test
    void exportNamesEachFileWithItsCanonicalSpec() {
        List<Zoo.Exported> files = Zoo.export(List.of(TINY), dir, 1, 0);
        assertThat(files).singleElement().satisfies(e -> {
            assertThat(e.spec()).isEqualTo(ModelZoo.parse(TINY).canonical());
            assertThat(e.file()).exists();
            assertThat(e.params()).isPositive();
            assertThat(e.macs()).isPositive();
            assertThat(e.sha256()).matches("[0-9a-f]{64}");
        });
    }

    @Test
    void badRequestsAreRefusedBeforeMeasuring() {
        MeasureSettings s = MeasureSettings.defaults();
        assertThatThrownBy(() -> new ZooMeasure.Request(null, null, "all", s, 1, 0, dir.resolve("z.db"), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("exactly one of --specs FILE, --sample N");
        assertThatThrownBy(() -> new ZooMeasure.Request(dir.resolve("s.txt"), 3, "all", s, 1, 0, dir.resolve("z.db"), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new ZooMeasure.Request(null, 3, "all", s, 0, 0, dir.resolve("z.db"), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--rounds");
    }

    /** A caller that cancels before the first model gets a stopped campaign and the (empty) table, not an exception. */
    @Test
    void aCancelledMeasurementStopsBeforeTimingAnything() throws Exception {
        Path specs = Files.writeString(dir.resolve("specs.txt"), TINY + "\n");
        var request = new ZooMeasure.Request(specs, null, "all", MeasureSettings.defaults(), 2, 0, dir.resolve("z.db"), dir);
        ZooMeasure.Result r = ZooMeasure.run(request, new Listener() {
            @Override
            public boolean cancelled() {
                return true;
            }
        });
        assertThat(r.summary().stopped()).isTrue();
        assertThat(r.summary().measured()).isZero();
        assertThat(r.summary().total()).isEqualTo(2);
        assertThat(r.table()).exists().hasFileName("zoo-" + r.fingerprint().id() + ".csv");
        assertThat(Files.readAllLines(r.table())).hasSize(2);
    }
}
