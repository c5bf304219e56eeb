package dev.halo.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link GraphLatencyModel}: format name and version, the kernel feature version and names, the
 * provenance, the calibration, the trees and the matrix products' trees (and the linear terms beneath them, when fitted); an adapted model also holds its device factors and the source model.
 * Everything is checked on load (finite numbers, array lengths, child indices that only point forward, feature
 * indices in range), so a damaged file is refused naming its field instead of predicting nonsense.
 */
public final class KernelModelFile {
    public static final String FORMAT = "halo-kernel-model";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelModelFile() {}

    public static String toJson(GraphLatencyModel model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        switch (model) {
            case KernelCostModel m -> root.set("profiled", profiled(m));
            case DeviceAdaptation a -> {
                ObjectNode ad = root.putObject("adapted");
                ad.put("device", a.device());
                ArrayNode s = ad.putArray("groupScales");
                for (double v : a.groupScales()) s.add(v);
                ad.put("overheadMs", a.overheadMs());
                ad.put("shrinkage", a.shrinkage());
                if (Double.isFinite(a.looMape())) ad.put("looMape", a.looMape());
                ad.put("known", a.known());
                if (a.correction() != null) ad.set("correction", trees(a.correction()));
                root.set("profiled", profiled(a.source()));
            }
        }
        return root.toString();
    }

    private static ObjectNode profiled(KernelCostModel m) {
        ObjectNode p = JSON.createObjectNode();
        p.put("featureVersion", KernelFeatures.VERSION);
        ArrayNode names = p.putArray("features");
        KernelFeatures.names().forEach(names::add);
        p.set("provenance", JSON.valueToTree(m.provenance()));
        p.set("baseline", JSON.valueToTree(m.baseline()));
        p.set("calibration", JSON.valueToTree(m.calibration()));
        p.set("trees", trees(m.trees()));
        ArrayNode productNames = p.putArray("productFeatures");
        KernelFeatures.productNames().forEach(productNames::add);
        p.set("productTrees", trees(m.productTrees()));
        if (m.linear() != null) p.set("linear", linear(m.linear()));
        if (m.productLinear() != null) p.set("productLinear", linear(m.productLinear()));
        return p;
    }

    /** One entry per kernel group: null where the group had too few kernels for a linear term. */
    private static ArrayNode linear(LinearBase lb) {
        ArrayNode keys = JSON.createArrayNode();
        for (int g = 0; g < lb.coef().length; g++) {
            if (lb.coef()[g] == null) {
                keys.addNull();
                continue;
            }
            ObjectNode o = keys.addObject();
            doubles(o.putArray("mean"), lb.mean()[g]);
            doubles(o.putArray("sd"), lb.sd()[g]);
            doubles(o.putArray("coef"), lb.coef()[g]);
            o.put("low", lb.low()[g]);
            o.put("high", lb.high()[g]);
        }
        return keys;
    }

    private static LinearBase linear(JsonNode keys, int features, String where) {
        if (keys.isMissingNode() || keys.isNull()) return null;
        if (!keys.isArray()) throw new BadInputException(where + ": not an array");
        int n = keys.size();
        double[][] mean = new double[n][], sd = new double[n][], coef = new double[n][];
        double[] low = new double[n], high = new double[n];
        for (int g = 0; g < n; g++) {
            JsonNode o = keys.get(g);
            if (o.isNull()) continue;
            String kw = where + "[" + g + "]";
            mean[g] = doubles(o.path("mean"), kw + ".mean");
            sd[g] = doubles(o.path("sd"), kw + ".sd");
            coef[g] = doubles(o.path("coef"), kw + ".coef");
            low[g] = number(o, "low", kw);
            high[g] = number(o, "high", kw);
        }
        return KernelModelChecks.linear(new LinearBase(mean, sd, coef, low, high), features, where);
    }

    private static ObjectNode trees(BoostedTrees bt) {
        ObjectNode t = JSON.createObjectNode();
        t.put("base", bt.base());
        ArrayNode list = t.putArray("trees");
        for (BoostedTrees.Tree tree : bt.trees()) {
            ObjectNode o = list.addObject();
            ints(o.putArray("feature"), tree.feature());
            doubles(o.putArray("threshold"), tree.threshold());
            ints(o.putArray("left"), tree.left());
            ints(o.putArray("right"), tree.right());
            doubles(o.putArray("value"), tree.value());
        }
        return t;
    }

