package dev.lookout.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws {@link dev.lookout.bench.Chart}s as SVG files with XChart. */
public final class Charts {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 380;
    /** 150,000 rather than 1.5E5; small ratios keep two decimals. */
    private static final String Y_PATTERN = "#,##0.##";

    private Charts() {
    }

    /** Writes the chart to {@code dir/<file>.svg} and returns that path. */
    public static Path write(final dev.lookout.bench.Chart chart, final Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        final Path target = dir.resolve(chart.file() + ".svg");
        final Chart<?, ?> drawn = chart instanceof dev.lookout.bench.Chart.Bars bars ? bars(bars)
                : cdf((dev.lookout.bench.Chart.Cdf) chart);
        // XChart adds the extension itself.
        VectorGraphicsEncoder.saveVectorGraphic(drawn, dir.resolve(chart.file()).toString(),
                VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return target;
    }

    private static CategoryChart bars(final dev.lookout.bench.Chart.Bars bars) {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(bars.title())
                .yAxisTitle(bars.yTitle()).build();
        final Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setLegendVisible(bars.series().size() > 1);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern(Y_PATTERN);
        // Slant the category labels when the longest would not fit under its bar (about 7 px a character).
        final int longest = bars.categories().stream().mapToInt(String::length).max().orElse(0);
        chart.getStyler().setXAxisLabelRotation(longest * 7 > (WIDTH - 100) / Math.max(1, bars.categories().size())
                ? 20 : 0);
        chart.getStyler().setLabelsVisible(false);
        for (final Map.Entry<String, List<Double>> series : bars.series().entrySet()) {
            chart.addSeries(series.getKey(), bars.categories(), series.getValue());
        }
        return chart;
    }

    private static XYChart cdf(final dev.lookout.bench.Chart.Cdf cdf) {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(cdf.title())
                .xAxisTitle(cdf.xTitle()).yAxisTitle("share of samples at most x").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisDecimalPattern(Y_PATTERN);
        for (final Map.Entry<String, List<Double>> samples : cdf.samples().entrySet()) {
            final List<Double> sorted = new ArrayList<>(samples.getValue());
            sorted.sort(Double::compare);
            final double[] x = new double[sorted.size()];
            final double[] y = new double[sorted.size()];
            for (int i = 0; i < sorted.size(); i++) {
                x[i] = sorted.get(i);
                y[i] = (i + 1) / (double) sorted.size();
            }
            final XYSeries series = chart.addSeries(samples.getKey(), x, y);
            series.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }
}
