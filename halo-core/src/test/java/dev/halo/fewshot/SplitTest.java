package dev.halo.fewshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void helpDefaultsMatchHelpsScripts() {
        Split nb = Split.helpDefault("nasbench201");
        assertThat(nb.train()).hasSize(9).contains("1080ti_256", "pixel3");
        assertThat(nb.valid()).containsExactly("titanx_1", "titanx_32", "titanx_256", "gold_6240");
        assertThat(nb.test()).containsExactly("titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss");
        assertThat(Split.helpDefault("fbnet").test()).containsExactly("fpga", "raspi4", "eyeriss");
        assertThat(Split.helpDefault("ofa").test()).containsExactly("titan_rtx_64");
        assertThatThrownBy(() -> Split.helpDefault("darts")).isInstanceOf(BadInputException.class).hasMessageContaining("nasbench201");
    }

    @Test
    void unknownDevicesAreListedWithTheKnownOnes() {
        var split = new Split(List.of("a"), List.of(), List.of("zz", "yy"));
        assertThatThrownBy(() -> split.validate(List.of("a", "b")))
                .isInstanceOf(BadInputException.class)
                .hasMessage("unknown devices zz,yy; known: a,b");
    }

    @Test
    void aDeviceMayHaveOneRoleOnly() {
        var split = new Split(List.of("a", "b"), List.of(), List.of("b"));
        assertThatThrownBy(() -> split.validate(List.of("a", "b")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("device b is listed as train and as test");
        assertThatThrownBy(() -> new Split(List.of(), List.of(), List.of()).validate(List.of("a")))
                .hasMessageContaining("no test device");
    }

    @Test
    void listsParseWithBlanksDropped() {
        assertThat(Split.parseList(" a, b,,c ")).containsExactly("a", "b", "c");
        assertThat(Split.parseList(null)).isEmpty();
    }
}