    /** Reads and checks a model; {@code source} names the file in messages. */
    public static GraphLatencyModel read(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new BadInputException(source + ": not JSON: " + (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")));
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()))
            throw new BadInputException(source + ": field format: expected '" + FORMAT + "' (a file written by halo model fit or onboard --models)");
        if (root.path("version").asInt() != VERSION)
            throw new BadInputException(source + ": field version: " + root.path("version") + ", this halo reads version " + VERSION);
        KernelCostModel profiled = profiled(root.path("profiled"), source + ": profiled");
        JsonNode ad = root.path("adapted");
        if (ad.isMissingNode() || ad.isNull()) return profiled;
        String where = source + ": adapted";
        double[] scales = KernelModelChecks.groupScales(doubles(ad.path("groupScales"), where + ".groupScales"), where + ".groupScales");
        BoostedTrees correction = ad.has("correction") ? trees(ad.path("correction"), KernelFeatures.size(), where + ".correction") : null;
        return new DeviceAdaptation(text(ad, "device", where), profiled, correction, scales, number(ad, "overheadMs", where), number(ad, "shrinkage", where),
                ad.has("looMape") ? number(ad, "looMape", where) : Double.NaN, (int) number(ad, "known", where));
    }

    private static KernelCostModel profiled(JsonNode p, String where) {
        if (!p.isObject()) throw new BadInputException(where + ": missing");
        KernelModelChecks.featureVersion(p.path("featureVersion").asInt(), where);
        JsonNode prov = p.path("provenance");
        List<String> families = new ArrayList<>();
        prov.path("families").forEach(f -> families.add(f.asText()));
        var provenance = new KernelCostModel.Provenance(text(prov, "device", where + ".provenance"), text(prov, "deviceLabel", where + ".provenance"),
                (int) number(prov, "models", where + ".provenance"), (int) number(prov, "kernels", where + ".provenance"), families,
                (int) number(prov, "featureVersion", where + ".provenance"), prov.path("fittedAt").asText(""));
        JsonNode c = p.path("calibration");
        String cw = where + ".calibration";
        var calibration = KernelModelChecks.calibration(new KernelCostModel.Calibration(number(c, "scale", cw), number(c, "perKernelMs", cw), number(c, "overheadMs", cw),
                number(c, "lowLogRatio", cw), number(c, "highLogRatio", cw)), cw);
        JsonNode bl = p.path("baseline");
        String bw = where + ".baseline";
        var baseline = KernelModelChecks.baseline(number(bl, "msPerMac", bw), number(bl, "msPerByte", bw), number(bl, "msPerKernel", bw), bw);
        return new KernelCostModel(baseline, trees(p.path("trees"), KernelFeatures.size(), where + ".trees"),
                trees(p.path("productTrees"), KernelFeatures.productSize(), where + ".productTrees"),
                linear(p.path("linear"), KernelFeatures.size(), where + ".linear"),
                linear(p.path("productLinear"), KernelFeatures.productSize(), where + ".productLinear"), calibration, provenance);
    }

    private static BoostedTrees trees(JsonNode t, int features, String where) {
        List<BoostedTrees.Tree> trees = new ArrayList<>();
        int i = 0;
        for (JsonNode o : t.path("trees")) {
            String tw = where + "[" + i++ + "]";
            int[] feature = ints(o.path("feature"), tw + ".feature");
            double[] threshold = doubles(o.path("threshold"), tw + ".threshold");
            int[] left = ints(o.path("left"), tw + ".left");
            int[] right = ints(o.path("right"), tw + ".right");
            double[] value = doubles(o.path("value"), tw + ".value");
            trees.add(KernelModelChecks.tree(feature, threshold, left, right, value, features, tw));
        }
        return KernelModelChecks.boostedTrees(number(t, "base", where), trees, features, where);
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode v = o.path(field);
        if (!v.isTextual()) throw new BadInputException(where + "." + field + ": missing or not text");
        return v.asText();
    }

    private static double number(JsonNode o, String field, String where) {
        JsonNode v = o.path(field);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) throw new BadInputException(where + "." + field + ": missing or not a finite number");
        return v.asDouble();
    }

    private static double[] doubles(JsonNode a, String where) {
        if (!a.isArray()) throw new BadInputException(where + ": missing or not an array");
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) throw new BadInputException(where + "[" + i + "]: not a finite number");
            out[i] = v.asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode a, String where) {
        if (!a.isArray()) throw new BadInputException(where + ": missing or not an array");
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.canConvertToInt()) throw new BadInputException(where + "[" + i + "]: not an integer");
            out[i] = v.asInt();
        }
        return out;
    }

    private static void ints(ArrayNode a, int[] v) {
        for (int x : v) a.add(x);
    }

    private static void doubles(ArrayNode a, double[] v) {
        for (double x : v) a.add(x);
    }
}
