package dev.halo.cli;

import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.eval.DeviceScore;
import dev.halo.eval.EvaluationReport;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code halo evaluate}'s report as a table, CSV or JSON. */
final class EvaluationPrinter {
    private final String space, selection, references;
    private final Format format;

    EvaluationPrinter(String space, String selection, String references, Format format) {
        this.space = space;
        this.selection = selection;
        this.references = references;
        this.format = format;
    }

    void print(EvaluationReport report, PrintWriter out) {
        switch (format) {
            case json -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("method", report.method());
                if (!report.methodSummary().isEmpty()) json.put("method_summary", report.methodSummary());
                json.put("space", space);
                json.put("samples", report.samples());
                json.put("selection", selection);
                json.put("references", references);
                json.put("seeds", report.seeds());
                Map<String, Object> split = new LinkedHashMap<>();
                split.put("train", report.split().train());
                split.put("valid", report.split().valid());
                split.put("test", report.split().test());
                json.put("split", split);
                List<Map<String, Object>> devices = new java.util.ArrayList<>();
                for (int d = 0; d < report.devices().size(); d++) {
                    Map<String, Object> m = asMap(report.devices().get(d));
                    m.put("spearman_per_seed", report.perSeed().get(d).stream().map(DeviceScore::spearman).toList());
                    devices.add(m);
                }
                json.put("devices", devices);
                json.put("mean", asMap(report.mean()));
                json.put("mean_spearman", report.meanSpearman());
                try {
                    out.println(Table.json().writeValueAsString(json));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                out.flush();
            }
            case table, csv -> {
                if (format == Format.table)
                    out.printf("%s on %s, %d samples%s%s, seeds 0..%d (means over seeds; spearman/kendall/mape on the kept query pool)%n",
                            report.method(), space, report.samples(), selection.equals("random") ? "" : " chosen by " + selection,
                            references.equals("help") ? "" : " (no reference latencies)", report.seeds().size() - 1);
                if (format == Format.table && !report.methodSummary().isEmpty())
                    out.println(report.methodSummary());
                Table t = new Table("device", "spearman", "spearman_sd", "kendall", "spearman_full", "mape", "within10", "coverage80", "coverage95");
                for (DeviceScore s : report.devices()) row(t, s);
                row(t, report.mean());
                t.print(format, out);
            }
        }
    }

    private static void row(Table t, DeviceScore s) {
        t.row(s.device(), s.spearman(), s.spearmanSd(), s.kendall(), s.spearmanFull(), s.mape(), s.within10(), s.coverage80(), s.coverage95());
    }

    private static Map<String, Object> asMap(DeviceScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", s.device());
        m.put("spearman", s.spearman());
        m.put("spearman_sd", s.spearmanSd());
        m.put("kendall", s.kendall());
        m.put("spearman_full", s.spearmanFull());
        m.put("mape", s.mape());
        m.put("within10", s.within10());
        if (s.coverage80() != null) m.put("coverage80", s.coverage80());
        if (s.coverage95() != null) m.put("coverage95", s.coverage95());
        return m;
    }
}
