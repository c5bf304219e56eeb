package dev.halo.cli.model;

import dev.halo.app.model.DescribeModel;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.graph.GraphReport;
import dev.halo.graph.NodeCost;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.measure.GraphOptimization;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a {@link DescribeModel.Result} as text tables, CSV (one row per node) or one JSON document. */
final class ModelReportView {
    private static final List<String> COLUMNS = List.of("index", "node", "op", "inputs", "weights", "outputs", "macs", "flops",
            "params", "bytes_moved", "note");

    private final DescribeModel.Result result;
    private final GraphOptimization level;

    ModelReportView(DescribeModel.Result result, GraphOptimization level) {
        this.result = result;
        this.level = level;
    }

    void print(Format format, PrintWriter out) {
        switch (format) {
            case table -> text(out);
            case csv -> csv(out);
            case json -> json(out);
        }
        out.flush();
    }

    private void text(PrintWriter out) {
        out.printf(Locale.ROOT, "model   %s (%s, producer %s, opset %d)%n", result.model(), mb(result.fileBytes()), result.producer(), result.opset());
        out.println("inputs  " + values(result.graph().inputs()));
        out.println("outputs " + values(result.graph().outputs()));
        out.println();
        nodes(result.graph()).print(Format.table, out);
        out.println();
        totals(result.graph()).print(Format.table, out);
        if (result.kernels() != null) {
            GraphReport k = result.kernels();
            out.println();
            out.println("kernels ONNX Runtime executes at optimisation level " + level.name().toLowerCase(Locale.ROOT) + " on this machine: "
                    + k.nodes().size() + " (" + k.opCounts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ")");
            out.println();
            nodes(k).print(Format.table, out);
            out.println();
            totals(k).print(Format.table, out);
        }
    }

    private void csv(PrintWriter out) {
        Table t = new Table(prepend("graph", COLUMNS));
        addRows(t, "model", result.graph());
        if (result.kernels() != null) addRows(t, "kernels", result.kernels());
        t.print(Format.csv, out);
    }

    private void json(PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", result.model().toString());
        doc.put("file_bytes", result.fileBytes());
        doc.put("producer", result.producer());
        doc.put("opset", result.opset());
        doc.putAll(graphJson(result.graph()));
        if (result.kernels() != null) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("optimization", level.name().toLowerCase(Locale.ROOT));
            k.put("note", "the graph ONNX Runtime optimised for this machine (at level all it is hardware specific: NCHWc block size, fused kernels)");
            k.putAll(graphJson(result.kernels()));
            doc.put("kernels", k);
        }
        try {
            out.println(Table.json().writeValueAsString(doc));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> graphJson(GraphReport g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", g.inputs().stream().map(ModelReportView::valueJson).toList());
        m.put("outputs", g.outputs().stream().map(ModelReportView::valueJson).toList());
        Table t = new Table(COLUMNS);
        addRows(t, null, g);
        m.put("nodes", t.asMaps());
        GraphReport.Totals s = g.totals();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("nodes", s.nodes());
        totals.put("costed", s.costed());
        totals.put("macs", s.macs());
        totals.put("flops", s.flops());
        totals.put("params", s.params());
        totals.put("buffers", s.buffers());
        totals.put("bytes_moved", s.bytesMoved());
        totals.put("weight_bytes", s.weightBytes());
        m.put("totals", totals);
        m.put("problems", g.problems().stream().map(NodeReport::problem).toList());
        return m;
    }

    private static Map<String, Object> valueJson(ValueInfo v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("type", v.type().label());
        m.put("shape", v.shape() == null ? null : v.shape().toString());
        return m;
    }

    private static Table nodes(GraphReport g) {
        Table t = new Table(COLUMNS);
        addRows(t, null, g);
        return t;
    }

    private static void addRows(Table t, String graph, GraphReport g) {
        for (NodeReport n : g.nodes()) {
            NodeCost c = n.cost();
            Object[] row = {n.index(), n.name(), n.op(), shapes(n.inputShapes()), shapes(n.weightShapes()), shapes(n.outputShapes()),
                c == null ? null : c.macs(), c == null ? null : c.flops(), c == null ? null : c.params(),
                c == null ? null : c.bytesMoved(), n.problem() == null ? "" : "not costed: " + n.problem()};
            t.row(graph == null ? row : prepend((Object) graph, java.util.Arrays.asList(row)).toArray());
        }
    }

    private static Table totals(GraphReport g) {
        GraphReport.Totals s = g.totals();
        Table t = new Table("total", "value");
        t.row("nodes", s.nodes() + (s.costed() < s.nodes() ? " (" + (s.nodes() - s.costed()) + " not costed)" : ""));
        t.row("MACs", String.format(Locale.ROOT, "%,d (%.3f G)", s.macs(), s.macs() / 1e9));
        t.row("FLOPs", String.format(Locale.ROOT, "%,d (%.3f G)", s.flops(), s.flops() / 1e9));
        t.row("params", String.format(Locale.ROOT, "%,d (%.3f M)", s.params(), s.params() / 1e6));
        t.row("buffers", String.format(Locale.ROOT, "%,d (BatchNorm running statistics)", s.buffers()));
        t.row("weights", mb(s.weightBytes()));
        t.row("bytes moved", mb(s.bytesMoved()) + " (inputs + weights + outputs of every node)");
        return t;
    }

    private static String values(List<ValueInfo> vs) {
        return vs.stream().map(v -> v.name() + " " + (v.shape() == null ? "?" : v.shape()) + " " + v.type().label()).collect(Collectors.joining(", "));
    }

    private static String shapes(List<TensorShape> shapes) {
        return shapes.stream().map(s -> s == null ? "?" : s.toString()).collect(Collectors.joining(" "));
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static <T> List<T> prepend(T first, List<T> rest) {
        List<T> l = new java.util.ArrayList<>();
        l.add(first);
        l.addAll(rest);
        return l;
    }
}
