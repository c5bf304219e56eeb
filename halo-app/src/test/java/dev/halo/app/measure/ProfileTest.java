package dev.halo.app.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.app.Cancelled;
import dev.halo.app.Listener;
import dev.halo.measure.MeasureSettings;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProfileTest {
    static final Nb201Space SPACE = new Nb201Space();
    static final List<Architecture> ONE = List.of(SPACE.sample(new SplittableRandom(3)));

    @Test
    void profilesOperatorsAndStopsWhenCancelled() {
        Profile.Result r = Profile.run(new Profile.Request(SPACE, ONE, MeasureSettings.defaults(), 2, 0, null, null), Listener.NONE);
        assertThat(r.msByOpType()).isNotEmpty().containsKey("Conv");
        assertThat(r.signaturesByOpType().keySet()).isEqualTo(r.msByOpType().keySet());
        assertThat(r.scored()).isZero();
        assertThat(r.spearmanVsMeasured()).isNaN();
        assertThatThrownBy(() -> Profile.run(new Profile.Request(SPACE, ONE, MeasureSettings.defaults(), 2, 0, null, null), new Listener() {
            @Override
            public boolean cancelled() {
                return true;
            }
        })).isInstanceOf(Cancelled.class);
    }

    @Test
    void runsMustBePositive() {
        assertThatThrownBy(() -> new Profile.Request(SPACE, ONE, MeasureSettings.defaults(), 0, 0, null, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--runs");
    }
}
