package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.layerpipe.core.model.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads the binary version of CIFAR-10 and CIFAR-100 ({@code cifar-10-binary.tar.gz},
 * {@code cifar-100-binary.tar.gz}, unpacked). A file is a sequence of fixed-size records:
 * CIFAR-10 has 1 label byte then 3072 pixel bytes; CIFAR-100 has a coarse label byte (20
 * superclasses), a fine label byte (100 classes, the one used here) then 3072 pixel bytes.
 * The pixels are 1024 red, 1024 green, 1024 blue, each plane 32x32 row-major: already NCHW.
 */
public final class CifarReader {

    /** Shape of every CIFAR image. */
    public static final Shape.Image SHAPE = new Shape.Image(3, 32, 32);

    private static final int PIXELS = 3 * 32 * 32;
    private static final int COARSE_CLASSES = 20;

    private CifarReader() {
    }

    /**
     * Reads the records of all {@code paths}, in order, into one data set.
     *
     * @param name     the data set's name
     * @param paths    binary batch files (any Hadoop paths), e.g. {@code data_batch_1.bin .. data_batch_5.bin}
     * @param cifar100 {@code true} for the CIFAR-100 layout (coarse + fine label, 100 classes), {@code false} for CIFAR-10
     * @param conf     Hadoop configuration used to reach the files
     * @throws DataException if a file is missing, not a whole number of records, or holds a label out of range
     */
    public static Dataset read(String name, List<String> paths, boolean cifar100, Configuration conf) {
        String kind = cifar100 ? "CIFAR-100" : "CIFAR-10";
        if (paths == null || paths.isEmpty()) {
            throw new DataException("no " + kind + " files given for '" + name + "': pass at least one binary batch file");
        }
        int labelBytes = cifar100 ? 2 : 1;
        int recordLength = labelBytes + PIXELS;
        int numClasses = cifar100 ? 100 : 10;

        // Check every file's size before reading any, so a bad last file fails in milliseconds.
        long[] lengths = new long[paths.size()];
        long total = 0;
        for (int f = 0; f < paths.size(); f++) {
            String path = paths.get(f);
            lengths[f] = DataFiles.length(path, kind, conf);
            if (lengths[f] == 0) {
                throw new DataException(path + " is not a " + kind + " binary file: it is empty");
            }
            if (lengths[f] % recordLength != 0) {
                throw new DataException(path + " is not a " + kind + " binary file: " + lengths[f]
                        + " bytes is not a whole number of " + recordLength + "-byte records");
            }
            total += lengths[f] / recordLength;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new DataException(kind + " files " + paths + " hold " + total + " images, more than one Java array can hold");
        }

        float[] features = new float[(int) total * PIXELS];
        int[] labels = new int[(int) total];
        int example = 0;
        for (int f = 0; f < paths.size(); f++) {
            String path = paths.get(f);
            byte[] bytes = readAll(path, kind, lengths[f], conf);
            int records = bytes.length / recordLength;
            for (int r = 0; r < records; r++, example++) {
                int at = r * recordLength;
                if (cifar100) {
                    int coarse = bytes[at] & 0xFF;
                    if (coarse >= COARSE_CLASSES) {
                        throw new DataException(path + ": coarse label " + coarse + " at index " + r + " is outside 0.."
                                + (COARSE_CLASSES - 1));
                    }
                }
                int label = bytes[at + labelBytes - 1] & 0xFF;
                if (label >= numClasses) {
                    throw new DataException(path + ": label " + label + " at index " + r + " is outside 0.." + (numClasses - 1));
                }
                labels[example] = label;
                int src = at + labelBytes;
                int dst = example * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    features[dst + p] = bytes[src + p] & 0xFF;
                }
            }
        }
        return new Dataset(name, SHAPE, numClasses, features, labels);
    }

    private static byte[] readAll(String path, String kind, long length, Configuration conf) {
        try (InputStream in = DataFiles.open(path, kind, conf)) {
            byte[] bytes = DataFiles.readUpTo(in, length);
            if (bytes.length != length) {
                // The file shrank between the size check and the read (e.g. still being copied).
                throw new DataException(path + " changed while it was read: expected " + length + " bytes, got " + bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw new DataException(path + " could not be read: " + e.getMessage(), e);
        }
    }
}
