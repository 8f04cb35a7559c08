package org.osteonode.ingest;

import org.osteonode.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Objects osteonode could not process, kept for a person to look at: each {@code NAME.dcm} has a
 * {@code NAME.dcm.reason} beside it saying what went wrong. Reasons and details never hold PHI.
 */
public final class Quarantine {
    private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

    private final Path dir;
    private final Metrics metrics;

    public Quarantine(Path dir, Metrics metrics) {
        this.dir = dir;
        this.metrics = metrics;
        try {
            Files.createDirectories(dir, Spool.OWNER_ONLY_DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create quarantine directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Moves the object into the quarantine and writes its reason file.
     *
     * @param reason a short code, also the metric's tag (unparseable, sop-class-mismatch, processing-failed)
     * @param detail one line for a person
     */
    public Path put(Path object, String reason, String detail) throws IOException {
        Path target = dir.resolve(object.getFileName());
        writeReason(target, reason, detail);
        Files.move(object, target, StandardCopyOption.ATOMIC_MOVE);
        return quarantined(target, reason, detail);
    }

    /**
     * As {@link #put}, but copies, and only the first time: the spool keeps the object for the other path, and
     * when both paths give up on it, it is quarantined (and counted) once.
     *
     * @return false when the object was quarantined already
     */
    public boolean copyOnce(Path object, String reason, String detail) throws IOException {
        Path target = dir.resolve(object.getFileName());
        if (Files.exists(target)) {
            return false;
        }
        writeReason(target, reason, detail);
        try {
            Files.copy(object, target);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
        quarantined(target, reason, detail);
        return true;
    }

    /** As {@link #put}, but leaves the original where it is (offline de-identification of a folder). */
    public Path copy(Path object, String name, String reason, String detail) throws IOException {
        Path target = dir.resolve(name);
        writeReason(target, reason, detail);
        Files.copy(object, target, StandardCopyOption.REPLACE_EXISTING);
        return quarantined(target, reason, detail);
    }

    private static void writeReason(Path target, String reason, String detail) throws IOException {
        String text = "reason=" + reason + "\ndetail=" + detail.replace('\n', ' ') + "\nquarantined-at="
                + Instant.now() + "\n";
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), text, StandardCharsets.UTF_8);
    }

    private Path quarantined(Path target, String reason, String detail) throws IOException {
        Spool.Fsync.DISK.directory(dir);
        metrics.quarantined(reason);
        log.warn("event=quarantined file={} reason={} detail=\"{}\"", target.getFileName(), reason, detail);
        return target;
    }
}
