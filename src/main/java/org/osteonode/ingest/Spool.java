package org.osteonode.ingest;

import org.osteonode.objects.Folders;
import org.osteonode.objects.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The spool holds each received object, as received, from the moment it is durable until every path has
 * processed it. Its files are the node's real work queue: whatever is in it after a crash is processed
 * again on start.
 *
 * <p>An object is written to {@code incoming/NAME.part}, fsync'ed, renamed to {@code NAME.dcm} and the
 * directory fsync'ed: a {@code .dcm} file is therefore complete and durable, and a {@code .part} file is
 * an object that was never acknowledged. Names carry arrival order only, never an identifier: the arrival time, a
 * sequence number and a random tag drawn when the spool is opened, so that the names of several nodes' spools never
 * meet where the nodes share a store (the quarantine in the PHI bucket).
 */
public final class Spool {
    private static final String SUFFIX = ".dcm";
    /** Spooled objects are identified data: only osteonode's own user may read them (folders: Folders.OWNER_ONLY). */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;
    private final Path incoming;
    private final FileStore fileStore;
    private final long minFreeBytes;
    private final Fsync fsync;
    private final AtomicLong sequence = new AtomicLong();
    private final String tag = String.format("%08x", new java.security.SecureRandom().nextInt());

    public Spool(Path dir, long minFreeBytes) {
        this(dir, minFreeBytes, Fsync.DISK);
    }

