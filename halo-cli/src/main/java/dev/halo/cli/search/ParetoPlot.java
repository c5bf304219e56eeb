package dev.halo.cli.search;

import dev.halo.search.Candidate;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.SearchResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The accuracy-vs-latency picture of a search on one device: every evaluated architecture, the Pareto front at
 * predicted latency and (where known) the same architectures at their true latency, the budget as a vertical
 * line, and the chosen architecture marked and labelled.
 */
final class ParetoPlot {
    private static final Color CLOUD = new Color(170, 170, 170, 90);
    private static final Color FRONT = new Color(31, 119, 180);
    private static final Color TRUE = new Color(255, 127, 14);
    private static final Color BUDGET = new Color(214, 39, 40);
    private static final Color CHOSEN = new Color(44, 160, 44);

    private ParetoPlot() {}

    /** Writes a PNG of {@code result} for the device at {@code device} (constraint index); nothing half-written. */
    static void write(Path png, SearchResult<?> result, int device, String accuracyLabel, String title) throws IOException {
        LatencyConstraint c = result.constraints().get(device);
        // With a measured table "predicted" is the truth; then one set of points says it all.
        boolean measured = result.front().stream().allMatch(x -> x.trueMs(device) == x.predictedMs(device));
        XYChart chart = new XYChartBuilder().width(1000).height(700).title(title)
                .xAxisTitle("latency on " + c.device() + (measured ? " (ms, measured)" : " (ms)")).yAxisTitle(accuracyLabel).build();
        var st = chart.getStyler();
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setMarkerSize(7);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(230, 230, 230));
        st.setXAxisDecimalPattern("0.#");
        st.setYAxisDecimalPattern("0.#");

        List<? extends Candidate<?>> cloud = result.evaluated();
        XYSeries all = chart.addSeries("evaluated (" + cloud.size() + (measured ? ")" : ", predicted latency)"),
                cloud.stream().mapToDouble(x -> x.predictedMs(device)).toArray(), cloud.stream().mapToDouble(Candidate::accuracy).toArray());
        all.setMarker(SeriesMarkers.CIRCLE);
        all.setMarkerColor(CLOUD);

        // The front sorted by latency, drawn as a line so that the trade-off reads left to right.
        List<? extends Candidate<?>> front = result.front().stream()
                .sorted(java.util.Comparator.comparingDouble((Candidate<?> x) -> x.predictedMs(device))).toList();
        XYSeries f = chart.addSeries(measured ? "Pareto front" : "Pareto front (predicted latency)",
                front.stream().mapToDouble(x -> x.predictedMs(device)).toArray(), front.stream().mapToDouble(Candidate::accuracy).toArray());
        f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        f.setMarker(SeriesMarkers.CIRCLE);
        f.setLineColor(FRONT);
        f.setMarkerColor(FRONT);

        List<? extends Candidate<?>> known = front.stream().filter(x -> !Double.isNaN(x.trueMs(device))).toList();
        if (!known.isEmpty() && !measured) {
            XYSeries t = chart.addSeries("same front at true latency",
                    known.stream().mapToDouble(x -> x.trueMs(device)).toArray(), known.stream().mapToDouble(Candidate::accuracy).toArray());
            t.setMarker(SeriesMarkers.DIAMOND);
            t.setMarkerColor(TRUE);
        }

        double yMin = cloud.stream().mapToDouble(Candidate::accuracy).min().orElse(0);
        double yMax = cloud.stream().mapToDouble(Candidate::accuracy).max().orElse(1);
        if (c.bounded()) {
            String label = String.format(Locale.ROOT, "budget %.4g ms", c.maxMs());
            if (c.margin() > 0) label += String.format(Locale.ROOT, " (safety margin %.1f %%: predicted ≤ %.4g ms)", 100 * c.margin(), c.effectiveMaxMs());
            XYSeries b = chart.addSeries(label, new double[] {c.maxMs(), c.maxMs()}, new double[] {yMin, yMax});
            b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            b.setMarker(SeriesMarkers.NONE);
            b.setLineColor(BUDGET);
            b.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        }

        Candidate<?> chosen = result.best();
        if (chosen != null) {
            // XChart has no per-series marker size, so the chosen point gets a ring drawn around it.
            double xMax = cloud.stream().mapToDouble(x -> x.predictedMs(device)).max().orElse(1);
            double xMin = cloud.stream().mapToDouble(x -> x.predictedMs(device)).min().orElse(0);
            double rx = 0.012 * Math.max(xMax - xMin, 1e-9), ry = 0.018 * Math.max(yMax - yMin, 1e-9);
            double[] ringX = new double[33], ringY = new double[33];
            for (int i = 0; i < 33; i++) {
                ringX[i] = chosen.predictedMs(device) + rx * Math.cos(2 * Math.PI * i / 32);
                ringY[i] = chosen.accuracy() + ry * Math.sin(2 * Math.PI * i / 32);
            }
            String pct = accuracyLabel.contains("(%)") ? " %" : "";
            String text = measured
                    ? String.format(Locale.ROOT, "chosen (most accurate within budget): %.2f%s at %.3g ms", chosen.accuracy(), pct, chosen.predictedMs(device))
                    : String.format(Locale.ROOT, "chosen: %.2f%s at %.3g ms predicted", chosen.accuracy(), pct, chosen.predictedMs(device));
            if (!measured && !Double.isNaN(chosen.trueMs(device))) text += String.format(Locale.ROOT, " / %.3g ms true", chosen.trueMs(device));
            XYSeries s = chart.addSeries(text, ringX, ringY);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(CHOSEN);
            s.setLineStyle(new BasicStroke(3f));
        }

        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.write(png, out -> out.write(bytes));
    }
}
