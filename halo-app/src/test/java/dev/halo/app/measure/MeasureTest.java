package dev.halo.app.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.measure.MeasureSettings;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureTest {
    @TempDir Path dir;

    static final Nb201Space SPACE = new Nb201Space();

    @Test
    void badRequestsAreRefusedBeforeMeasuring() {
        List<Architecture> archs = List.of(SPACE.sample(new SplittableRandom(1)));
        assertThatThrownBy(() -> new Measure.Request(SPACE, archs, MeasureSettings.defaults(), 0, 0, dir.resolve("m.db"), null, false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--rounds");
        assertThatThrownBy(() -> new Measure.Request(SPACE, archs, MeasureSettings.defaults(), 1, 0, dir.resolve("m.db"), dir.resolve("no/such/out.csv"), false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not writable");
    }

    /** A caller that cancels before the first architecture gets a stopped campaign and an empty store, not an exception. */
    @Test
    void aCancelledMeasurementStopsBeforeTimingAnything() {
        List<Architecture> archs = List.of(SPACE.sample(new SplittableRandom(1)), SPACE.sample(new SplittableRandom(2)));
        var request = new Measure.Request(SPACE, archs, MeasureSettings.defaults(), 2, 0, dir.resolve("m.db"), dir.resolve("m.csv"), false);
        Measure.Result r = Measure.run(request, new Listener() {
            @Override
            public boolean cancelled() {
                return true;
            }
        });
        assertThat(r.summary().stopped()).isTrue();
        assertThat(r.summary().measured()).isZero();
        assertThat(r.summary().total()).isEqualTo(4);
        assertThat(r.measuredRows()).isZero();
        assertThat(dir.resolve("m.csv")).exists();
    }
}
