package org.layerpipe.core.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * File access for the data readers, through Hadoop's {@code FileSystem} so that local paths,
 * {@code file:}, {@code hdfs:} and {@code s3a:} URIs all work. Every failure becomes a
 * {@link DataException} naming the path as the user wrote it.
 */
final class DataFiles {

    private DataFiles() {
    }

    /** Opens {@code path} for reading; {@code kind} names the data in the not-found message ("CIFAR-10"). */
    static InputStream open(String path, String kind, Configuration conf) {
        Path p = toPath(path, kind);
        try {
            return fileSystem(p, path, conf).open(p);
        } catch (FileNotFoundException e) {
            throw new DataException(kind + " file not found: " + path, e);
        } catch (IOException e) {
            throw new DataException(path + " could not be opened: " + e.getMessage(), e);
        }
    }

    /** The length of the file at {@code path} in bytes. */
    static long length(String path, String kind, Configuration conf) {
        FileStatus status = status(path, kind, conf);
        if (status == null || status.isDirectory()) {
            throw new DataException(kind + " file not found: " + path);
        }
        return status.getLen();
    }

    /** Whether {@code path} is an existing file (not a folder). */
    static boolean isFile(String path, Configuration conf) {
        FileStatus status = status(path, "data", conf);
        return status != null && status.isFile();
    }

    /** Whether {@code path} is an existing folder. */
    static boolean isDirectory(String path, Configuration conf) {
        FileStatus status = status(path, "data", conf);
        return status != null && status.isDirectory();
    }

    /** {@code folder/name}, keeping the folder's scheme and authority ({@code hdfs://nn/x} + {@code y}). */
    static String child(String folder, String name) {
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }

    /**
     * Reads at most {@code max} bytes, fewer if the stream ends first. The buffer grows as
     * bytes arrive, so a corrupt header announcing gigabytes cannot allocate them up front.
     */
    static byte[] readUpTo(InputStream in, long max) throws IOException {
        int limit = (int) Math.min(max, Integer.MAX_VALUE - 8);
        byte[] buf = new byte[Math.min(limit, 1 << 20)];
        int n = 0;
        while (n < limit) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /** Counts the bytes left in the stream (to report how much a file is too long). */
    static long countRemaining(InputStream in) throws IOException {
        long n = 0;
        byte[] skip = new byte[8192];
        int r;
        while ((r = in.read(skip)) >= 0) {
            n += r;
        }
        return n;
    }

    private static FileStatus status(String path, String kind, Configuration conf) {
        Path p = toPath(path, kind);
        try {
            return fileSystem(p, path, conf).getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new DataException(path + " could not be checked: " + e.getMessage(), e);
        }
    }

    private static FileSystem fileSystem(Path p, String path, Configuration conf) throws IOException {
        if (conf == null) {
            throw new DataException("no Hadoop configuration given to read " + path
                    + ": pass new org.apache.hadoop.conf.Configuration() for the defaults");
        }
        return p.getFileSystem(conf);
    }

    private static Path toPath(String path, String kind) {
        if (path == null || path.isBlank()) {
            throw new DataException("the " + kind + " file path is empty: give a local path or a file:, hdfs: or s3a: URI");
        }
        try {
            return new Path(path);
        } catch (IllegalArgumentException e) {
            throw new DataException(path + " is not a valid path or URI: " + e.getMessage(), e);
        }
    }
}
