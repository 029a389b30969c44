package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.layerpipe.core.model.Shape;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the train and test sets a {@link DataConfig} names, from its {@code path} (any Hadoop
 * path) or the data set's default location, and applies its train/test limits.
 *
 * <ul>
 *   <li>{@code fashion-mnist}: the four IDX files, gzipped or not, in {@code data.path} or by
 *       default {@value #FASHION_MNIST_DEFAULT} (Debian package {@code dataset-fashion-mnist});
 *   <li>{@code mnist}: the same four IDX file names in {@code data.path} (no default);
 *   <li>{@code cifar10}: {@code data_batch_1.bin .. data_batch_5.bin} and {@code test_batch.bin}
 *       in {@code data.path} or its {@code cifar-10-batches-bin/} subfolder (no default);
 *   <li>{@code cifar100}: {@code train.bin} and {@code test.bin} in {@code data.path} or its
 *       {@code cifar-100-binary/} subfolder (no default);
 *   <li>{@code synthetic}: {@link SyntheticData}, 3x16x16, 10 classes, 2048 train / 512 test.
 * </ul>
 */
public final class DataSets {

    /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
    public static final String FASHION_MNIST_DEFAULT = "/usr/share/datasets/fashion-mnist";

    public static final Shape.Image SYNTHETIC_SHAPE = new Shape.Image(3, 16, 16);
    public static final int SYNTHETIC_CLASSES = 10;
    public static final int SYNTHETIC_TRAIN = 2048;
    public static final int SYNTHETIC_TEST = 512;
    /**
     * Seed of the synthetic set. Constant, not the trial seed, so that every trial of a sweep
     * trains on the same data and seeds vary only initialisation, shuffling and augmentation.
     */
    public static final long SYNTHETIC_SEED = 20251208L;

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private DataSets() {
    }

    /** Shape of one example of data set {@code name} (known without reading it, for validating sweeps). */
    public static Shape.Image inputShape(String name) {
        return switch (name) {
            case "fashion-mnist", "mnist" -> new Shape.Image(1, 28, 28);
            case "cifar10", "cifar100" -> CifarReader.SHAPE;
            case "synthetic" -> SYNTHETIC_SHAPE;
            default -> throw new IllegalArgumentException("unknown data set '" + name + "'");
        };
    }

    /** Number of classes of data set {@code name}. */
    public static int numClasses(String name) {
        return switch (name) {
            case "cifar100" -> 100;
            case "synthetic" -> SYNTHETIC_CLASSES;
            default -> 10;
        };
    }

    /**
     * Where {@code config}'s data is read from, as a user would name it: its {@code data.path},
     * the default folder of Fashion-MNIST, or {@code generated} for the synthetic set.
     */
    public static String location(DataConfig config) {
        if (!config.path().isEmpty()) {
            return config.path();
        }
        return switch (config.name()) {
            case "fashion-mnist" -> FASHION_MNIST_DEFAULT;
            case "synthetic" -> "generated";
            default -> "";
        };
    }

    /**
     * Loads the data set that {@code config} names, limited to its first
     * {@code trainLimit}/{@code testLimit} examples (0 = all).
     *
     * @param conf Hadoop configuration used to reach the files
     * @throws DataException if the data is missing or a file is malformed; the message says how to fix it
     */
    public static TrainTest load(DataConfig config, Configuration conf) {
        return load(config, conf, FASHION_MNIST_DEFAULT);
    }

    /**
     * Checks that every file the data set of {@code config} is read from is on this machine's disk,
     * without reading them (for validating a sweep before it runs): for a {@code data.path} that is a
     * plain path or a {@code file:} URI, or empty (the default location). Looked up directly, not
     * through Hadoop, whose start alone takes seconds.
     *
     * @return the files, train before test; empty for the synthetic set
     * @throws DataException naming the first missing file or folder, as {@link #load} would
     */
    public static List<String> requireLocalFiles(DataConfig config) {
        return requireFiles(config, Lookup.LOCAL, FASHION_MNIST_DEFAULT);
    }

    /** {@link #requireLocalFiles} with another default Fashion-MNIST folder (tests). */
    static List<String> requireFiles(DataConfig config, Lookup fs, String fashionMnistDefault) {
        return switch (config.name()) {
            case "fashion-mnist" -> idxFiles(fashionMnistFolder(config, fs, fashionMnistDefault), "Fashion-MNIST", fs);
            case "mnist" -> idxFiles(mnistFolder(config, fs), "MNIST", fs);
            case "cifar10" -> cifar10Files(config, fs);
            case "cifar100" -> cifar100Files(config, fs);
            default -> List.of();
        };
    }

    /** {@link #load(DataConfig, Configuration)} with another default Fashion-MNIST folder (tests). */
    static TrainTest load(DataConfig config, Configuration conf, String fashionMnistDefault) {
        if (config == null) {
            throw new DataException("no data configuration given: pass a DataConfig naming one of " + String.join(", ", DataConfig.NAMES));
        }
        TrainTest all = switch (config.name()) {
            case "fashion-mnist" -> idx(config.name(), "Fashion-MNIST", fashionMnistFolder(config, Lookup.hadoop(conf), fashionMnistDefault), conf);
            case "mnist" -> idx(config.name(), "MNIST", mnistFolder(config, Lookup.hadoop(conf)), conf);
            case "cifar10", "cifar100" -> cifar(config, conf);
            case "synthetic" -> synthetic();
            default -> throw new DataException("unknown data set '" + config.name() + "': use one of "
                    + String.join(", ", DataConfig.NAMES));
        };
        return new TrainTest(all.train().first(config.trainLimit()), all.test().first(config.testLimit()));
    }

    private static String fashionMnistFolder(DataConfig config, Lookup fs, String defaultFolder) {
        if (!config.path().isEmpty()) {
            return givenFolder(config.path(), "Fashion-MNIST IDX files", fs);
        }
        // The package installs on the local disk: read it with file: even where the cluster's
        // default file system is HDFS, on which the bare path would be looked up otherwise.
        String local = defaultFolder.startsWith("/") ? "file:" + defaultFolder : defaultFolder;
        if (!fs.isDirectory(local)) {
            throw new DataException("Fashion-MNIST not found in " + defaultFolder
                    + ": install it with 'apt-get install dataset-fashion-mnist' or set data.path to a folder holding the IDX files");
        }
        return local;
    }

    private static String mnistFolder(DataConfig config, Lookup fs) {
        if (config.path().isEmpty()) {
            throw new DataException("MNIST has no default location: set data.path to a folder holding the MNIST IDX files ("
                    + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + ", " + TEST_LABELS + ", gzipped or not)");
        }
        return givenFolder(config.path(), "MNIST IDX files", fs);
    }

    private static String givenFolder(String path, String holding, Lookup fs) {
        if (!fs.isDirectory(path)) {
            throw new DataException("data.path " + path + " is not a folder: set data.path to a folder holding the " + holding);
        }
        return path;
    }

    private static TrainTest idx(String name, String kind, String folder, Configuration conf) {
        List<String> f = idxFiles(folder, kind, Lookup.hadoop(conf));
        return new TrainTest(IdxReader.read(name, f.get(0), f.get(1), 10, conf), IdxReader.read(name, f.get(2), f.get(3), 10, conf));
    }

    /** Train images, train labels, test images, test labels. */
    private static List<String> idxFiles(String folder, String kind, Lookup fs) {
        return List.of(idxFile(folder, TRAIN_IMAGES, kind, fs), idxFile(folder, TRAIN_LABELS, kind, fs),
                idxFile(folder, TEST_IMAGES, kind, fs), idxFile(folder, TEST_LABELS, kind, fs));
    }

    /** The gzipped file if present (as Debian ships them), else the un-gzipped one. */
    private static String idxFile(String folder, String base, String kind, Lookup fs) {
        String gz = DataFiles.child(folder, base + ".gz");
        if (fs.isFile(gz)) {
            return gz;
        }
        String plain = DataFiles.child(folder, base);
        if (fs.isFile(plain)) {
            return plain;
        }
        throw new DataException(kind + " file not found: " + gz + " (nor " + plain + ")");
    }

    /** CIFAR-10 or CIFAR-100: their training batches, then the test batch. */
    private static TrainTest cifar(DataConfig config, Configuration conf) {
        boolean cifar100 = config.name().equals("cifar100");
        List<String> files = cifar100 ? cifar100Files(config, Lookup.hadoop(conf)) : cifar10Files(config, Lookup.hadoop(conf));
        int test = files.size() - 1;
        return new TrainTest(
                CifarReader.read(config.name(), files.subList(0, test), cifar100, conf),
                CifarReader.read(config.name(), files.subList(test, test + 1), cifar100, conf));
    }

    private static List<String> cifar10Files(DataConfig config, Lookup fs) {
        String folder = cifarFolder(config, "CIFAR-10", "cifar-10-binary.tar.gz", "cifar-10-batches-bin", "data_batch_1.bin", fs);
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            files.add(DataFiles.child(folder, "data_batch_" + i + ".bin"));
        }
        files.add(DataFiles.child(folder, "test_batch.bin"));
        return requirePresent(files, "CIFAR-10", fs);
    }

    private static List<String> cifar100Files(DataConfig config, Lookup fs) {
        String folder = cifarFolder(config, "CIFAR-100", "cifar-100-binary.tar.gz", "cifar-100-binary", "train.bin", fs);
        return requirePresent(List.of(DataFiles.child(folder, "train.bin"), DataFiles.child(folder, "test.bin")), "CIFAR-100", fs);
    }

    private static List<String> requirePresent(List<String> files, String kind, Lookup fs) {
        for (String f : files) {
            if (!fs.isFile(f)) {
                throw new DataException(kind + " file not found: " + f);
            }
        }
        return files;
    }

    /** {@code data.path} itself, or its subfolder as the archive unpacks, whichever holds {@code firstFile}. */
    private static String cifarFolder(DataConfig config, String kind, String archive, String subfolder, String firstFile,
                                      Lookup fs) {
        String path = config.path();
        if (path.isEmpty()) {
            throw new DataException(kind + " cannot be downloaded by this tool: download the binary version (" + archive
                    + "), unpack it and set data.path to the folder holding " + firstFile);
        }
        if (fs.isFile(DataFiles.child(path, firstFile))) {
            return path;
        }
        String sub = DataFiles.child(path, subfolder);
        if (fs.isFile(DataFiles.child(sub, firstFile))) {
            return sub;
        }
        givenFolder(path, kind + " binary files (" + archive + ", unpacked)", fs);
        throw new DataException(kind + " file not found: " + DataFiles.child(path, firstFile)
                + " (nor " + DataFiles.child(sub, firstFile) + ")");
    }

    private static TrainTest synthetic() {
        Dataset all = SyntheticData.generate("synthetic", SYNTHETIC_SHAPE, SYNTHETIC_CLASSES, SYNTHETIC_TRAIN + SYNTHETIC_TEST,
                SYNTHETIC_SEED);
        // One generated set split in two, so train and test share the class prototypes.
        return new TrainTest(all.range(0, SYNTHETIC_TRAIN), all.range(SYNTHETIC_TRAIN, SYNTHETIC_TRAIN + SYNTHETIC_TEST));
    }

    /** Whether a path names a file or a folder: through Hadoop for loading, on the local disk for {@link #requireLocalFiles}. */
    interface Lookup {

        Lookup LOCAL = new Lookup() {
            @Override
            public boolean isFile(String path) {
                return Files.isRegularFile(localPath(path));
            }

            @Override
            public boolean isDirectory(String path) {
                return Files.isDirectory(localPath(path));
            }
        };

        boolean isFile(String path);

        boolean isDirectory(String path);

        static Lookup hadoop(Configuration conf) {
            return new Lookup() {
                @Override
                public boolean isFile(String path) {
                    return DataFiles.isFile(path, conf);
                }

                @Override
                public boolean isDirectory(String path) {
                    return DataFiles.isDirectory(path, conf);
                }
            };
        }
    }

    /** A plain path, or a {@code file:} URI ({@code file:/x}, {@code file:///x}), on the local disk. */
    private static java.nio.file.Path localPath(String path) {
        String p = path.startsWith("file://") ? path.substring("file://".length()) : path.startsWith("file:") ? path.substring("file:".length()) : path;
        try {
            return java.nio.file.Path.of(p);
        } catch (InvalidPathException e) {
            // a name no file can have (e.g. a NUL in it): looked up as a path that does not exist
            return java.nio.file.Path.of("/nonexistent/" + Integer.toHexString(p.hashCode()));
        }
    }
}
