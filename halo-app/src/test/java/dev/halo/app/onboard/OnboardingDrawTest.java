package dev.halo.app.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.space.Architecture;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.space.Nb201Space.CellKind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OnboardingDrawTest {
    private static final Nb201Space NB201 = new Nb201Space();

    private static Map<CellKind, Long> kinds(List<Architecture> archs) {
        return archs.stream().collect(Collectors.groupingBy(a -> Nb201Space.cellKind((Nb201Arch) a), Collectors.counting()));
    }

    @Test
    void strataAreProportionalWithEveryKindSeenAndSumToValidate() {
        Map<CellKind, Integer> counts = Onboarding.kindCounts();
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(Nb201Space.SIZE);
        double kept = Onboarding.VALIDATED_KINDS.stream().mapToInt(counts::get).sum();
        for (int validate : new int[] {3, 8, 30, 100, 101, 500}) {
            Map<CellKind, Integer> alloc = Onboarding.validationStrata(validate);
            assertThat(alloc.values().stream().mapToInt(Integer::intValue).sum()).as("validate %d", validate).isEqualTo(validate);
            assertThat(alloc).doesNotContainKey(CellKind.DISCONNECTED);
            for (CellKind k : Onboarding.VALIDATED_KINDS) {
                assertThat(alloc.get(k)).as("%s of %d", k, validate).isGreaterThanOrEqualTo(Math.min(Onboarding.MIN_PER_KIND, validate / 8));
                // within the floor's shift of the proportional share
                assertThat((double) alloc.get(k)).as("%s of %d", k, validate)
                        .isCloseTo(validate * counts.get(k) / kept, org.assertj.core.data.Offset.offset(1.0 + 4 * Math.min(Onboarding.MIN_PER_KIND, validate / 8)));
            }
        }
        assertThat(Onboarding.validationStrata(100)).isEqualTo(Onboarding.validationStrata(100));
    }

    @Test
    void nb201ValidationIsStratifiedDeterministicDisjointAndLeavesTheSamplesAlone() {
        List<String> refs = HelpReferenceArchs.NASBENCH201;
        for (boolean designed : new boolean[] {false, true}) {
            Onboarding.Draw d100 = Onboarding.draw(NB201, refs, 10, 100, 3, designed);
            Onboarding.Draw d30 = Onboarding.draw(NB201, refs, 10, 30, 3, designed);
            assertThat(d30.samples()).as("designed %s: --validate never changes the samples", designed).isEqualTo(d100.samples());
            assertThat(Onboarding.draw(NB201, refs, 10, 100, 3, designed)).isEqualTo(d100);
            assertThat(d100.validation()).hasSize(100);
            Map<CellKind, Long> got = kinds(d100.validation());
            Map<CellKind, Integer> want = Onboarding.validationStrata(100);
            for (CellKind k : Onboarding.VALIDATED_KINDS) assertThat(got.get(k)).as("%s", k).isEqualTo((long) want.get(k)).isGreaterThanOrEqualTo(5);
            assertThat(got).doesNotContainKey(CellKind.DISCONNECTED);
            Set<String> seen = new HashSet<>();
            for (List<Architecture> l : List.of(d100.references(), d100.samples(), d100.validation()))
                for (Architecture a : l) assertThat(seen.add(a.canonical())).as("%s drawn twice", a.canonical()).isTrue();
        }
        assertThat(Onboarding.draw(NB201, refs, 10, 100, 3, true).validation())
                .as("the same validation archs with and without the op-costs design").isEqualTo(Onboarding.draw(NB201, refs, 10, 100, 3, false).validation());
        // a validation too large for a stratum is refused, not drawn forever
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Onboarding.draw(NB201, refs, 10, 15000, 3, false))
                .isInstanceOf(dev.halo.BadInputException.class).hasMessageContaining("--validate 15000: needs");
        assertThat(Onboarding.draw(NB201, refs, 10, 100, 4, false).validation()).isNotEqualTo(Onboarding.draw(NB201, refs, 10, 100, 3, false).validation());
    }

    @Test
    void fbnetDrawsPlainRandomDisjointArchsAroundItsBuiltInReferences() {
        FbnetSpace space = new FbnetSpace();
        Onboarding.Draw d = Onboarding.draw(space, HelpReferenceArchs.FBNET, 4, 20, 1, true);
        assertThat(d.references()).hasSize(10);
        assertThat(d.samples()).hasSize(4);
        assertThat(d.validation()).hasSize(20);
        assertThat(Onboarding.draw(space, HelpReferenceArchs.FBNET, 4, 50, 1, true).samples()).isEqualTo(d.samples());
        Set<String> seen = new HashSet<>();
        for (List<Architecture> l : List.of(d.references(), d.samples(), d.validation()))
            for (Architecture a : l) assertThat(seen.add(a.canonical())).isTrue();
    }
}
