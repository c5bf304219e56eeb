package dev.halo.app.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.app.Cancelled;
import dev.halo.app.Listener;
import dev.halo.search.SearchResult;
import dev.halo.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search use case tells its listener how far it is, at a pace a server can send on, and stops when the listener asks. */
class SearchSetupListenerTest {
    /** A search of NAS-Bench-201 on a HELP device's measured column, accuracy by the MFLOPs proxy. */
    static SearchRequest request(int budget) {
        return new SearchRequest("nasbench201", SharedData.path("help/nasbench201"), null, null, List.of("titan_rtx_256"), List.of(), "0",
                "bound:0.9", "samples", "0", null, null, 10, null, null, "cifar100", "mflops", budget, 1);
    }

    record Step(String stage, long done, long total) {}

    /** Records every progress; cancelled once {@code cancelAfter} progress calls were made (never when negative). */
    static final class Recording implements Listener {
        final List<Step> steps = new ArrayList<>();
        final int cancelAfter;

        Recording(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void progress(String stage, long done, long total, String detail) {
            steps.add(new Step(stage, done, total));
        }

        @Override
        public boolean cancelled() {
            return cancelAfter >= 0 && steps.size() >= cancelAfter;
        }
    }

    @Test
    void progressCountsTheArchitecturesScoredAboutOncePerCentAndEndsDone() {
        Recording listener = new Recording(-1);
        SearchResult<?> r = SearchSetup.run(request(3000), "random", listener);
        assertThat(r.evaluations()).isEqualTo(3000);
        assertThat(listener.steps).extracting(Step::stage).containsOnly(SearchSetup.STAGE);
        assertThat(listener.steps).extracting(Step::done).isSortedAccordingTo(Long::compare);
        assertThat(listener.steps.getLast()).isEqualTo(new Step(SearchSetup.STAGE, 3000, 3000));
        // random search scores in batches of 256: a dozen reports, not one per architecture
        assertThat(listener.steps).hasSizeBetween(5, 102);
    }

    @Test
    void aCancelledListenerStopsTheSearchAtItsNextStep() {
        Recording afterTwo = new Recording(2);
        assertThatThrownBy(() -> SearchSetup.run(request(100_000), "evolution", afterTwo)).isInstanceOf(Cancelled.class);
        assertThat(afterTwo.steps).hasSize(2);
        assertThat(afterTwo.steps.getLast().done()).isLessThan(100_000);

        Recording before = new Recording(0);
        assertThatThrownBy(() -> SearchSetup.run(request(1000), "exhaustive", before)).isInstanceOf(Cancelled.class);
        assertThat(before.steps).as("no step of a search cancelled before it began").isEmpty();
    }
}
