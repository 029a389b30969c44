package org.layerpipe.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small data files in the real formats (IDX, CIFAR binary) for the reader tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** An IDX images file: magic 0x803, count, rows, cols, then the pixel bytes. */
    static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length)
                .putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols).put(pixels).array();
    }

    /** An IDX labels file: magic 0x801, count, then one byte per label. */
    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length).putInt(IdxReader.LABELS_MAGIC).putInt(labels.length);
        for (int label : labels) {
            b.put((byte) label);
        }
        return b.array();
    }

    /** Pixel bytes {@code (seed + 37·i) mod 256}: covers 0..255, so unsigned reading is checked. */
    static byte[] pixels(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (seed + 37 * i);
        }
        return p;
    }

    /** The floats a reader must return for {@code bytes}: each byte unsigned. */
    static float[] unsigned(byte[] bytes) {
        float[] f = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            f[i] = bytes[i] & 0xFF;
        }
        return f;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * CIFAR records: for each example its label byte(s) then 3072 pixel bytes;
     * {@code coarse} is null for CIFAR-10.
     */
    static byte[] cifar(int[] coarse, int[] labels, byte[] pixels) {
        int labelBytes = coarse == null ? 1 : 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i++) {
            if (coarse != null) {
                out.write(coarse[i]);
            }
            out.write(labels[i]);
            out.write(pixels, i * 3072, 3072);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length != labels.length * (labelBytes + 3072)) {
            throw new IllegalStateException("bad test record layout");
        }
        return bytes;
    }

    /** Writes {@code bytes} to {@code file} (creating folders) and returns its path as a plain string. */
    static String write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }
}
