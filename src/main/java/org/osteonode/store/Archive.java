package org.osteonode.store;

import org.osteonode.objects.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * De-identified objects, one {@code .dcm} file each, under pseudonymous folders:
 * {@code <patient>/<study>/<series>/<SOP instance>.dcm}. A file appears whole or not at all (written beside the
 * archive, fsync'ed, linked in), so a reader never sees half an object. Each SOP Instance is claimed once for the
 * whole archive in {@code .sop-instances/} (a small file naming where its object is), so that a SOP Instance UID
 * reused under another patient, study or series is caught too.
 */
public final class Archive {
    /** The pseudonymous keys an object is filed under. */
    public record Key(String patient, String study, String series, String sopInstance) {
    }

    /** Where an object was filed, and whether the same bytes were already there (the same object again). */
    public record Written(Path file, boolean again) {
    }

    /** A different object is already archived under the key: it is never replaced. */
    public static final class ConflictException extends IOException {
        public ConflictException(Path existing) {
            super("a different object is already archived as " + existing.getFileName());
        }
    }

    /** Bytes of another file: {@code length} of them from {@code offset}. */
    public record FileRange(Path file, long offset, long length) {
    }

    /** The folder of SOP Instance claims, hidden: the archive's readers walk the patient folders. */
    public static final String CLAIMS = ".sop-instances";

    private final Path dir;
    private final Path scratch;
    private final boolean durable;

    /**
     * @param scratch a directory on the same file system, outside the archive, for files being written
     * @param durable fsync each file and its directory before returning: the node deletes its spool copy next
     */
    public Archive(Path dir, Path scratch, boolean durable) {
        this.dir = dir;
        this.scratch = scratch;
        this.durable = durable;
        try {
            Files.createDirectories(dir);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create archive directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path pathOf(Key key) {
        return pathOf(dir, key);
    }

    /** Where an archive in {@code dir} files the object of {@code key}: for readers that do not write to it. */
    public static Path pathOf(Path dir, Key key) {
        return dir.resolve(key.patient()).resolve(key.study()).resolve(key.series())
                .resolve(key.sopInstance() + ".dcm");
    }

    /**
     * The key of an archived {@code file} in the de-identified bucket (cluster mode): its path under the archive
     * {@code dir}, {@code <patient>/<study>/<series>/<SOP Instance>.dcm}, pseudonyms only.
     */
    public static String objectKey(Path dir, Path file) {
        StringBuilder key = new StringBuilder();
        for (Path segment : dir.relativize(file)) {
            key.append(key.isEmpty() ? "" : "/").append(segment);
        }
        return key.toString();
    }

    /**
     * Writes the file for {@code key}: {@code head}, then {@code tail} copied from its file without passing through
     * the heap (a de-identified object's encoded attributes, then the original's Pixel Data element).
     *
     * The first object under a key stays: the same bytes again change nothing ({@link Written#again()}); different
     * bytes under the same key are refused ({@link ConflictException}), whichever writer came second, even at the
     * same moment (the file is linked into place, which fails if the name exists, rather than renamed over it).
     *
     * @param tail null when {@code head} is the whole file
     */
    public Written write(Key key, byte[] head, FileRange tail) throws IOException {
        Path target = pathOf(key);
        claim(key);
        Path part = Files.createTempFile(scratch, "archive-", ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(head);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            if (tail != null) {
                copy(tail, out);
            }
            if (durable) {
                DurableFiles.force(out);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.createLink(target, part);
        } catch (FileAlreadyExistsException e) {
            boolean same = Files.mismatch(part, target) == -1;
            Files.delete(part);
            if (!same) {
                throw new ConflictException(target);
            }
            return new Written(target, true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.delete(part);
        if (durable) {
            DurableFiles.forceDirectory(target.getParent());
        }
        return new Written(target, false);
    }

    /**
     * Claims the key's SOP Instance for the key's path: refused when another path holds it. A claim left empty by a
     * crash, or naming this very path (a retry, a resend), is this writer's.
     */
    private void claim(Key key) throws IOException {
        Path claim = claimOf(key.sopInstance());
        byte[] where = dir.relativize(pathOf(key)).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.createDirectories(claim.getParent());
        try {
            Files.write(claim, where, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            byte[] claimed = Files.readAllBytes(claim);
            if (claimed.length > 0 && !java.util.Arrays.equals(claimed, where)) {
                throw new ConflictException(dir.resolve(new String(claimed, java.nio.charset.StandardCharsets.UTF_8)));
            }
            Files.write(claim, where);
        }
        if (durable) {
            try (FileChannel file = FileChannel.open(claim, StandardOpenOption.READ)) {
                DurableFiles.force(file);
            }
            DurableFiles.forceDirectory(claim.getParent());
        }
    }

    private Path claimOf(String sopInstanceKey) {
        String shard = sopInstanceKey.length() < 2 ? "_" : sopInstanceKey.substring(sopInstanceKey.length() - 2);
        return dir.resolve(CLAIMS).resolve(shard).resolve(sopInstanceKey);
    }

    /** Deletes everything archived for one patient, and their claims; returns how many objects. */
    public long deletePatient(String patientKey) throws IOException {
        Path patient = dir.resolve(patientKey);
        if (!patientKey.matches("[0-9a-zA-Z][0-9a-zA-Z._-]*") || !Files.isDirectory(patient)) {
            return 0;
        }
        long objects = 0;
        try (java.util.stream.Stream<Path> all = Files.walk(patient)) {
            for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                String name = path.getFileName().toString();
                if (Files.isRegularFile(path) && name.endsWith(".dcm")) {
                    objects++;
                    Files.deleteIfExists(claimOf(name.substring(0, name.length() - ".dcm".length())));
                }
                Files.delete(path);
            }
        }
        if (durable) {
            DurableFiles.forceDirectory(dir);
        }
        return objects;
    }

    /** In-kernel copy where the platform allows (transferTo), without the pixels passing through the heap. */
    private static void copy(FileRange range, FileChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(range.file(), StandardOpenOption.READ)) {
            long position = range.offset();
            long end = range.offset() + range.length();
            while (position < end) {
                position += in.transferTo(position, end - position, out);
            }
        }
    }
}
