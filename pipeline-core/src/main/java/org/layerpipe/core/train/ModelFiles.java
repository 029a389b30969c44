package org.layerpipe.core.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the network files of imported models ({@code dl4j:PATH}) through Hadoop's
 * {@code FileSystem}, as the data sets are read: local paths, {@code file:}, {@code hdfs:} and
 * {@code s3a:} URIs. Every failure is one sentence naming the path as the user wrote it.
 */
public final class ModelFiles {

    private ModelFiles() {
    }

    /** The whole file. */
    public static byte[] read(String path) {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw unreadable(path, e);
        }
    }

    /** SHA-256 of the file's content, hex; read as a stream, so large files need no memory. */
    public static String sha256(String path) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = open(path)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw unreadable(path, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of {@code bytes}, hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static InputStream open(String path) {
        if (path == null || path.isBlank()) {
            throw new ModelImportException("the model file path is empty: write dl4j:PATH with a local path or a file:, hdfs: or s3a: URI");
        }
        Path p;
        try {
            p = new Path(path);
        } catch (IllegalArgumentException e) {
            throw new ModelImportException("model file " + path + " is not a valid path or URI: " + e.getMessage(), e);
        }
        try {
            FileSystem fs = p.getFileSystem(new Configuration());
            if (fs.getFileStatus(p).isDirectory()) {
                throw new ModelImportException("model file " + path + " is a folder: give the network's .json or .zip file");
            }
            return fs.open(p);
        } catch (FileNotFoundException e) {
            throw new ModelImportException("model file not found: " + path, e);
        } catch (IOException e) {
            throw unreadable(path, e);
        }
    }

    private static ModelImportException unreadable(String path, Exception e) {
        return new ModelImportException("model file " + path + " could not be read: " + e.getMessage(), e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
