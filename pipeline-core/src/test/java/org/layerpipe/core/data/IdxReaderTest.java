package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.model.Shape;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxReaderTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private final byte[] pixels = TestFiles.pixels(3 * 2 * 4, 5);

    {
        // The extremes and the sign bit, so a signed or scaled read would show.
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        pixels[2] = (byte) 128;
    }
    private final int[] labels = {0, 9, 4};

    private String file(String name, byte[] bytes) {
        return TestFiles.write(dir.resolve(name), bytes);
    }

    private void assertReadsBack(Dataset d) {
        assertEquals("tiny", d.name());
        assertEquals(new Shape.Image(1, 2, 4), d.shape());
        assertEquals(10, d.numClasses());
        assertEquals(3, d.size());
        assertArrayEquals(TestFiles.unsigned(pixels), d.features());
        assertArrayEquals(labels, d.labels());
    }

    private DataException readError(String images, String labelsPath) {
        return assertThrows(DataException.class, () -> IdxReader.read("tiny", images, labelsPath, 10, CONF));
    }

    @Test
    void plainFilesReadBackExactly() {
        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        String labelsPath = file("labels", TestFiles.idxLabels(labels));
        Dataset d = IdxReader.read("tiny", images, labelsPath, 10, CONF);
        assertReadsBack(d);
        // Pixels stay raw: 0..255, including values >= 128 that a signed read would turn negative.
        assertEquals(255f, max(d.features()));
        assertEquals(0f, min(d.features()));
    }

    @Test
    void gzippedFilesReadBackExactly() {
        String images = file("images.gz", TestFiles.gzip(TestFiles.idxImages(3, 2, 4, pixels)));
        String labelsPath = file("labels.gz", TestFiles.gzip(TestFiles.idxLabels(labels)));
        assertReadsBack(IdxReader.read("tiny", images, labelsPath, 10, CONF));
    }

    @Test
    void gzipIsDetectedFromTheContentNotTheName() {
        String gzippedWithoutSuffix = file("images", TestFiles.gzip(TestFiles.idxImages(3, 2, 4, pixels)));
        String plainWithSuffix = file("labels.gz", TestFiles.idxLabels(labels));
        assertReadsBack(IdxReader.read("tiny", gzippedWithoutSuffix, plainWithSuffix, 10, CONF));
    }

    @Test
    void fileUriWorksLikeAPlainPath() {
        file("images", TestFiles.idxImages(3, 2, 4, pixels));
        file("labels", TestFiles.idxLabels(labels));
        String uri = dir.toUri().toString(); // file:///tmp/junit.../
        assertEquals("file:///", uri.substring(0, 8));
        assertReadsBack(IdxReader.read("tiny", uri + "images", uri + "labels", 10, CONF));
        assertReadsBack(IdxReader.read("tiny", "file:" + dir + "/images", "file:" + dir + "/labels", 10, CONF));
    }

    @Test
    void missingFileIsNamed() {
        String labelsPath = file("labels", TestFiles.idxLabels(labels));
        String missing = dir.resolve("train-images-idx3-ubyte.gz").toString();
        DataException e = assertThrows(DataException.class,
                () -> IdxReader.read("fashion-mnist", missing, labelsPath, 10, CONF));
        assertEquals("Fashion-MNIST file not found: " + missing, e.getMessage());

        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        String missingLabels = dir.resolve("nope").toString();
        assertEquals("MNIST file not found: " + missingLabels, assertThrows(DataException.class,
                () -> IdxReader.read("mnist", images, missingLabels, 10, CONF)).getMessage());
        assertEquals("IDX file not found: " + missingLabels, readError(images, missingLabels).getMessage());
    }

    @Test
    void wrongMagicIsReported() {
        String labelsPath = file("labels", TestFiles.idxLabels(labels));
        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        // The files swapped: a labels file where images belong and the other way round.
        assertEquals(labelsPath + " is not an IDX image file: magic number 0x00000801 (expected 0x00000803)",
                readError(labelsPath, labelsPath).getMessage());
        assertEquals(images + " is not an IDX label file: magic number 0x00000803 (expected 0x00000801)",
                readError(images, images).getMessage());
        String text = file("text", "hello, world, this is not IDX".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(text + " is not an IDX image file: magic number 0x68656c6c (expected 0x00000803)",
                readError(text, labelsPath).getMessage());
    }

    @Test
    void truncatedImagesAreReportedWithCounts() {
        String labelsPath = file("labels", TestFiles.idxLabels(labels));
        byte[] whole = TestFiles.idxImages(3, 2, 4, pixels);
        String images = file("images", Arrays.copyOf(whole, whole.length - 4));
        assertEquals(images + " is truncated: the header announces 3 images of 2x4 (24 bytes) but only 20 bytes follow",
                readError(images, labelsPath).getMessage());

        // The same inside a valid gzip stream: the content is short, the gzip is fine.
        String gz = file("images.gz", TestFiles.gzip(Arrays.copyOf(whole, whole.length - 4)));
        assertEquals(gz + " is truncated: the header announces 3 images of 2x4 (24 bytes) but only 20 bytes follow",
                readError(gz, labelsPath).getMessage());

        String header = file("header", Arrays.copyOf(whole, 10));
        assertEquals(header + " is truncated: it ends inside the 16-byte IDX image header (10 bytes)",
                readError(header, labelsPath).getMessage());

        // The real files' header, to pin the message as users will see it.
        String real = file("train-images", Arrays.copyOf(TestFiles.idxImages(60000, 28, 28, new byte[100]), 16 + 100));
        assertEquals(real + " is truncated: the header announces 60000 images of 28x28 (47040000 bytes) but only 100 bytes follow",
                readError(real, labelsPath).getMessage());
    }

    @Test
    void truncatedLabelsAndTrailingBytesAreReported() {
        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        byte[] whole = TestFiles.idxLabels(labels);
        String shortLabels = file("labels", Arrays.copyOf(whole, whole.length - 1));
        assertEquals(shortLabels + " is truncated: the header announces 3 labels (3 bytes) but only 2 bytes follow",
                readError(images, shortLabels).getMessage());

        String longLabels = file("labels-long", Arrays.copyOf(whole, whole.length + 2));
        assertEquals(longLabels + " is not a valid IDX file: the header announces 3 labels (3 bytes) but 2 more bytes follow",
                readError(images, longLabels).getMessage());
    }

    @Test
    void countMismatchIsReported() {
        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        String labelsPath = file("labels", TestFiles.idxLabels(0, 1));
        assertEquals(images + " holds 3 images but " + labelsPath + " holds 2 labels: use the images and labels files of the same set",
                readError(images, labelsPath).getMessage());
    }

    @Test
    void labelOutOfRangeIsReportedWithItsIndex() {
        byte[] sixPixels = TestFiles.pixels(6 * 2 * 4, 1);
        String images = file("images", TestFiles.idxImages(6, 2, 4, sixPixels));
        String labelsPath = file("labels", TestFiles.idxLabels(0, 1, 2, 3, 4, 12));
        assertEquals(labelsPath + ": label 12 at index 5 is outside 0..9", readError(images, labelsPath).getMessage());
    }

    @Test
    void corruptGzipIsReported() {
        String labelsPath = file("labels", TestFiles.idxLabels(labels));
        String expected = " is a corrupt gzip file: it starts with the gzip magic bytes 1f 8b but does not decompress";

        byte[] gz = TestFiles.gzip(TestFiles.idxImages(3, 2, 4, pixels));
        byte[] garbled = gz.clone();
        Arrays.fill(garbled, 10, garbled.length - 8, (byte) 0xFF); // keep the gzip header, destroy the deflate data
        String bad = file("garbled.gz", garbled);
        DataException e = readError(bad, labelsPath);
        assertEquals(bad + expected + " (invalid block type)", e.getMessage());
        assertInstanceOf(java.util.zip.ZipException.class, e.getCause());

        String cut = file("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertEquals(cut + expected + " (Unexpected end of ZLIB input stream)", readError(cut, labelsPath).getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("the IDX file path is empty: give a local path or a file:, hdfs: or s3a: URI",
                readError(" ", "x").getMessage());
        String images = file("images", TestFiles.idxImages(3, 2, 4, pixels));
        assertEquals("no Hadoop configuration given to read " + images
                        + ": pass new org.apache.hadoop.conf.Configuration() for the defaults",
                assertThrows(DataException.class, () -> IdxReader.read("tiny", images, images, 10, null)).getMessage());
    }

    private static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static float min(float[] a) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }
}
