package dev.halo.predict.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import org.junit.jupiter.api.Test;

class FewShotMethodsTest {
    @Test
    void usersChooseFromAHandfulOfDocumentedMethodsWithAutoFirst() {
        assertThat(FewShotMethods.documented().keySet())
                .containsExactly("auto", "op-costs", "op-costs-dead-code", "help", "device-mix", "flops", "params", "nearest-device");
        assertThat(FewShotMethods.DEFAULT).isEqualTo("auto");
        FewShotMethods.documented().forEach((name, make) -> assertThat(make.get().name()).isEqualTo(name));
    }

    @Test
    void everyOtherVariantNeedsTheExperimentalPrefixAndKeepsItsOldName() {
        assertThat(FewShotMethods.experimental()).containsKeys("mix-src-loo-long+op-costs", "mix-loo", "supervised-mlp")
                .doesNotContainKeys("op-costs", "op-costs-dead-code", "auto", "help", "device-mix");
        // promoted in session 13; its name while it was judged still runs the commands in beyond.md
        assertThat(FewShotMethods.byName("experimental:op-costs-dce-probe-required").name()).isEqualTo("op-costs-dead-code");
        assertThat(FewShotMethods.byName("experimental:mix-src-loo-long+op-costs").name()).isEqualTo("mix-src-loo-long+op-costs");
        assertThatThrownBy(() -> FewShotMethods.byName("mix-src-loo-long+op-costs")).isInstanceOf(BadInputException.class)
                .hasMessage("method 'mix-src-loo-long+op-costs' is experimental now; use --method experimental:mix-src-loo-long+op-costs");
        assertThatThrownBy(() -> FewShotMethods.byName("experimental:nope")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--list-methods --experimental");
        assertThatThrownBy(() -> FewShotMethods.byName("nope")).isInstanceOf(BadInputException.class)
                .hasMessage("unknown method 'nope'; known: auto, op-costs, op-costs-dead-code, help, device-mix, flops, params, nearest-device");
    }
}
