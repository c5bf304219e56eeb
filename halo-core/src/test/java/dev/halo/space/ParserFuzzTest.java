package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Every parser either returns an architecture or throws BadInputException, whatever it is fed. */
class ParserFuzzTest {

    @Property(tries = 300)
    void randomStrings(@ForAll String text) {
        for (SearchSpace<?> space : Spaces.all()) parsesOrRejectsCleanly(space, text);
    }

    @Property(tries = 300)
    void randomBytes(@ForAll byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (SearchSpace<?> space : Spaces.all()) parsesOrRejectsCleanly(space, text);
    }

    @Property(tries = 500)
    void nearMissesBuiltFromValidFragments(@ForAll("fragments") String text) {
        for (SearchSpace<?> space : Spaces.all()) parsesOrRejectsCleanly(space, text);
    }

    @Provide
    Arbitrary<String> fragments() {
        Arbitrary<String> piece = Arbitraries.of(
                "|", "+", "~", "~0", "~1", "~2", "~3", "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3",
                "k3_e1", "k5_e6", "skip", ",", " ", "r", "r128", "r224", "_d", "_ks", "_e", "2", "3", "4", "5", "6", "7", "8",
                "9", "0", "12345", "22223", "-", "\u00e9", "\n", "99999999999999999999", "{", "}", "[", "]", "\"r\":",
                "\"ks\":", "\"e\":", "\"d\":", "null", "4294967424", "3.0", "\"");
        return piece.list().ofMinSize(0).ofMaxSize(30).map(l -> String.join("", l));
    }

    private static void parsesOrRejectsCleanly(SearchSpace<?> space, String text) {
        try {
            Architecture a = space.parse(text);
            assertThat(space.parse(a.canonical())).isEqualTo(a);
        } catch (BadInputException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void nullIsRejectedCleanly() {
        for (SearchSpace<?> space : Spaces.all()) assertThatThrownBy(() -> space.parse(null)).isInstanceOf(BadInputException.class);
    }

    @Test
    void registryListsKnownNames() {
        assertThat(Spaces.byName("NASBench201")).isInstanceOf(Nb201Space.class);
        assertThatThrownBy(() -> Spaces.byName("darts"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("nasbench201, fbnet, ofa");
    }
}
