package org.osteonode.ingest;

import org.osteonode.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects osteonode could not process, kept for a person to look at: each {@code NAME.dcm} has a
 * {@code NAME.dcm.reason} beside it saying what went wrong, written after the object is whole in place.
 * Reasons and details never hold PHI.
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
        Files.move(object, target, StandardCopyOption.ATOMIC_MOVE);
        writeReason(target, reason, detail);
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
        Path part = Files.createTempFile(dir, "." + object.getFileName(), ".part");
        Files.copy(object, part, StandardCopyOption.REPLACE_EXISTING);
        try {
            // Whole or not at all, and only once: a link fails if the name exists, atomically. (A move without
            // REPLACE_EXISTING checks, then renames: both paths could pass the check, and both count.)
            Files.createLink(target, part);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(part);
        }
        writeReason(target, reason, detail);
        quarantined(target, reason, detail);
        return true;
    }

    /** As {@link #put}, but leaves the original where it is (offline de-identification of a folder). */
    public Path copy(Path object, String name, String reason, String detail) throws IOException {
        Path target = dir.resolve(name);
        Path part = Files.createTempFile(dir, "." + name, ".part");
        Files.copy(object, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        writeReason(target, reason, detail);
        return quarantined(target, reason, detail);
    }

    /** One quarantined object, as {@code bin/osteonode quarantine list} shows it. */
    public record Entry(String name, String reason, String detail, Instant quarantinedAt, long bytes) {
    }

    /** What the quarantine holds, oldest first. */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> objects = Files.newDirectoryStream(dir, "*.dcm")) {
            for (Path object : objects) {
                Map<String, String> reason = readReason(object);
                Instant at = reason.containsKey("quarantined-at") ? Instant.parse(reason.get("quarantined-at"))
                        : Files.getLastModifiedTime(object).toInstant();
                entries.add(new Entry(object.getFileName().toString(), reason.getOrDefault("reason", "?"),
                        reason.getOrDefault("detail", ""), at, Files.size(object)));
            }
        }
        entries.sort(Comparator.comparing(Entry::quarantinedAt).thenComparing(Entry::name));
        return entries;
    }

    /**
     * Moves a quarantined object back into the spool, where the node (running, or at its next start) processes
     * it again on both paths, e.g. once what failed it is fixed.
     *
     * @param name a name {@link #list} gave; nothing else (no path) is accepted
     * @throws IllegalArgumentException no such object here
     */
    public Path release(String name, Spool spool) throws IOException {
        Path object = dir.resolve(name).normalize();
        if (!name.endsWith(".dcm") || !object.getParent().equals(dir.normalize()) || !Files.isRegularFile(object)) {
            throw new IllegalArgumentException("no quarantined object named '" + name + "' (see: quarantine list)");
        }
        Path target = spool.dir().resolve(name);
        Files.move(object, target, StandardCopyOption.ATOMIC_MOVE);
        Spool.Fsync.DISK.directory(spool.dir());
        Files.deleteIfExists(reasonFile(object));
        log.info("event=quarantine.released file={}", name);
        return target;
    }

    /** Deletes what was quarantined before {@code before}; returns how many objects. */
    public int purge(Instant before) throws IOException {
        int purged = 0;
        for (Entry entry : list()) {
            if (entry.quarantinedAt().isBefore(before)) {
                Files.deleteIfExists(dir.resolve(entry.name()));
                Files.deleteIfExists(reasonFile(dir.resolve(entry.name())));
                purged++;
            }
        }
        log.info("event=quarantine.purged objects={} before={}", purged, before);
        return purged;
    }

    private static Map<String, String> readReason(Path object) throws IOException {
        Map<String, String> fields = new HashMap<>();
        Path reason = reasonFile(object);
        if (Files.exists(reason)) {
            for (String line : Files.readAllLines(reason, StandardCharsets.UTF_8)) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        }
        return fields;
    }

    private static Path reasonFile(Path object) {
        return object.resolveSibling(object.getFileName() + ".reason");
    }

    /** After the object is in place, and whole or not at all: a reason file seen means its object is there. */
    private static void writeReason(Path target, String reason, String detail) throws IOException {
        String text = "reason=" + reason + "\ndetail=" + detail.replace('\n', ' ') + "\nquarantined-at="
                + Instant.now() + "\n";
        Path part = target.resolveSibling("." + target.getFileName() + ".reason.part");
        Files.writeString(part, text, StandardCharsets.UTF_8);
        Files.move(part, reasonFile(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path quarantined(Path target, String reason, String detail) throws IOException {
        Spool.Fsync.DISK.directory(dir);
        metrics.quarantined(reason);
        log.warn("event=quarantined file={} reason={} detail=\"{}\"", target.getFileName(), reason, detail);
        return target;
    }
}
