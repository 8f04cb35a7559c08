package org.osteonode.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Objects as files in a directory, for a single node and for tests: the key {@code a/b/c.dcm} is the file
 * {@code a/b/c.dcm}, and its SHA-256 and size are recorded beside it in {@code a/b/.c.dcm.sha256}.
 *
 * <p>A put writes the record, then the object, each to a hidden file beside its target, forced and renamed into
 * place ({@link DurableFiles}), the directory forced after each rename: an object that exists has its record.
 * A crash between the two renames while replacing an object with different bytes leaves the old object with the
 * new record, which {@link #get} reports as corrupt (never as good) until the put is retried.
 *
 * <p>Directories emptied by {@link #delete} stay: removing them would race with a put creating a file in them.
 * {@link #deleteAll} removes the directories it empties (a study's, whose objects all go at once), or a node would
 * keep one empty directory per study for ever; it takes that race, which is rare there and fails loudly (below).
 */
public final class FileObjectStore implements ObjectStore {
    private static final String RECORD_SUFFIX = ".sha256";

    private final Path root;

    public FileObjectStore(Path root) {
        this.root = root.toAbsolutePath();
        try {
            Files.createDirectories(this.root, Folders.OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create object store directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public Stored put(String key, Path file) throws IOException {
        Path target = pathOf(key);
        ObjectStore.checkSize(key, Files.size(file));
        Path directory = target.getParent();
        Files.createDirectories(directory, Folders.OWNER_ONLY);
        // createTempFile makes the file owner-only (rw-------)
        Path part = Files.createTempFile(directory, "." + target.getFileName() + ".", ".part");
        try {
            MessageDigest digest = Transfers.sha256();
            long size;
            try (InputStream in = Files.newInputStream(file);
                 FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
                size = Transfers.copy(in, out, digest);
                DurableFiles.force(out);
            }
            Stored stored = new Stored(key, size, Transfers.hex(digest.digest()));
            writeRecord(target, stored);
            DurableFiles.replace(part, target);
            return stored;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Records the SHA-256 and size of each object in the directory that has no record, and returns how many: for a
     * directory written by an older osteonode, which kept plain files there without records, and which {@link #get}
     * would otherwise refuse as corrupt. The files are trusted as they are because this node wrote them itself,
     * each forced to disk (fsync) before it was renamed into place; call this at start, before anything reads them.
     */
    public int adoptUnrecorded() throws IOException {
        int adopted = 0;
        for (String key : list("")) {
            // not pathOf: a stray file whose name breaks the key rules gets a record, harmlessly, instead of stopping
            // the node; no key can name it, so nothing reads it
            Path object = root.resolve(key);
            if (!Files.exists(recordOf(object))) {
                writeRecord(object, new Stored(key, Files.size(object), ObjectStore.sha256(object)));
                adopted++;
            }
        }
        return adopted;
    }

    /** Writes the record beside {@code target}, forced and renamed into place, its directory forced. */
    private static void writeRecord(Path target, Stored stored) throws IOException {
        Path part = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", RECORD_SUFFIX + ".part");
        try {
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap((stored.sha256() + " " + stored.size() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                DurableFiles.force(out);
            }
            DurableFiles.replace(part, recordOf(target));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public Stored get(String key, Path target) throws IOException {
        Path source = pathOf(key);
        String sha256 = null;
        long size = -1;
        try {
            String[] record = Files.readString(recordOf(source), StandardCharsets.US_ASCII).trim().split(" ");
            if (record.length == 2 && record[0].matches("[0-9a-f]{64}") && record[1].matches("[0-9]{1,19}")) {
                sha256 = record[0];
                size = Long.parseLong(record[1]);
            }
        } catch (NoSuchFileException e) {
            // no record: Transfers.receive refuses the object, unless the object is missing too (below)
        }
        try (InputStream in = Files.newInputStream(source)) {
            return Transfers.receive(key, in, sha256, size, target);
        } catch (NoSuchFileException e) {
            if (Files.exists(source)) {
                throw e; // the target's directory, not the object, is missing
            }
            throw new NoSuchFileException(key, null, "no object under this key");
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path target = pathOf(key);
        boolean deleted = Files.deleteIfExists(target);
        deleted |= Files.deleteIfExists(recordOf(target));
        if (deleted) {
            DurableFiles.forceDirectory(target.getParent());
        }
    }

    /**
     * As every store, then removes the directories under {@code prefix} that held the deleted objects, deepest
     * first, best effort: one that is not empty (a put into it, or a store's file being written) or already gone is
     * left as it is. A put that has created its directory before the removal and writes into it after fails with an
     * {@link IOException} ({@link NoSuchFileException}) and nothing is put: its caller's retry (the redelivery of
     * what it was doing) creates the directory again.
     */
    @Override
    public int deleteAll(String prefix) throws IOException {
        List<String> keys = list(prefix);
        for (String key : keys) {
            delete(key);
        }
        // a child sorts after its parent; reversed, every directory comes before the one that holds it
        SortedSet<Path> directories = new TreeSet<>(Comparator.reverseOrder());
        for (String key : keys) {
            for (Path directory = pathOf(key).getParent(); !directory.equals(root)
                    && (keyOf(directory) + "/").startsWith(prefix); directory = directory.getParent()) {
                directories.add(directory);
            }
        }
        for (Path directory : directories) {
            try {
                Files.delete(directory);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // best effort: see above
            }
        }
        return keys.size();
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(pathOf(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        ObjectKey.checkPrefix(prefix);
        // the directory that holds every key with this prefix: up to its last '/'
        Path base = prefix.contains("/") ? root.resolve(prefix.substring(0, prefix.lastIndexOf('/'))) : root;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .map(this::keyOf)
                    .filter(key -> key.startsWith(prefix))
                    .forEach(keys::add);
        }
        keys.sort(null);
        return keys;
    }

    private Path pathOf(String key) {
        // a checked key has no '..', no leading '/', no hidden segment: it stays under the root
        return root.resolve(ObjectKey.check(key));
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static Path recordOf(Path object) {
        return object.resolveSibling("." + object.getFileName() + RECORD_SUFFIX);
    }
}
