package org.osteonode.objects;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whole objects (a spooled DICOM file, a de-identified one, a workspace or outbox file) under pseudonymous keys:
 * the bytes the pipeline keeps, on a local disk ({@link FileObjectStore}) or in an S3-compatible bucket
 * ({@link S3ObjectStore}) that several nodes share.
 *
 * <p>The contract, the same for every implementation:
 * <ul>
 *   <li>{@link #put} is durable when it returns, and records the object's SHA-256 and size with it. The same key
 *       again replaces the object (last writer wins, as in S3), so putting the same bytes again is harmless: a
 *       retry after a lost answer is safe. Who may write a key first is decided elsewhere (the claims in
 *       PostgreSQL), not here.</li>
 *   <li>{@link #get} verifies the SHA-256 and size it reads against what {@link #put} recorded, and gives the file
 *       only when they agree ({@link CorruptObjectException} otherwise): a reader never sees altered bytes.</li>
 *   <li>{@link #delete} of a key that is not there is not an error.</li>
 *   <li>Keys are checked by {@link ObjectKey#check}: a key that breaks the rules is refused before any I/O.</li>
 *   <li>An unreachable store is an {@link IOException} within the configured timeouts, never a hang.</li>
 * </ul>
 */
public interface ObjectStore extends Closeable {
    /**
     * The largest object: S3's limit for a single PUT. Multipart upload, which larger objects would need, is not
     * implemented; the largest DICOM objects the node sees (a CT or tomosynthesis series in one enhanced
     * multi-frame object) stay well below it.
     */
    long MAX_OBJECT_BYTES = 5L * 1024 * 1024 * 1024;

    /** An object as stored: its key, its size in bytes and its SHA-256 (lower-case hex). */
    record Stored(String key, long size, String sha256) {
    }

    /**
     * Stores a copy of {@code file} under {@code key}, replacing what was there.
     *
     * @throws IOException the file is larger than {@link #MAX_OBJECT_BYTES}, or the store failed; nothing under
     *                     the key has changed unless the call returned
     */
    Stored put(String key, Path file) throws IOException;

    /**
     * Writes the object to {@code target}, replacing it, after its SHA-256 and size are verified; on failure
     * {@code target} is left as it was.
     *
     * @throws NoSuchFileException    no object under the key
     * @throws CorruptObjectException the bytes are not those that were put
     */
    Stored get(String key, Path target) throws IOException;

    /** Removes the object; a key with no object is not an error. */
    void delete(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /**
     * The keys that start with {@code prefix} ({@code ""} for all), in lexicographic order. The whole answer is
     * read (page after page, for S3) before it returns: meant for a study's or a folder's keys, not a
     * bucket of millions.
     */
    List<String> list(String prefix) throws IOException;

    /**
     * Deletes every object whose key starts with {@code prefix} (a study's, a folder's: what {@link #list} is meant
     * for), one {@link #delete} each; returns how many there were. An object put under the prefix meanwhile may
     * stay.
     */
    default int deleteAll(String prefix) throws IOException {
        List<String> keys = list(prefix);
        for (String key : keys) {
            delete(key);
        }
        return keys.size();
    }

    /** The SHA-256 (lower-case hex) a {@link #put} of {@code file} records: for keys that name their content. */
    static String sha256(Path file) throws IOException {
        return Transfers.hex(Transfers.sha256(file));
    }

    /** Releases connections; a {@link FileObjectStore} holds none. */
    @Override
    default void close() throws IOException {
    }

    /** The bytes read are not the bytes that were put: changed at rest, in transit, or never recorded. */
    final class CorruptObjectException extends IOException {
        public CorruptObjectException(String key, String what) {
            super("object '" + key + "' is corrupt: " + what
                    + "; put it again from its source, or treat it as lost");
        }
    }

    /** Stops an object above {@link #MAX_OBJECT_BYTES} before anything is read or sent. */
    static long checkSize(String key, long size) throws IOException {
        if (size > MAX_OBJECT_BYTES) {
            throw new IOException("object '" + key + "' is " + size + " bytes, above the " + MAX_OBJECT_BYTES
                    + "-byte limit of a single S3 PUT; multipart upload is not implemented");
        }
        return size;
    }
}
