package org.osteonode.ingest;

import org.osteonode.objects.Folders;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.objects.ObjectKey;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Objects osteonode could not process, kept for a person to look at, in an {@link ObjectStore}: a single node's
 * {@code data-dir/quarantine/} ({@link FileObjectStore}), or, in cluster mode, the PHI bucket under
 * {@code quarantine/}, where every node quarantines and {@code bin/osteonode quarantine} on any node sees them all
 * (docs/scale-out.md). Each object {@code NAME.dcm} has a record {@code NAME.dcm.reason} beside it saying what went
 * wrong, put after the object and deleted before it: a reason record seen means its object is there. Reasons and
 * details never hold PHI.
 *
 * <p>Names are the spool's (arrival time, sequence and the spool's random tag, unique over the nodes) or a
 * pseudonymous key; each obeys {@link ObjectKey}'s rules, and a name from the command line is checked before any I/O.
 */
public final class Quarantine {
    private static final Logger log = LoggerFactory.getLogger(Quarantine.class);
    private static final String SUFFIX = ".dcm";
    private static final String REASON_SUFFIX = ".reason";
    /** A name leaves room in a key segment for its reason record's suffix. */
    public static final int MAX_NAME = ObjectKey.MAX_SEGMENT - REASON_SUFFIX.length();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.dcm");

    private final ObjectStore store;
    private final String keyPrefix;
    private final Path scratchDir;
    private final Metrics metrics;
    /** Makes {@link #copyOnce} once among this node's paths; between nodes see there. */
    private final Object once = new Object();

    /**
     * @param keyPrefix  {@code ""} or a prefix ending in {@code /} that the store's keys may start with
     * @param scratchDir a local directory for the reason records on their way to and from the store (no PHI)
     */
    public Quarantine(ObjectStore store, String keyPrefix, Path scratchDir, Metrics metrics) {
        this.store = store;
        this.keyPrefix = ObjectKey.checkPrefix(keyPrefix);
        this.scratchDir = scratchDir;
        this.metrics = metrics;
        Folders.ownerOnly(scratchDir);
    }

    /** A quarantine in a local folder ({@link #folder}), its reason records passing through the system's temp dir. */
    public Quarantine(Path dir, Metrics metrics) {
        this(folder(dir), "", Path.of(System.getProperty("java.io.tmpdir")), metrics);
    }

    /**
     * The store of a local quarantine folder. An older osteonode kept plain files there, without the checksum records
     * the store verifies on every read: they are adopted first (the node wrote and forced each one itself).
     */
    public static FileObjectStore folder(Path dir) {
        FileObjectStore files = new FileObjectStore(dir);
        try {
            addSizes(dir);
            int adopted = files.adoptUnrecorded();
            if (adopted > 0) {
                log.info("event=quarantine.adopted files={} dir={} note=\"quarantined by an older osteonode, now with "
                        + "the checksum record the store verifies\"", adopted, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the quarantine folder " + dir, e);
        }
        return files;
    }

    /**
     * An older osteonode's reason files, not yet adopted, lack the object's size, which {@link #list} reads from the
     * reason record: added from the object beside them, before they are adopted.
     */
    private static void addSizes(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> reasons =
                     Files.newDirectoryStream(dir, "*" + SUFFIX + REASON_SUFFIX)) {
            for (Path reason : reasons) {
                String name = reason.getFileName().toString();
                Path object = dir.resolve(name.substring(0, name.length() - REASON_SUFFIX.length()));
                boolean adopted = Files.exists(dir.resolve("." + name + ".sha256"));
                if (!adopted && Files.isRegularFile(object) && !Files.readString(reason).contains("\nbytes=")) {
                    Files.writeString(reason, "bytes=" + Files.size(object) + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            }
        }
    }

    /**
     * Returns {@code name} when it can name a quarantined object: {@code NAME.dcm}, one segment of an object key.
     *
     * @throws IllegalArgumentException saying what a name must be (the name itself is not repeated)
     */
    public static String checkName(String name) {
        if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a quarantine name: a NAME is a name from 'quarantine list', "
                    + "ending in .dcm, of at most " + MAX_NAME + " characters A-Z a-z 0-9 . _ - (no path)");
        }
        return name;
    }

    /**
     * A name the quarantine accepts for {@code fileName}, a file of a folder being de-identified: characters outside
     * an object key's replaced by {@code _}, {@code .dcm} added when missing, cut to {@link #MAX_NAME}.
     */
    public static String nameFor(String fileName) {
        String base = fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : fileName;
        base = base.replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || base.startsWith(".")) {
            base = "_" + base;
        }
        return base.substring(0, Math.min(base.length(), MAX_NAME - SUFFIX.length())) + SUFFIX;
    }

    /**
     * Moves the object into the quarantine (the file is deleted once the store holds it) and writes its reason.
     *
     * @param reason a short code, also the metric's tag (unparseable, sop-class-mismatch, processing-failed)
     * @param detail one line for a person
     * @return the object's name in the quarantine, its file's name
     */
    public String put(Path object, String reason, String detail) throws IOException {
        String name = checkName(object.getFileName().toString());
        writeReason(store.put(keyPrefix + name, object), name, reason, detail);
        Files.delete(object);
        // durable too: a refused object back in the spool after a crash would be processed as a received one
        Spool.Fsync.DISK.directory(object.toAbsolutePath().getParent());
        return quarantined(name, reason, detail);
    }

