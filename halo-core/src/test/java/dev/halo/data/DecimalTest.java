package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The fast decimal path gives exactly Double.parseDouble's value, or declines (NaN). */
class DecimalTest {

    @Property(tries = 2000)
    void agreesWithParseDouble(@ForAll @LongRange(min = 0, max = 999_999_999_999_999L) long mantissa,
                               @ForAll @IntRange(min = 0, max = 25) int scale, @ForAll boolean negative) {
        String s = (negative ? "-" : "") + BigDecimal.valueOf(mantissa, scale).toPlainString();
        double fast = Decimal.parse(s, 0, s.length());
        if (!Double.isNaN(fast)) assertThat(fast).as(s).isEqualTo(Double.parseDouble(s));
    }

    @Property(tries = 2000)
    void agreesOnFloatTexts(@ForAll float f) {
        if (!Float.isFinite(f)) return;
        String s = new BigDecimal(Float.toString(f)).toPlainString();
        double fast = Decimal.parse(s, 0, s.length());
        if (!Double.isNaN(fast)) assertThat(fast).as(s).isEqualTo(Double.parseDouble(s));
    }

    @Test
    void declinesWhatItCannotDoExactly() {
        assertThat(Decimal.parse("10.481976820010459", 0, 18)).isNaN();
        assertThat(Decimal.parse("1e5", 0, 3)).isNaN();
        assertThat(Decimal.parse("NaN", 0, 3)).isNaN();
        assertThat(Decimal.parse("", 0, 0)).isNaN();
        assertThat(Decimal.parse("-", 0, 1)).isNaN();
        assertThat(Decimal.parse("1.2.3", 0, 5)).isNaN();
        assertThat(Decimal.parse("x10.754371x", 1, 10)).isEqualTo(10.754371);
        assertThat(Decimal.parse("0.003277", 0, 8)).isEqualTo(0.003277);
    }
}
