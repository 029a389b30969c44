package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerpipe.core.model.Shape;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataSetsTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private static DataConfig config(String name, String path, int trainLimit, int testLimit) {
        return new DataConfig(name, path, trainLimit, testLimit, false);
    }

    private DataException loadError(DataConfig config) {
        return assertThrows(DataException.class, () -> DataSets.load(config, CONF));
    }

    /** Writes the four IDX files into {@code folder}: 5 train and 3 test images of 2x2; labels tell train (i) from test (9-i). */
    private static void writeIdxSet(Path folder, boolean gzipped, int pixelSeed) {
        String gz = gzipped ? ".gz" : "";
        write(folder.resolve("train-images-idx3-ubyte" + gz), TestFiles.idxImages(5, 2, 2, TestFiles.pixels(20, pixelSeed)), gzipped);
        write(folder.resolve("train-labels-idx1-ubyte" + gz), TestFiles.idxLabels(0, 1, 2, 3, 4), gzipped);
        write(folder.resolve("t10k-images-idx3-ubyte" + gz), TestFiles.idxImages(3, 2, 2, TestFiles.pixels(12, pixelSeed + 1)), gzipped);
        write(folder.resolve("t10k-labels-idx1-ubyte" + gz), TestFiles.idxLabels(9, 8, 7), gzipped);
    }

    private static void write(Path file, byte[] bytes, boolean gzipped) {
        TestFiles.write(file, gzipped ? TestFiles.gzip(bytes) : bytes);
    }

    @Test
    void fashionMnistReadsTheFourIdxFilesOfDataPath() {
        writeIdxSet(dir, true, 0);
        TrainTest tt = DataSets.load(config("fashion-mnist", dir.toString(), 0, 0), CONF);
        assertEquals(new Shape.Image(1, 2, 2), tt.train().shape());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, tt.train().labels());
        assertArrayEquals(new int[] {9, 8, 7}, tt.test().labels());
        assertArrayEquals(TestFiles.unsigned(TestFiles.pixels(20, 0)), tt.train().features());
        assertEquals(10, tt.train().numClasses());
        assertEquals("fashion-mnist", tt.train().name());
    }

    @Test
    void limitsKeepTheFirstExamples() {
        writeIdxSet(dir, true, 0);
        TrainTest tt = DataSets.load(config("fashion-mnist", dir.toString(), 2, 1), CONF);
        assertArrayEquals(new int[] {0, 1}, tt.train().labels());
        assertArrayEquals(new int[] {9}, tt.test().labels());
    }

    @Test
    void mnistReadsUngzippedFilesAndPrefersGzippedOnes() {
        writeIdxSet(dir, false, 0);
        TrainTest plain = DataSets.load(config("mnist", dir.toString(), 0, 0), CONF);
        assertArrayEquals(TestFiles.unsigned(TestFiles.pixels(20, 0)), plain.train().features());
        assertEquals("mnist", plain.train().name());

        writeIdxSet(dir, true, 100); // now both kinds are present, with different pixels
        TrainTest both = DataSets.load(config("mnist", dir.toString(), 0, 0), CONF);
        assertArrayEquals(TestFiles.unsigned(TestFiles.pixels(20, 100)), both.train().features());
    }

    @Test
    void fileUriDataPathWorksLikeAPlainPath() {
        writeIdxSet(dir, true, 0);
        TrainTest viaPath = DataSets.load(config("fashion-mnist", dir.toString(), 0, 0), CONF);
        TrainTest viaUri = DataSets.load(config("fashion-mnist", dir.toUri().toString(), 0, 0), CONF);
        assertEquals(viaPath, viaUri);
    }

    @Test
    void missingFashionMnistSaysHowToInstallIt() {
        String absent = dir.resolve("no-such-folder").toString();
        DataException e = assertThrows(DataException.class,
                () -> DataSets.load(config("fashion-mnist", "", 0, 0), CONF, absent));
        assertEquals("Fashion-MNIST not found in " + absent
                + ": install it with 'apt-get install dataset-fashion-mnist' or set data.path to a folder holding the IDX files",
                e.getMessage());
        // The real default, as users will see it.
        assertEquals("/usr/share/datasets/fashion-mnist", DataSets.FASHION_MNIST_DEFAULT);
    }

    @Test
    void defaultFolderIsReadFromTheLocalDiskWhateverTheDefaultFileSystem() {
        writeIdxSet(dir, true, 0);
        Configuration elsewhere = new Configuration();
        // A default file system that cannot be reached: a bare path would be looked up there and fail.
        elsewhere.set("fs.defaultFS", "nofs:///");
        TrainTest tt = DataSets.load(config("fashion-mnist", "", 0, 0), elsewhere, dir.toString());
        assertArrayEquals(new int[] {9, 8, 7}, tt.test().labels());
        DataException e = assertThrows(DataException.class,
                () -> DataSets.load(config("fashion-mnist", dir.toString(), 0, 0), elsewhere));
        assertEquals(dir + " could not be checked: No FileSystem for scheme \"nofs\"", e.getMessage());
    }

    @Test
    void missingFilesAndFoldersAreNamed() {
        String absent = dir.resolve("nowhere").toString();
        assertEquals("data.path " + absent + " is not a folder: set data.path to a folder holding the Fashion-MNIST IDX files",
                loadError(config("fashion-mnist", absent, 0, 0)).getMessage());
        assertEquals("MNIST has no default location: set data.path to a folder holding the MNIST IDX files"
                        + " (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,"
                        + " gzipped or not)",
                loadError(config("mnist", "", 0, 0)).getMessage());
        TestFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), TestFiles.gzip(TestFiles.idxImages(1, 1, 1, new byte[1])));
        assertEquals("Fashion-MNIST file not found: " + dir + "/train-labels-idx1-ubyte.gz (nor " + dir + "/train-labels-idx1-ubyte)",
                loadError(config("fashion-mnist", dir.toString(), 0, 0)).getMessage());
    }

    /** A CIFAR-10 layout in {@code folder}: batch b holds b+1 records labelled b; the test batch holds 2 records labelled 9. */
    private static void writeCifar10(Path folder) {
        for (int b = 1; b <= 5; b++) {
            int[] labels = new int[b];
            java.util.Arrays.fill(labels, b);
            TestFiles.write(folder.resolve("data_batch_" + b + ".bin"), TestFiles.cifar(null, labels, TestFiles.pixels(b * 3072, b)));
        }
        TestFiles.write(folder.resolve("test_batch.bin"), TestFiles.cifar(null, new int[] {9, 9}, TestFiles.pixels(2 * 3072, 0)));
    }

    @Test
    void cifar10ReadsTheFiveBatchesInOrderAndTheTestBatch() {
        writeCifar10(dir);
        TrainTest tt = DataSets.load(config("cifar10", dir.toString(), 0, 0), CONF);
        assertArrayEquals(new int[] {1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5}, tt.train().labels());
        assertArrayEquals(new int[] {9, 9}, tt.test().labels());
        assertEquals(new Shape.Image(3, 32, 32), tt.train().shape());
        assertEquals("cifar10", tt.train().name());
    }

    @Test
    void cifar10IsAlsoFoundInTheArchivesSubfolder() {
        writeCifar10(dir.resolve("cifar-10-batches-bin"));
        TrainTest tt = DataSets.load(config("cifar10", dir.toString(), 4, 0), CONF);
        assertArrayEquals(new int[] {1, 2, 2, 3}, tt.train().labels());
        assertEquals(2, tt.test().size());
    }

    @Test
    void cifar100ReadsTrainAndTestFromTheSubfolder() {
        Path sub = dir.resolve("cifar-100-binary");
        TestFiles.write(sub.resolve("train.bin"), TestFiles.cifar(new int[] {1, 2, 3}, new int[] {10, 99, 0}, new byte[3 * 3072]));
        TestFiles.write(sub.resolve("test.bin"), TestFiles.cifar(new int[] {4}, new int[] {50}, new byte[3072]));
        TrainTest tt = DataSets.load(config("cifar100", dir.toString(), 0, 0), CONF);
        assertArrayEquals(new int[] {10, 99, 0}, tt.train().labels());
        assertArrayEquals(new int[] {50}, tt.test().labels());
        assertEquals(100, tt.test().numClasses());
    }

    @Test
    void cifarHasNoDefaultAndMissingFilesAreNamed() {
        assertEquals("CIFAR-10 cannot be downloaded by this tool: download the binary version (cifar-10-binary.tar.gz),"
                        + " unpack it and set data.path to the folder holding data_batch_1.bin",
                loadError(config("cifar10", "", 0, 0)).getMessage());
        assertEquals("CIFAR-100 cannot be downloaded by this tool: download the binary version (cifar-100-binary.tar.gz),"
                        + " unpack it and set data.path to the folder holding train.bin",
                loadError(config("cifar100", "", 0, 0)).getMessage());
        assertEquals("CIFAR-10 file not found: " + dir + "/data_batch_1.bin (nor " + dir + "/cifar-10-batches-bin/data_batch_1.bin)",
                loadError(config("cifar10", dir.toString(), 0, 0)).getMessage());

        writeCifar10(dir);
        dir.resolve("data_batch_4.bin").toFile().delete();
        assertEquals("CIFAR-10 file not found: " + dir + "/data_batch_4.bin",
                loadError(config("cifar10", dir.toString(), 0, 0)).getMessage());
    }

    @Test
    void requireFilesNamesWhatIsMissingWithoutReadingAnything() {
        assertEquals(List.of(), DataSets.requireLocalFiles(config("synthetic", "", 0, 0)));
        String absent = dir.resolve("nowhere").toString();
        assertEquals("data.path file:" + absent + " is not a folder: set data.path to a folder holding the Fashion-MNIST IDX files",
                assertThrows(DataException.class, () -> DataSets.requireLocalFiles(config("fashion-mnist", "file:" + absent, 0, 0))).getMessage());
        assertEquals("Fashion-MNIST not found in " + absent + ": install it with 'apt-get install dataset-fashion-mnist'"
                        + " or set data.path to a folder holding the IDX files",
                assertThrows(DataException.class, () -> DataSets.requireFiles(config("fashion-mnist", "", 0, 0), DataSets.Lookup.LOCAL, absent)).getMessage());
        writeCifar10(dir);
        dir.resolve("test_batch.bin").toFile().delete();
        assertEquals("CIFAR-10 file not found: " + dir + "/test_batch.bin",
                assertThrows(DataException.class, () -> DataSets.requireLocalFiles(config("cifar10", dir.toString(), 0, 0))).getMessage());
        // files that are there but hold garbage pass: only their presence is checked
        TestFiles.write(dir.resolve("test_batch.bin"), new byte[] {1, 2, 3});
        assertEquals(6, DataSets.requireLocalFiles(config("cifar10", dir.toString(), 0, 0)).size());
    }

    @Test
    void syntheticIsFixedSizeAndSeededByAConstant() {
        TrainTest tt = DataSets.load(config("synthetic", "", 0, 0), CONF);
        assertEquals(2048, tt.train().size());
        assertEquals(512, tt.test().size());
        assertEquals(new Shape.Image(3, 16, 16), tt.train().shape());
        assertEquals(10, tt.train().numClasses());
        assertEquals(tt, DataSets.load(config("synthetic", "", 0, 0), CONF));

        TrainTest limited = DataSets.load(config("synthetic", "", 100, 50), CONF);
        assertEquals(tt.train().first(100), limited.train());
        assertEquals(tt.test().first(50), limited.test());
    }
}
