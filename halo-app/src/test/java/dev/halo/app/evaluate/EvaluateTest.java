package dev.halo.app.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.app.Cancelled;
import dev.halo.app.Listener;
import dev.halo.eval.EvaluationReport;
import dev.halo.fewshot.Split;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EvaluateTest {
    @Test
    void requestsAreCheckedBeforeAnyWork() {
        assertThatThrownBy(() -> Evaluate.Request.of("nasbench201", "flops", 0, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("--samples");
        assertThatThrownBy(() -> Evaluate.Request.of("nasbench201", "flops", 10, 0)).isInstanceOf(BadInputException.class).hasMessageContaining("--seeds");
        assertThatThrownBy(() -> new Evaluate.Request("nasbench201", null, null, List.of(Path.of("m.pt")), null, null, null, null, 10, 1, "random", false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--references none");
    }

    @Test
    void theSplitIsHelpsUnlessDeviceListsAreGiven() {
        assertThat(Evaluate.split(Evaluate.Request.of("fbnet", null, 10, 1))).isEqualTo(Split.helpDefault("fbnet"));
        var custom = new Evaluate.Request("fbnet", null, null, null, null, "a,b", "c", "d", 10, 1, "random", true);
        assertThat(Evaluate.split(custom)).isEqualTo(new Split(List.of("a", "b"), List.of("c"), List.of("d")));
        var both = new Evaluate.Request("fbnet", null, null, null, "help", "a", null, "d", 10, 1, "random", true);
        assertThatThrownBy(() -> Evaluate.split(both)).isInstanceOf(BadInputException.class).hasMessageContaining("not both");
        var noTest = new Evaluate.Request("fbnet", null, null, null, null, "a", null, null, 10, 1, "random", true);
        assertThatThrownBy(() -> Evaluate.split(noTest)).isInstanceOf(BadInputException.class).hasMessageContaining("--test-devices");
    }

    @Test
    void scoresEveryTestDeviceAndReportsProgressPerTask() {
        Path data = SharedData.path("help/nasbench201");
        AtomicLong last = new AtomicLong(), total = new AtomicLong();
        var request = new Evaluate.Request("nasbench201", data, "flops", null, null, null, null, null, 10, 1, "random", true);
        EvaluationReport report = Evaluate.run(request, new Listener() {
            @Override
            public void progress(String stage, long done, long all, String detail) {
                last.set(done);
                total.set(all);
            }
        });
        assertThat(report.method()).isEqualTo("flops");
        assertThat(report.devices()).hasSize(Split.helpDefault("nasbench201").test().size());
        assertThat(last.get()).isEqualTo(total.get()).isEqualTo(report.devices().size());
    }

    @Test
    void aCancelledEvaluationStops() {
        Path data = SharedData.path("help/nasbench201");
        var request = new Evaluate.Request("nasbench201", data, "flops", null, null, null, null, null, 10, 2, "random", true);
        assertThatThrownBy(() -> Evaluate.run(request, new Listener() {
            @Override
            public boolean cancelled() {
                return true;
            }
        })).isInstanceOf(Cancelled.class);
    }
}
