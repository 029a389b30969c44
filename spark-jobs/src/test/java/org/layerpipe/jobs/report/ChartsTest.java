package org.layerpipe.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** Each kind of chart the report draws, rendered from a small table and read back as an image. */
class ChartsTest {

    private static final List<Charts.Series> CURVES = List.of(
            new Charts.Series("stash · M=2", new double[] {1, 2, 3}, new double[] {0.70, 0.78, 0.80}, new double[] {0.02, 0.015, 0.01}),
            new Charts.Series("ema-pa · M=2", new double[] {1, 2, 3}, new double[] {0.68, 0.76, 0.79}, new double[] {0.03, 0.02, 0.02}));

    private static final List<Charts.Series> VS_STAGES = List.of(
            new Charts.Series("stash", new double[] {2, 3, 4}, new double[] {0.80, 0.77, 0.74}, new double[] {0.01, 0.02, Double.NaN}),
            new Charts.Series("latest", new double[] {2, 3, 4}, new double[] {0.78, Double.NaN, 0.70}, null));

    @Test
    void curvesWithBands() throws IOException {
        BufferedImage img = read(Charts.lines("Test accuracy vs epoch", "epoch", "test accuracy", CURVES, Charts.Spread.BAND));
        assertDrawn(img);
        // the band is a translucent fill of the first series' colour: some pixels are a light blue between white and #1f77b4
        assertTrue(countPixels(img, rgb -> {
            int r = rgb >> 16 & 0xff;
            int g = rgb >> 8 & 0xff;
            int b = rgb & 0xff;
            return b > 200 && r > 160 && r < 240 && g > 180 && g < 245;
        }) > 500, "no band fill found");
    }

    @Test
    void pointsWithErrorBarsAndGaps() throws IOException {
        assertDrawn(read(Charts.lines("Final accuracy vs M", "stages (M)", "test accuracy", VS_STAGES, Charts.Spread.BARS)));
    }

    @Test
    void anEmptyChartStillRenders() throws IOException {
        assertDrawn(read(Charts.lines("nothing", "x", "y",
                List.of(new Charts.Series("empty", new double[] {1}, new double[] {Double.NaN}, null)), Charts.Spread.BARS)));
    }

    private static BufferedImage read(byte[] png) throws IOException {
        assertEquals(0x89, png[0] & 0xff, "PNG signature");
        assertEquals('P', png[1]);
        assertEquals('N', png[2]);
        assertEquals('G', png[3]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(900, img.getWidth());
        assertEquals(520, img.getHeight());
        return img;
    }

    /** Not blank: many colours and a fair share of non-white pixels (axes, text, lines). */
    private static void assertDrawn(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colours.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        assertTrue(colours.size() > 20, "only " + colours.size() + " colours: a blank image");
        long ink = countPixels(img, rgb -> (rgb & 0xffffff) != 0xffffff);
        assertTrue(ink > img.getWidth() * img.getHeight() / 100, "only " + ink + " non-white pixels");
    }

    private static long countPixels(BufferedImage img, java.util.function.IntPredicate p) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (p.test(img.getRGB(x, y))) {
                    n++;
                }
            }
        }
        return n;
    }
}
