package dev.halo.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.Nb201Graph;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetaTestTest {
    @Test
    void badCountsAreRefused() {
        assertThatThrownBy(() -> new MetaTest.Request("nasbench201", null, null, "", Nb201Graph.Wiring.HELP, null, 0, 10, 0, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--seeds");
        assertThatThrownBy(() -> new MetaTest.Request("nasbench201", null, null, "", Nb201Graph.Wiring.HELP, null, 1, 10, 0, -1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--inner-steps");
    }

    /** HELP's released NB201 checkpoint ranks a test device well above chance: the anchor the command prints. */
    @Test
    void theReleasedCheckpointScoresAHelpTestDevice() {
        Path data = SharedData.path("help/nasbench201");
        MetaTest.Result r = MetaTest.run(new MetaTest.Request("nasbench201", data, null, "", Nb201Graph.Wiring.HELP, List.of("titan_rtx_256"), 1, 10, 0, null));
        assertThat(r.devices()).singleElement().satisfies(d -> {
            assertThat(d.device()).isEqualTo("titan_rtx_256");
            assertThat(d.spearman()).isGreaterThan(0.8);
        });
        assertThat(r.meanSpearman()).isEqualTo(r.devices().get(0).spearman());
    }
}
