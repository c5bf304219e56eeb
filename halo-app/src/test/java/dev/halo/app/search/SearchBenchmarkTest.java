package dev.halo.app.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchBenchmarkTest {
    @Test
    void withoutBudgetsTheCasesAreHelpsTable4() {
        Map<String, List<Double>> cases = SearchBenchmark.cases(List.of());
        assertThat(cases.keySet()).containsExactly("titan_rtx_256", "gold_6226", "pixel2", "eyeriss", "fpga");
        assertThat(cases.get("gold_6226")).containsExactly(8.0, 11.0, 14.0);
    }

    @Test
    void budgetsTakeUnitsAndAreAddedInOrder() {
        Map<String, List<Double>> cases = SearchBenchmark.cases(List.of("pixel2=0.014s,18ms", "fpga=5"));
        assertThat(cases.keySet()).containsExactly("pixel2", "fpga");
        assertThat(cases.get("pixel2")).containsExactly(14.0, 18.0);
        assertThatThrownBy(() -> SearchBenchmark.cases(List.of("pixel2"))).isInstanceOf(BadInputException.class).hasMessageContaining("DEVICE=B1,B2");
    }

    @Test
    void badRequestsAreRefusedBeforeAnyData() {
        assertThatThrownBy(() -> request(0, List.of(), List.of())).isInstanceOf(BadInputException.class).hasMessageContaining("--seeds");
        assertThatThrownBy(() -> request(1, List.of(-0.5), List.of())).isInstanceOf(BadInputException.class).hasMessageContaining("--accuracy-tolerance");
        assertThatThrownBy(() -> request(1, List.of(), List.of(-1))).isInstanceOf(BadInputException.class).hasMessageContaining("--measure");
    }

    private static SearchBenchmark.Request request(int seeds, List<Double> tolerances, List<Integer> measurements) {
        return new SearchBenchmark.Request("nasbench201", null, null, "cifar100", null, null, List.of(), 10, seeds, List.of(), tolerances, measurements, "samples");
    }
}
