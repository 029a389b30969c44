package org.layerpipe.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Small PNG charts drawn with Java2D (headless), for the sweep's parent run in MLflow: no
 * plotting library, no Python on the driver.
 */
public final class Charts {

    private static final int W = 800;
    private static final int H = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {
    }

    /** A series of (x, y) points. */
    public record Series(String name, double[] x, double[] y) {
    }

    /** Lines with markers, one per series, shared axes. */
    public static byte[] lines(String title, String xLabel, String yLabel, List<Series> series) {
        System.setProperty("java.awt.headless", "true");
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    minX = Math.min(minX, s.x()[i]);
                    maxX = Math.max(maxX, s.x()[i]);
                    minY = Math.min(minY, s.y()[i]);
                    maxY = Math.max(maxY, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(minX)) {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        if (maxY == minY) {
            maxY = minY + Math.max(1e-9, Math.abs(minY) * 0.1);
        }
        double padY = (maxY - minY) * 0.05;
        minY -= padY;
        maxY += padY;

        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 5; i++) {
            double vy = minY + (maxY - minY) * i / 5;
            int py = TOP + ph - (int) Math.round(ph * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, py, LEFT + pw - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(fmt(vy), 8, py + 4);
            double vx = minX + (maxX - minX) * i / 5;
            int px = LEFT + (int) Math.round(pw * i / 5.0);
            g.drawString(fmt(vx), px - 10, TOP + ph + 18);
        }
        g.drawString(xLabel, LEFT + pw / 2 - 30, H - 15);
        g.drawString(yLabel, 8, TOP - 10);
        g.setStroke(new BasicStroke(2f));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                int px = LEFT + (int) Math.round((s.x()[i] - minX) / (maxX - minX) * pw);
                int py = TOP + ph - (int) Math.round((s.y()[i] - minY) / (maxY - minY) * ph);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                prevX = px;
                prevY = py;
            }
            g.fillRect(LEFT + pw + 15, TOP + 10 + 20 * k, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + pw + 32, TOP + 21 + 20 * k);
        }
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Series from grouped (x, y) maps, for callers that aggregate first. */
    public static Series series(String name, Map<Double, Double> points) {
        double[] x = points.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = points.get(x[i]);
        }
        return new Series(name, x, y);
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        } else if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        } else if (a >= 10 || v == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
