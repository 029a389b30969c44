package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.model.Shape;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CifarReaderTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private String file(String name, byte[] bytes) {
        return TestFiles.write(dir.resolve(name), bytes);
    }

    private DataException readError(List<String> paths, boolean cifar100) {
        return assertThrows(DataException.class, () -> CifarReader.read("c", paths, cifar100, CONF));
    }

    @Test
    void cifar10RecordsReadBackInFileOrder() {
        byte[] first = TestFiles.pixels(3 * 3072, 11);
        byte[] second = TestFiles.pixels(2 * 3072, 200);
        String a = file("data_batch_1.bin", TestFiles.cifar(null, new int[] {3, 0, 9}, first));
        String b = file("data_batch_2.bin", TestFiles.cifar(null, new int[] {7, 1}, second));

        Dataset d = CifarReader.read("cifar10", List.of(a, b), false, CONF);

        assertEquals(new Shape.Image(3, 32, 32), d.shape());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new int[] {3, 0, 9, 7, 1}, d.labels());
        // The record's 1024 R, 1024 G, 1024 B bytes are already NCHW: they must arrive unchanged.
        float[] expected = new float[5 * 3072];
        System.arraycopy(TestFiles.unsigned(first), 0, expected, 0, 3 * 3072);
        System.arraycopy(TestFiles.unsigned(second), 0, expected, 3 * 3072, 2 * 3072);
        assertArrayEquals(expected, d.features());
    }

    @Test
    void cifar10PixelLayoutIsChannelThenRowThenColumn() {
        byte[] pixels = new byte[3072];
        pixels[0] = 10;                 // red (0, 0)
        pixels[31] = 11;                // red (0, 31)
        pixels[32] = 12;                // red (1, 0)
        pixels[1024] = 20;              // green (0, 0)
        pixels[2048 + 32 * 31 + 31] = (byte) 255; // blue (31, 31)
        String a = file("one.bin", TestFiles.cifar(null, new int[] {2}, pixels));
        float[] f = CifarReader.read("c", List.of(a), false, CONF).features();
        assertEquals(10f, f[idx(0, 0, 0)]);
        assertEquals(11f, f[idx(0, 0, 31)]);
        assertEquals(12f, f[idx(0, 1, 0)]);
        assertEquals(20f, f[idx(1, 0, 0)]);
        assertEquals(255f, f[idx(2, 31, 31)]);
    }

    private static int idx(int c, int y, int x) {
        return (c * 32 + y) * 32 + x;
    }

    @Test
    void cifar100UsesTheFineLabel() {
        byte[] pixels = TestFiles.pixels(3 * 3072, 3);
        String train = file("train.bin", TestFiles.cifar(new int[] {19, 0, 5}, new int[] {99, 0, 42}, pixels));
        Dataset d = CifarReader.read("cifar100", List.of(train), true, CONF);
        assertEquals(100, d.numClasses());
        assertArrayEquals(new int[] {99, 0, 42}, d.labels());
        assertArrayEquals(TestFiles.unsigned(pixels), d.features());
    }

    @Test
    void sizeNotAWholeNumberOfRecordsIsReported() {
        byte[] ten = TestFiles.cifar(null, new int[10], new byte[10 * 3072]);
        String a = file("data_batch_1.bin", Arrays.copyOf(ten, ten.length + 1));
        assertEquals(a + " is not a CIFAR-10 binary file: 30731 bytes is not a whole number of 3073-byte records",
                readError(List.of(a), false).getMessage());
        // A CIFAR-10 file read as CIFAR-100 (records one byte longer) is caught the same way.
        String b = file("data_batch_2.bin", ten);
        assertEquals(b + " is not a CIFAR-100 binary file: 30730 bytes is not a whole number of 3074-byte records",
                readError(List.of(b), true).getMessage());
        String empty = file("empty.bin", new byte[0]);
        assertEquals(empty + " is not a CIFAR-10 binary file: it is empty", readError(List.of(empty), false).getMessage());
    }

    @Test
    void labelOutOfRangeIsReportedWithItsIndex() {
        String a = file("ok.bin", TestFiles.cifar(null, new int[] {1, 2}, new byte[2 * 3072]));
        String b = file("bad.bin", TestFiles.cifar(null, new int[] {0, 1, 2, 3, 4, 12}, new byte[6 * 3072]));
        assertEquals(b + ": label 12 at index 5 is outside 0..9", readError(List.of(a, b), false).getMessage());

        String fine = file("fine.bin", TestFiles.cifar(new int[] {0, 1}, new int[] {5, 100}, new byte[2 * 3072]));
        assertEquals(fine + ": label 100 at index 1 is outside 0..99", readError(List.of(fine), true).getMessage());
        String coarse = file("coarse.bin", TestFiles.cifar(new int[] {20}, new int[] {5}, new byte[3072]));
        assertEquals(coarse + ": coarse label 20 at index 0 is outside 0..19", readError(List.of(coarse), true).getMessage());
    }

    @Test
    void missingFileIsNamed() {
        String a = file("data_batch_1.bin", TestFiles.cifar(null, new int[] {1}, new byte[3072]));
        String missing = dir.resolve("data_batch_2.bin").toString();
        assertEquals("CIFAR-10 file not found: " + missing, readError(List.of(a, missing), false).getMessage());
        assertEquals("CIFAR-100 file not found: " + missing, readError(List.of(missing), true).getMessage());
        assertEquals("no CIFAR-10 files given for 'c': pass at least one binary batch file",
                readError(List.of(), false).getMessage());
    }

    @Test
    void fileUriWorksLikeAPlainPath() {
        byte[] pixels = TestFiles.pixels(2 * 3072, 9);
        String plain = file("b.bin", TestFiles.cifar(null, new int[] {4, 5}, pixels));
        Dataset viaPath = CifarReader.read("c", List.of(plain), false, CONF);
        Dataset viaUri = CifarReader.read("c", List.of(dir.resolve("b.bin").toUri().toString()), false, CONF);
        assertEquals(viaPath, viaUri);
    }
}
