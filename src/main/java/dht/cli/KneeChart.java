package dht.cli;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The knee's chart: p50 and p99 against the offered rate, the bar beside them, and the CPU per request. */
final class KneeChart {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 420;

    private KneeChart() {
    }

    static void write(Path file, String title, List<KneeFinder.Step> climb) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Double> rates = climb.stream().map(step -> (double) step.rate()).toList();
        XYChart latency = chart(title + ": latency against the offered rate", "ms");
        latency.addSeries("p50", rates, climb.stream().map(KneeFinder.Step::p50Millis).toList()).setMarker(SeriesMarkers.CIRCLE);
        latency.addSeries("p99", rates, climb.stream().map(KneeFinder.Step::p99Millis).toList()).setMarker(SeriesMarkers.DIAMOND);
        latency.addSeries("bar (p99 " + (int) KneeFinder.MAX_P99_MILLIS + " ms)", rates,
                rates.stream().map(rate -> KneeFinder.MAX_P99_MILLIS).toList()).setMarker(SeriesMarkers.NONE);
        latency.getStyler().setYAxisLogarithmic(true);
        XYChart cpu = chart("Nodes' CPU time per request", "us");
        cpu.addSeries("CPU per request", rates, climb.stream().map(KneeFinder.Step::cpuMicrosPerRequest).toList())
                .setMarker(SeriesMarkers.CIRCLE);
        cpu.getStyler().setYAxisMin(0.0);
        StackedCharts.write(file, WIDTH, HEIGHT, latency, cpu);
    }

    private static XYChart chart(String title, String unit) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("offered rate (requests per second)").yAxisTitle(unit).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
    }
}
