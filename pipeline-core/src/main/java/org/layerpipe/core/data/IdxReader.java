package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.layerpipe.core.model.Shape;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an image set in the IDX format of MNIST and Fashion-MNIST: an images file (magic
 * {@code 0x00000803}: unsigned bytes, 3 dimensions count × rows × columns) and a labels file
 * (magic {@code 0x00000801}: unsigned bytes, 1 dimension), all integers big-endian. Either
 * file may be gzipped; that is detected from its first bytes ({@code 1f 8b}), not its name.
 * Pixels stay raw (0..255 as floats); see {@link Normalization}.
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /**
     * Reads one set (train or test) of single-channel images and their labels.
     *
     * @param name       the data set's name; {@code fashion-mnist} and {@code mnist} also name the data in messages
     * @param imagesPath the IDX images file (any Hadoop path)
     * @param labelsPath the IDX labels file (any Hadoop path)
     * @param numClasses labels must lie in {@code 0..numClasses-1}
     * @param conf       Hadoop configuration used to reach the files
     * @throws DataException if a file is missing, not IDX, truncated, corrupt or inconsistent
     */
    public static Dataset read(String name, String imagesPath, String labelsPath, int numClasses, Configuration conf) {
        if (numClasses < 1) {
            throw new DataException("numClasses for " + imagesPath + " is " + numClasses + ": it must be at least 1");
        }
        String kind = kind(name);
        Images images = readImages(imagesPath, kind, conf);
        int[] labels = readLabels(labelsPath, kind, numClasses, conf);
        if (labels.length != images.count) {
            throw new DataException(imagesPath + " holds " + images.count + " images but " + labelsPath + " holds "
                    + labels.length + " labels: use the images and labels files of the same set");
        }
        return new Dataset(name, new Shape.Image(1, images.rows, images.cols), numClasses, images.pixels, labels);
    }

    private record Images(int count, int rows, int cols, float[] pixels) {
    }

    private static Images readImages(String path, String kind, Configuration conf) {
        return withStream(path, kind, conf, in -> {
            int[] header = readHeader(in, path, 16, "image", IMAGES_MAGIC);
            int count = header[1];
            int rows = header[2];
            int cols = header[3];
            if (count < 1 || rows < 1 || cols < 1) {
                throw new DataException(path + " has an invalid IDX header: " + count + " images of " + rows + "x" + cols
                        + " (each must be at least 1)");
            }
            long expected = (long) count * rows * cols;
            String announced = count + " images of " + rows + "x" + cols + " (" + expected + " bytes)";
            if (expected > Integer.MAX_VALUE - 8) {
                throw new DataException(path + " is too large: its header announces " + announced
                        + ", more than one Java array can hold");
            }
            byte[] bytes = DataFiles.readUpTo(in, expected);
            checkLength(in, path, bytes.length, expected, announced);
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = bytes[i] & 0xFF;
            }
            return new Images(count, rows, cols, pixels);
        });
    }

    private static int[] readLabels(String path, String kind, int numClasses, Configuration conf) {
        return withStream(path, kind, conf, in -> {
            int[] header = readHeader(in, path, 8, "label", LABELS_MAGIC);
            int count = header[1];
            if (count < 1) {
                throw new DataException(path + " has an invalid IDX header: " + count + " labels (must be at least 1)");
            }
            String announced = count + " labels (" + count + " bytes)";
            byte[] bytes = DataFiles.readUpTo(in, count);
            checkLength(in, path, bytes.length, count, announced);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
                if (labels[i] >= numClasses) {
                    throw new DataException(path + ": label " + labels[i] + " at index " + i + " is outside 0.." + (numClasses - 1));
                }
            }
            return labels;
        });
    }

    private interface StreamReader<T> {
        T read(InputStream in) throws IOException;
    }

    /** Opens {@code path} (un-gzipping when it starts with the gzip magic), reads it, and maps I/O failures to messages. */
    private static <T> T withStream(String path, String kind, Configuration conf, StreamReader<T> reader) {
        boolean gzip = false;
        try (InputStream raw = new BufferedInputStream(DataFiles.open(path, kind, conf), 1 << 16)) {
            raw.mark(2);
            gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return reader.read(in);
        } catch (ZipException | EOFException e) {
            // Only GZIPInputStream throws these here: the readers count bytes themselves and
            // report a short plain file as truncated.
            if (gzip) {
                throw new DataException(path + " is a corrupt gzip file: it starts with the gzip magic bytes 1f 8b"
                        + " but does not decompress (" + e.getMessage() + ")", e);
            }
            throw new DataException(path + " could not be read: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(path + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the header's {@code bytes / 4} big-endian ints, the first being the magic number.
     * The magic is checked first, so a short file of another kind is named as such, not as truncated.
     */
    private static int[] readHeader(InputStream in, String path, int bytes, String what, int magic) throws IOException {
        byte[] b = DataFiles.readUpTo(in, bytes);
        if (b.length >= 4) {
            int found = bigEndianInt(b, 0);
            if (found != magic) {
                throw new DataException(path + " is not an IDX " + what + " file: magic number " + hex(found)
                        + " (expected " + hex(magic) + ")");
            }
        }
        if (b.length < bytes) {
            throw new DataException(path + " is truncated: it ends inside the " + bytes + "-byte IDX " + what
                    + " header (" + b.length + " bytes)");
        }
        int[] ints = new int[bytes / 4];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = bigEndianInt(b, 4 * i);
        }
        return ints;
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** Fails unless exactly {@code expected} bytes followed the header; {@code announced} says what they hold. */
    private static void checkLength(InputStream in, String path, long read, long expected, String announced) throws IOException {
        if (read < expected) {
            throw new DataException(path + " is truncated: the header announces " + announced + " but only " + read
                    + " bytes follow");
        }
        long extra = DataFiles.countRemaining(in);
        if (extra > 0) {
            throw new DataException(path + " is not a valid IDX file: the header announces " + announced + " but "
                    + extra + " more bytes follow");
        }
    }

    private static String hex(int magic) {
        return String.format(Locale.ROOT, "0x%08x", magic);
    }

    /** How messages name the data: "Fashion-MNIST file not found: ...". */
    private static String kind(String name) {
        if (name == null) {
            return "IDX";
        }
        return switch (name) {
            case "fashion-mnist" -> "Fashion-MNIST";
            case "mnist" -> "MNIST";
            default -> "IDX";
        };
    }
}
