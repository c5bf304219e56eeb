package dev.halo.predict.ensemble;

import dev.halo.eval.FewShotMethod;
import dev.halo.eval.FewShotMethods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Registers this package's methods for {@code halo evaluate --method NAME} (a Java service). */
public final class EnsembleMethods implements FewShotMethods.Provider {
    @Override
    public Map<String, Supplier<FewShotMethod>> methods() {
        Map<String, Supplier<FewShotMethod>> m = new LinkedHashMap<>();
        m.put("mix-log", FeatureMixMethod::devicesOnly);
        m.put("mix-cost", FeatureMixMethod::withCost);
        m.put("mix-enc", FeatureMixMethod::withEncoding);
        return m;
    }
}
