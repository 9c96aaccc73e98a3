package dht.cli;

import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Charts drawn one above the other into one PNG: the tools' reports (the knee, the nemesis) are
 * such images. Callers set {@code java.awt.headless} before they build their charts.
 */
public final class StackedCharts {
    private StackedCharts() {
    }

    /** Each chart {@code width} by {@code height} pixels, the first at the top. */
    public static void write(Path file, int width, int height, XYChart... charts) throws IOException {
        BufferedImage image = new BufferedImage(width, charts.length * height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        for (XYChart chart : charts) {
            chart.paint(graphics, width, height);
            graphics.translate(0, height);
        }
        graphics.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