    /** With another {@link Fsync}: tests watch (or fail) what makes an object durable. */
    Spool(Path dir, long minFreeBytes, Fsync fsync) {
        this.dir = dir;
        this.incoming = dir.resolve("incoming");
        this.minFreeBytes = minFreeBytes;
        this.fsync = fsync;
        try {
            Files.createDirectories(incoming, Folders.OWNER_ONLY);
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create spool directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** True while free space stays above the watermark (osteonode.spool.min-free-mb). */
    public boolean hasRoom() {
        return freeBytes() >= minFreeBytes;
    }

    public long freeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Bytes of acknowledged objects waiting in the spool; read from the directory, so never out of step. */
    public long bytes() {
        long total = 0;
        try (DirectoryStream<Path> objects = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path object : objects) {
                total += Files.size(object);
            }
        } catch (IOException e) {
            // a file processed while we walk: the next scrape is exact again
        }
        return total;
    }

    /**
     * When the oldest object still in the spool arrived (its name starts with its arrival in epoch
     * milliseconds), or empty when the spool is empty.
     */
    public Optional<Instant> oldestArrival() throws IOException {
        String oldest = null;
        try (DirectoryStream<Path> objects = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path object : objects) {
                String name = object.getFileName().toString();
                if (name.matches("\\d{13}-.*") && (oldest == null || name.compareTo(oldest) < 0)) {
                    oldest = name;
                }
            }
        }
        return oldest == null
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(Long.parseLong(oldest.substring(0, 13))));
    }

    /** The spool has held an object longer than the limit: how long, and how many each path still has to do. */
    public record Stale(Duration oldestWaited, int waiting, int researchWaiting, int clinicalWaiting) {
    }

    /** Whether the oldest object has waited longer than {@code limit} at {@code now}. */
    public Optional<Stale> stale(Duration limit, Instant now) throws IOException {
        Optional<Instant> oldest = oldestArrival();
        if (oldest.isEmpty() || Duration.between(oldest.get(), now).compareTo(limit) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Stale(Duration.between(oldest.get(), now), waiting(null).size(),
                waiting(ProcessingPath.RESEARCH).size(), waiting(ProcessingPath.CLINICAL).size()));
    }

    public Entry create() throws IOException {
        String name = String.format("%013d-%06d-%s", System.currentTimeMillis(),
                sequence.incrementAndGet() % 1_000_000, tag);
        Path part = incoming.resolve(name + ".part");
        FileChannel channel = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                OWNER_ONLY_FILE);
        return new Entry(part, dir.resolve(name + SUFFIX), channel);
    }

    /** Writes a file given to {@link #putBack}. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Puts an object that had left the spool back into it under its {@code name} ({@code NAME.dcm}), made durable as
     * a received object is: {@code writer} writes {@code incoming/NAME.part}, which is forced, renamed to
     * {@code NAME.dcm} and the directory forced. A crash before the rename leaves only a part, which the next start
     * clears.
     */
    public Path putBack(String name, Writer writer) throws IOException {
        if (!name.endsWith(SUFFIX) || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a spool object's name: " + name);
        }
        Path part = incoming.resolve(name.substring(0, name.length() - SUFFIX.length()) + ".part");
        Path target = dir.resolve(name);
        try {
            writer.writeTo(part);
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                fsync.file(channel, part);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            fsync.directory(dir);
            return target;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Objects acknowledged but not yet processed, oldest first. Incomplete {@code .part} files, which were never
     * acknowledged, are deleted, and so are the markers of objects that are gone.
     */
    public List<Path> pending() throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming, "*.part")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        for (ProcessingPath path : ProcessingPath.values()) {
            for (String suffix : List.of(path.marker(), path.takenMarker())) {
                try (DirectoryStream<Path> markers = Files.newDirectoryStream(dir, "*" + SUFFIX + suffix)) {
                    for (Path marker : markers) {
                        String name = marker.getFileName().toString();
                        if (!Files.exists(dir.resolve(name.substring(0, name.length() - suffix.length())))) {
                            Files.deleteIfExists(marker);
                        }
                    }
                }
            }
        }
        return waiting(null);
    }

    /** Objects the given path has not finished yet (all objects when {@code path} is null), oldest first. */
    public List<Path> waiting(ProcessingPath path) throws IOException {
        List<Path> waiting = new ArrayList<>();
        try (DirectoryStream<Path> objects = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path object : objects) {
                if (path == null || !isDone(object, path)) {
                    waiting.add(object);
                }
            }
        }
        waiting.sort(null);
        return waiting;
    }

    public boolean isDone(Path object, ProcessingPath path) {
        return Files.exists(marker(object, path));
    }

    /**
     * Counts one more time that a path took the object to work on it, in a file beside it, and returns the count.
     * The count survives restarts: an object that crashed the node each time it was taken is recognised as
     * such. (Not fsync'ed: a count lost in a crash only allows one more try.)
     */
    public int taken(Path object, ProcessingPath path) throws IOException {
        Path counter = object.resolveSibling(object.getFileName() + path.takenMarker());
        int taken = 1;
        if (Files.exists(counter)) {
            try {
                taken = Integer.parseInt(Files.readString(counter).trim()) + 1;
            } catch (NumberFormatException e) {
                taken = 1; // a torn write: count afresh
            }
        }
        Files.writeString(counter, Integer.toString(taken));
        return taken;
    }

    /**
     * Records that a path is done with an object; the object leaves the spool once every path is. Each path
     * writes its marker before it looks for the others', so of two paths finishing at once at least one sees
     * both markers. A marker lost in a crash only makes its path process the object again.
     *
     * @return true when this released the object
     */
    public boolean done(Path object, ProcessingPath path) throws IOException {
        if (!Files.exists(object)) {
            return false;
        }
        try {
            Files.createFile(marker(object, path), OWNER_ONLY_FILE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // done before, e.g. processed again after a restart
        }
        for (ProcessingPath each : ProcessingPath.values()) {
            if (!isDone(object, each)) {
                return false;
            }
        }
        boolean released = Files.deleteIfExists(object);
        for (ProcessingPath each : ProcessingPath.values()) {
            Files.deleteIfExists(marker(object, each));
            Files.deleteIfExists(object.resolveSibling(object.getFileName() + each.takenMarker()));
        }
        return released;
    }

    private static Path marker(Path object, ProcessingPath path) {
        return object.resolveSibling(object.getFileName() + path.marker());
    }

    /** One object being received. */
    public final class Entry implements AutoCloseable {
        private final Path part;
        private final Path target;
        private final FileChannel channel;
        private long size;
        private boolean renamed;
        private boolean committed;

        private Entry(Path part, Path target, FileChannel channel) {
            this.part = part;
            this.target = target;
            this.channel = channel;
        }

        public void write(byte[] data) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                size += channel.write(buffer);
            }
        }

        public long size() {
            return size;
        }

        /** Makes the object durable: after this returns, a crash cannot lose it. */
        public Path commit() throws IOException {
            fsync.file(channel, part);
            channel.close();
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            fsync.directory(dir);
            committed = true;
            return target;
        }

        /** Drops an object that will not be acknowledged; nothing partial stays behind. */
        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                // renamed but not durable: the sender hears a failure, so the object must not be processed
                Files.deleteIfExists(renamed ? target : part);
            }
        }
    }

    /**
     * What makes an object durable: its bytes, then its rename. The one real implementation is {@link #DISK};
     * the interface exists so that a test can prove both calls happen, in that order, before Success is sent,
     * which a kill -9 cannot show (the page cache survives it).
     */
    interface Fsync {
        /** Forces the file's content and metadata to disk (fsync). */
        void file(FileChannel channel, Path file) throws IOException;

        /** Forces a directory, so that a rename in it is durable (Linux: open it read-only, fsync). */
        void directory(Path directory) throws IOException;

        Fsync DISK = new Fsync() {
            @Override
            public void file(FileChannel channel, Path file) throws IOException {
                DurableFiles.force(channel);
            }

            @Override
            public void directory(Path directory) throws IOException {
                DurableFiles.forceDirectory(directory);
            }
        };
    }
}