    /**
     * As {@link #put}, but copies, and only the first time: the spool keeps the object for the other path, and
     * when both paths give up on it, it is quarantined (and counted) once. Once on a node; two nodes giving up on one
     * object at the same moment (cluster mode's two paths, on two nodes) may both count it, and the store keeps one
     * copy, the same bytes under the same name.
     *
     * @return false when the object was quarantined already
     */
    public boolean copyOnce(Path object, String reason, String detail) throws IOException {
        String name = checkName(object.getFileName().toString());
        synchronized (once) {
            // the reason record, not the object: an object whose reason was never written (a crash between the two)
            // is put again, whole, with its reason
            if (store.exists(keyPrefix + name + REASON_SUFFIX)) {
                return false;
            }
            writeReason(store.put(keyPrefix + name, object), name, reason, detail);
        }
        quarantined(name, reason, detail);
        return true;
    }

    /** As {@link #put}, but leaves the original where it is (offline de-identification of a folder). */
    public String copy(Path object, String name, String reason, String detail) throws IOException {
        checkName(name);
        writeReason(store.put(keyPrefix + name, object), name, reason, detail);
        return quarantined(name, reason, detail);
    }

    /** One quarantined object, as {@code bin/osteonode quarantine list} shows it. */
    public record Entry(String name, String reason, String detail, Instant quarantinedAt, long bytes) {
    }

    /**
     * What the quarantine holds, oldest first. An object without its reason record (a crash between the two puts) is
     * listed with reason {@code ?}, the time of the epoch (the oldest of all) and bytes -1.
     */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> keys = store.list(keyPrefix);
        java.util.Set<String> present = new java.util.HashSet<>(keys);
        for (String key : keys) {
            String name = key.substring(keyPrefix.length());
            if (name.contains("/") || !NAME.matcher(name).matches()) {
                continue;
            }
            Map<String, String> reason = present.contains(key + REASON_SUFFIX) ? readReason(name) : Map.of();
            String size = reason.getOrDefault("bytes", "");
            long bytes = size.matches("[0-9]{1,18}") ? Long.parseLong(size) : -1;
            Instant at = reason.containsKey("quarantined-at") ? Instant.parse(reason.get("quarantined-at"))
                    : Instant.EPOCH;
            entries.add(new Entry(name, reason.getOrDefault("reason", "?"), reason.getOrDefault("detail", ""), at,
                    bytes));
        }
        entries.sort(Comparator.comparing(Entry::quarantinedAt).thenComparing(Entry::name));
        return entries;
    }

    /**
     * Puts a quarantined object back into {@code spool}, the local spool of the node that calls this (running, or at
     * its next start, it processes the object again on both paths), e.g. once what failed it is fixed; then deletes it
     * from the quarantine.
     *
     * @param name a name {@link #list} gave; nothing else (no path) is accepted, and a bad one before any I/O
     * @return the object in the spool
     * @throws IllegalArgumentException not a name, or no such object in the quarantine
     */
    public Path release(String name, Spool spool) throws IOException {
        checkName(name);
        String key = keyPrefix + name;
        Path spooled;
        try {
            spooled = spool.putBack(name, file -> store.get(key, file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no quarantined object named '" + name + "' (see: quarantine list)");
        }
        store.delete(key + REASON_SUFFIX);
        store.delete(key);
        log.info("event=quarantine.released file={}", name);
        return spooled;
    }

    /** Deletes what was quarantined before {@code before}; returns how many objects. */
    public int purge(Instant before) throws IOException {
        int purged = 0;
        for (Entry entry : list()) {
            if (entry.quarantinedAt().isBefore(before)) {
                store.delete(keyPrefix + entry.name() + REASON_SUFFIX);
                store.delete(keyPrefix + entry.name());
                purged++;
            }
        }
        log.info("event=quarantine.purged objects={} before={}", purged, before);
        return purged;
    }

    private Map<String, String> readReason(String name) throws IOException {
        Map<String, String> fields = new HashMap<>();
        Path part = Files.createTempFile(scratchDir, "quarantine-", ".reason");
        try {
            store.get(keyPrefix + name + REASON_SUFFIX, part);
            for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        } catch (NoSuchFileException e) {
            // released or purged meanwhile, by another node or command: listed as without a reason
        } finally {
            Files.deleteIfExists(part);
        }
        return fields;
    }

    /** After the object is in the store, and whole or not at all: a reason record seen means its object is there. */
    private void writeReason(ObjectStore.Stored stored, String name, String reason, String detail) throws IOException {
        Path part = Files.createTempFile(scratchDir, "quarantine-", ".reason");
        try {
            Files.writeString(part, "reason=" + reason + "\ndetail=" + detail.replace('\n', ' ').replace('\r', ' ')
                    + "\nquarantined-at=" + Instant.now() + "\nbytes=" + stored.size() + "\n", StandardCharsets.UTF_8);
            store.put(keyPrefix + name + REASON_SUFFIX, part);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private String quarantined(String name, String reason, String detail) {
        metrics.quarantined(reason);
        log.warn("event=quarantined file={} reason={} detail=\"{}\"", name, reason, detail);
        return name;
    }
}
