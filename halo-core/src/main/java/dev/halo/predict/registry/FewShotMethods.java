package dev.halo.predict.registry;

import dev.halo.BadInputException;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.DeadCodeCostMethod;
import dev.halo.predict.auto.AutoMethod;
import dev.halo.predict.baseline.CostProxyMethod;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.predict.baseline.NearestDeviceMethod;
import dev.halo.predict.ensemble.EnsembleMethods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The names {@code --method NAME} accepts. A handful are documented for users ({@link #documented()}); every other
 * variant from the accuracy sessions is reachable only as {@code experimental:NAME} ({@link #experimental()}), so
 * that old commands in docs/RESULTS.md still run with the prefix added.
 */
public final class FewShotMethods {
    private FewShotMethods() {}

    /** The prefix that names a variant kept for reproducing docs/results, not recommended to users. */
    public static final String EXPERIMENTAL = "experimental:";

    /** The default of every command that takes a method. */
    public static final String DEFAULT = AutoMethod.NAME;

    /** The user-facing methods, in the order {@code --list-methods} shows them; each supplier makes a fresh method. */
    public static Map<String, Supplier<FewShotMethod>> documented() {
        Map<String, Supplier<FewShotMethod>> m = new LinkedHashMap<>();
        m.put(AutoMethod.NAME, AutoMethod::new);
        m.put(AdditiveCostMethod.NAME, AdditiveCostMethod::new);
        m.put(DeadCodeCostMethod.PROBE_REQUIRED_NAME, () -> new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBE_REQUIRED));
        m.put(EnsembleMethods.HELP, () -> EnsembleMethods.releasedHelp(0));
        m.put("device-mix", DeviceMixMethod::new);
        m.put("flops", CostProxyMethod::flops);
        m.put("params", CostProxyMethod::params);
        m.put("nearest-device", NearestDeviceMethod::new);
        return m;
    }

    /** The experimental variants by their names without the prefix. */
    public static Map<String, Supplier<FewShotMethod>> experimental() {
        return EnsembleMethods.experimental();
    }

    /** A fresh method for a documented name or {@code experimental:NAME}; anything else is a bad input naming the choices. */
    public static FewShotMethod byName(String name) {
        Supplier<FewShotMethod> documented = documented().get(name);
        if (documented != null) return documented.get();
        Map<String, Supplier<FewShotMethod>> experimental = experimental();
        if (name.startsWith(EXPERIMENTAL)) {
            Supplier<FewShotMethod> s = experimental.get(name.substring(EXPERIMENTAL.length()));
            if (s == null) throw new BadInputException("unknown method '" + name + "'; experimental ones: halo evaluate --list-methods --experimental");
            return s.get();
        }
        if (experimental.containsKey(name))
            throw new BadInputException("method '" + name + "' is experimental now; use --method " + EXPERIMENTAL + name);
        throw new BadInputException("unknown method '" + name + "'; known: " + String.join(", ", documented().keySet()));
    }
}
