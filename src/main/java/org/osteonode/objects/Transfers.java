package org.osteonode.objects;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies that compute the SHA-256 of what passes through them, and the verified arrival of a download. */
final class Transfers {
    private static final int BUFFER = 256 * 1024;

    private Transfers() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Copies {@code in} to {@code out}; returns how many bytes, with their SHA-256 in {@code digest}. */
    static long copy(InputStream in, FileChannel out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long size = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            digest.update(buffer, 0, n);
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            size += n;
        }
        return size;
    }

    /** The SHA-256 of a file, read once. */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    static String hex(byte[] sha256) {
        return HexFormat.of().formatHex(sha256);
    }

    /**
     * Receives an object's bytes beside {@code target}, and renames them over it only when their size and SHA-256
     * are those recorded at put: a corrupt download never takes {@code target}'s place.
     *
     * @param recordedSha256 null when the store has no record: refused, as nothing can be verified
     */
    static ObjectStore.Stored receive(String key, InputStream in, String recordedSha256, long recordedSize,
                                      Path target) throws IOException {
        if (recordedSha256 == null) {
            throw new ObjectStore.CorruptObjectException(key, "no SHA-256 was recorded with it, so it cannot be"
                    + " verified (was it written by something other than osteonode's object store?)");
        }
        Path absolute = target.toAbsolutePath();
        Path part = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
        try {
            MessageDigest digest = sha256();
            long size;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
                size = copy(in, out, digest);
            }
            String sha256 = hex(digest.digest());
            if (size != recordedSize || !sha256.equals(recordedSha256)) {
                throw new ObjectStore.CorruptObjectException(key, "read " + size + " bytes with SHA-256 " + sha256
                        + ", stored " + recordedSize + " bytes with SHA-256 " + recordedSha256);
            }
            Files.move(part, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new ObjectStore.Stored(key, size, sha256);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
