package org.layerpipe.jobs.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts, drawn headless with XChart: lines with markers, one per series, and
 * each series' spread either as a translucent band (a curve over epochs) or as error bars (a
 * value per pipeline depth).
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
            new Color(0x17becf)};

    private Charts() {
    }

    /** How a series' spread is drawn. */
    public enum Spread {
        /** a filled band from {@code y − spread} to {@code y + spread} */
        BAND,
        /** error bars of ± spread */
        BARS
    }

    /**
     * Points of one series; {@code spread} holds half-widths (NaN where unknown) or is null.
     * Points whose y is not finite are left out when drawn.
     */
    public record Series(String name, double[] x, double[] y, double[] spread) {

        public Series {
            if (x.length != y.length || spread != null && spread.length != x.length) {
                throw new IllegalArgumentException("series '" + name + "': x, y and spread differ in length");
            }
        }
    }

    /** A line chart as PNG bytes; series without a finite point are left out. */
    public static byte[] lines(String title, String xLabel, String yLabel, List<Series> series, Spread spread) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setDecimalPattern("#,##0.###");
        chart.getStyler().setXAxisDecimalPattern("0.#");
        int k = 0;
        for (Series s : series) {
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    double e = s.spread() == null || !Double.isFinite(s.spread()[i]) ? 0 : s.spread()[i];
                    pts.add(new double[] {s.x()[i], s.y()[i], e});
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
            double[] e = pts.stream().mapToDouble(p -> p[2]).toArray();
            Color color = PALETTE[k++ % PALETTE.length];
            boolean hasSpread = s.spread() != null && Arrays.stream(e).anyMatch(v -> v > 0);
            if (hasSpread && spread == Spread.BAND) {
                band(chart, s.name(), x, y, e, color);
            }
            XYSeries line = hasSpread && spread == Spread.BARS ? chart.addSeries(s.name(), x, y, e) : chart.addSeries(s.name(), x, y);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(color);
            line.setMarkerColor(color);
            line.setMarker(SeriesMarkers.CIRCLE);
        }
        if (chart.getSeriesMap().isEmpty()) {
            // an empty chart says so instead of failing: XChart needs one series to lay out its axes
            XYSeries none = chart.addSeries("no data", new double[] {0}, new double[] {0});
            none.setMarker(SeriesMarkers.NONE);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The band as one closed polygon: along the upper edge, then back along the lower one. */
    private static void band(XYChart chart, String name, double[] x, double[] y, double[] e, Color color) {
        int n = x.length;
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = x[i];
            py[i] = y[i] + e[i];
            px[2 * n - 1 - i] = x[i];
            py[2 * n - 1 - i] = y[i] - e[i];
        }
        XYSeries band = chart.addSeries(name + " (95 % CI)", px, py);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 50));
        band.setLineColor(new Color(0, 0, 0, 0));
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
    }
}
