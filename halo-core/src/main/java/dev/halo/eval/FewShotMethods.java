package dev.halo.eval;

import dev.halo.BadInputException;
import dev.halo.eval.baseline.CostProxyMethod;
import dev.halo.eval.baseline.DeviceMixMethod;
import dev.halo.eval.baseline.NearestDeviceMethod;
import dev.halo.eval.baseline.SupervisedMlpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The methods {@code --method NAME} can name: the built-in baselines plus whatever {@link Provider}s are
 * installed as Java services ({@code META-INF/services/dev.halo.eval.FewShotMethods$Provider}), e.g. a
 * meta-learner that trains from scratch.
 */
public final class FewShotMethods {
    private FewShotMethods() {}

    /** Contributes named methods; each supplier makes a fresh, untrained method. */
    public interface Provider {
        Map<String, Supplier<FewShotMethod>> methods();
    }

    /** Every known name → a fresh method, built-ins first. */
    public static Map<String, Supplier<FewShotMethod>> all() {
        Map<String, Supplier<FewShotMethod>> all = new LinkedHashMap<>();
        all.put("flops", CostProxyMethod::flops);
        all.put("params", CostProxyMethod::params);
        all.put("device-mix", DeviceMixMethod::new);
        all.put("nearest-device", NearestDeviceMethod::new);
        all.put("supervised-mlp", SupervisedMlpMethod::new);
        ServiceLoader.load(Provider.class).forEach(p -> p.methods().forEach(all::putIfAbsent));
        return all;
    }

    public static FewShotMethod byName(String name) {
        Map<String, Supplier<FewShotMethod>> all = all();
        Supplier<FewShotMethod> s = all.get(name);
        if (s == null) throw new BadInputException("unknown method '" + name + "'; known: " + String.join(",", all.keySet()));
        return s.get();
    }
}
