package dev.halo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.predict.auto.AutoMethod;
import dev.halo.space.Nb201Space;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodsTest {
    @Test
    void noNameMeansAuto() {
        assertThat(Methods.resolve(null, List.of(), new Nb201Space())).isInstanceOf(AutoMethod.class);
        assertThat(Methods.resolve("op-costs", null, new Nb201Space()).name()).isEqualTo("op-costs");
    }

    @Test
    void aNameAndModelFilesTogetherAreRefused() {
        assertThatThrownBy(() -> Methods.resolve("op-costs", List.of(Path.of("m.json")), new Nb201Space()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> Methods.resolve(null, List.of(Path.of("does-not-exist.json")), new Nb201Space()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void theListShowsDocumentedNamesOrTheExperimentalOnesWithTheirPrefix() {
        assertThat(Methods.names(false)).startsWith("auto", "op-costs", "op-costs-dead-code", "help").hasSize(8);
        assertThat(Methods.names(true)).isNotEmpty().allMatch(n -> n.startsWith("experimental:")).contains("experimental:mix-src-loo-long+op-costs");
    }
}
