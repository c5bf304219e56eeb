package dev.halo.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyBudgetTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"11ms;11", "11 ms;11", "0.011s;11", "0.011 s;11", "11;11", "11.5;11.5", "500us;0.5", "500 µs;0.5", "1e1ms;10", " 7MS ;7"})
    void parsesUnits(String text, double ms) {
        assertThat(LatencyBudget.parseMs(text, "--max-latency")).isCloseTo(ms, within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0ms", "-3ms", "fast", "11 min", "", "ms"})
    void rejectsNonPositiveOrUnknown(String text) {
        assertThatThrownBy(() -> LatencyBudget.parseMs(text, "--max-latency"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--max-latency: ");
    }
}
