package dev.halo.fewshot;

import dev.halo.BadInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Which devices a few-shot method may learn from ({@code train}), tune on ({@code valid}) and is scored on
 * ({@code test}). HELP's default splits (its {@code script/run_meta_*_<space>.sh}) are built in.
 */
public record Split(List<String> train, List<String> valid, List<String> test) {
    public Split {
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
    }

    /** HELP's default split for {@code nasbench201}, {@code fbnet} or {@code ofa}. */
    public static Split helpDefault(String space) {
        return switch (space) {
            case "nasbench201" -> new Split(
                    List.of("1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
                            "essential_ph_1", "samsung_s7"),
                    List.of("titanx_1", "titanx_32", "titanx_256", "gold_6240"),
                    List.of("titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss"));
            case "fbnet" -> new Split(
                    List.of("1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
                            "essential_ph_1", "samsung_s7"),
                    List.of("titanx_1", "titanx_32", "titanx_64", "gold_6240"),
                    List.of("fpga", "raspi4", "eyeriss"));
            // HELP's OFA scripts; run_meta_training_test_ofa.sh adds gold_6226, which HELP ships no latency for.
            case "ofa" -> new Split(
                    List.of("2080ti_1", "2080ti_32", "2080ti_64", "titan_xp_1", "titan_xp_32", "titan_xp_64", "v100_1",
                            "v100_32", "v100_64"),
                    List.of("titan_rtx_1", "titan_rtx_32"),
                    List.of("titan_rtx_64"));
            default -> throw new BadInputException("no built-in HELP split for space '" + space + "'; known: nasbench201,fbnet,ofa");
        };
    }

    /**
     * Checks the split against the devices a dataset has: there must be a test device, every name must be
     * known, and no device may play two roles (or appear twice). Returns this split.
     */
    public Split validate(Collection<String> knownDevices) {
        if (test.isEmpty()) throw new BadInputException("split has no test device");
        List<String> unknown = new ArrayList<>();
        Map<String, String> roleOf = new HashMap<>();
        check("train", train, knownDevices, unknown, roleOf);
        check("valid", valid, knownDevices, unknown, roleOf);
        check("test", test, knownDevices, unknown, roleOf);
        if (!unknown.isEmpty())
            throw new BadInputException("unknown device" + (unknown.size() > 1 ? "s " : " ") + String.join(",", unknown)
                    + "; known: " + String.join(",", knownDevices));
        return this;
    }

    private static void check(String role, List<String> devices, Collection<String> known, List<String> unknown,
            Map<String, String> roleOf) {
        for (String d : devices) {
            if (!known.contains(d)) unknown.add(d);
            String previous = roleOf.put(d, role);
            if (previous != null)
                throw new BadInputException("device " + d + " is listed as " + previous + " and as " + role
                        + " device; each device may have one role");
        }
    }

    /** All devices of the split, train then valid then test. */
    public List<String> all() {
        var all = new LinkedHashSet<String>(train);
        all.addAll(valid);
        all.addAll(test);
        return List.copyOf(all);
    }

    /** Parses a comma-separated device list; blanks are dropped. */
    public static List<String> parseList(String text) {
        if (text == null || text.isBlank()) return List.of();
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
