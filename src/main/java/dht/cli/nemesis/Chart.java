package dht.cli.nemesis;

import dht.cli.StackedCharts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The run over time, second by second: latency percentiles of the operations that began in each
 * second, and the share of them the store acknowledged, with each fault's window shaded.
 */
final class Chart {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 420;
    private static final Color[] SHADES = {new Color(220, 60, 60, 70), new Color(60, 60, 220, 70),
        new Color(60, 170, 60, 70), new Color(200, 140, 0, 70), new Color(150, 60, 200, 70), new Color(0, 160, 170, 70)};

    private Chart() {
    }

    static void write(Path file, List<Op> ops, List<FaultWindow> windows, long runNanos) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int seconds = (int) Math.max(1, (runNanos + 999_999_999L) / 1_000_000_000L);
        List<List<Long>> latencies = new ArrayList<>();
        int[] acked = new int[seconds];
        int[] total = new int[seconds];
        for (int i = 0; i < seconds; i++) {
            latencies.add(new ArrayList<>());
        }
        for (Op op : ops) {
            int second = (int) (op.invoke() / 1_000_000_000L);
            if (second < seconds) {
                latencies.get(second).add(op.latency());
                total[second]++;
                acked[second] += op.outcome() == Op.Outcome.ACK ? 1 : 0;
            }
        }
        // Seconds in which no operation began (every client waiting on a hung node) have no point.
        List<Double> time = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        List<Double> share = new ArrayList<>();
        double highest = 1;
        for (int i = 0; i < seconds; i++) {
            if (total[i] == 0) {
                continue;
            }
            long[] sorted = latencies.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            time.add((double) i);
            p50.add(Summary.percentile(sorted, 0.50) / 1e6);
            p99.add(Summary.percentile(sorted, 0.99) / 1e6);
            max.add(Summary.percentile(sorted, 1.0) / 1e6);
            share.add(100.0 * acked[i] / total[i]);
            highest = Math.max(highest, max.get(max.size() - 1));
        }
        XYChart latency = chart("Latency of the operations begun each second", "ms");
        line(latency, "p50", time, p50);
        line(latency, "p99", time, p99);
        line(latency, "max", time, max);
        shade(latency, windows, seconds, highest);
        XYChart acknowledged = chart("Acknowledged share of the operations begun each second", "%");
        line(acknowledged, "acknowledged", time, share);
        shade(acknowledged, windows, seconds, 100);
        StackedCharts.write(file, WIDTH, HEIGHT, latency, acknowledged);
    }

    private static XYChart chart(String title, String unit) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("seconds since the load began").yAxisTitle(unit).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static void line(XYChart chart, String name, List<Double> x, List<Double> y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
    }

    /** One shaded area per kind of fault, as high as the chart while a fault of that kind holds. */
    private static void shade(XYChart chart, List<FaultWindow> windows, int seconds, double height) {
        Fault[] faults = Fault.values();
        for (Fault fault : faults) {
            double[] time = new double[2 * seconds];
            double[] level = new double[2 * seconds];
            boolean any = false;
            for (int i = 0; i < seconds; i++) {
                boolean held = false;
                for (FaultWindow window : windows) {
                    held |= window.fault() == fault && window.overlaps(i * 1_000_000_000L, (i + 1) * 1_000_000_000L - 1);
                }
                any |= held;
                // Two points per second draw a step, so a window's edges stand upright.
                time[2 * i] = i;
                time[2 * i + 1] = i + 1;
                level[2 * i] = held ? height : 0;
                level[2 * i + 1] = held ? height : 0;
            }
            if (any) {
                XYSeries series = chart.addSeries(fault.flagName(), time, level);
                series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                series.setMarker(SeriesMarkers.NONE);
                Color shade = SHADES[Arrays.asList(faults).indexOf(fault) % SHADES.length];
                series.setFillColor(shade);
                series.setLineColor(shade);
            }
        }
    }
}
