package dev.halo.app.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptTest {
    @TempDir Path dir;

    /** Twenty NB201 archs whose latency is 1 ms plus their MFLOPs / 100: exactly additive in the operation counts' work. */
    private Path samples() throws IOException {
        Nb201Space space = new Nb201Space();
        SplittableRandom rng = new SplittableRandom(7);
        List<String> lines = new ArrayList<>(List.of("arch,latency_ms"));
        for (int i = 0; i < 20; i++) {
            Nb201Arch a = space.sample(rng);
            lines.add(a.canonical() + "," + String.format(Locale.ROOT, "%.6f", 1 + space.mflops(a) / 100));
        }
        return Files.write(dir.resolve("s.csv"), lines);
    }

    @Test
    void autoFitsOpCostsOnNb201AndSaysWhy() throws IOException {
        Adapt.Result r = Adapt.run(new Adapt.Request(null, null, "box", samples(), dir.resolve("box.json"), null, null, 0, 0));
        assertThat(r.method()).isEqualTo("op-costs");
        assertThat(r.why()).startsWith("auto chose op-costs: ").contains("nasbench201");
        assertThat(r.costs().samples()).isEqualTo(20);
        assertThat(r.costs().spearmanLoo()).isGreaterThan(0.9);
        assertThat(r.help()).isNull();
        assertThat(dir.resolve("box.json")).exists();
    }

    @Test
    void theAdaptedFilePredictsAnyArchWithAnInterval() throws IOException {
        Path model = dir.resolve("box.json");
        Adapt.run(new Adapt.Request("op-costs", null, "box", samples(), model, null, null, 0, 0));
        Predict.Loaded loaded = Predict.load(model, Predict.Interval.loo, 0.8);
        assertThat(loaded.device()).isEqualTo("box");
        List<? extends dev.halo.space.Architecture> archs = Predict.archs(loaded.space(), false, null,
                List.of("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"));
        var p = loaded.predict().apply(archs)[0];
        assertThat(p.lowerMs()).isLessThanOrEqualTo(p.ms());
        assertThat(p.upperMs()).isGreaterThanOrEqualTo(p.ms());
        assertThatThrownBy(() -> Predict.load(model, Predict.Interval.mc, 0.8)).isInstanceOf(BadInputException.class).hasMessageContaining("no Monte-Carlo draws");
        assertThatThrownBy(() -> Predict.load(model, Predict.Interval.loo, 1.5)).isInstanceOf(BadInputException.class).hasMessageContaining("--level");
        assertThatThrownBy(() -> Predict.archs(loaded.space(), false, null, List.of("nonsense"))).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("argument 1: ");
    }

    @Test
    void methodsThatNeedOtherDevicesAreRefusedByName() throws IOException {
        Path s = samples();
        assertThatThrownBy(() -> Adapt.run(new Adapt.Request("device-mix", null, "box", s, dir.resolve("o.json"), null, null, 0, 0)))
                .isInstanceOf(BadInputException.class).hasMessage("--method: 'device-mix' cannot adapt to one device's samples; known: auto, help, op-costs");
        assertThatThrownBy(() -> Adapt.run(new Adapt.Request("op-costs", Path.of("m.json"), "box", s, dir.resolve("o.json"), null, null, 0, 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("takes no --model");
        assertThatThrownBy(() -> new Adapt.Request(null, null, " ", s, dir.resolve("o.json"), null, null, 0, 0))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--device");
    }
}
