package org.osteonode.ingest;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.objects.Folders;
import org.osteonode.objects.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Cluster mode: the objects {@link Relay} put in the PHI bucket, as one path's worker handles them — each fetched
 * into a folder of its own on the local disk (which may hold PHI, as the spool does), its SHA-256 checked against
 * its reference, and the folder deleted whatever happens. One instance per path and work directory.
 */
public final class ReferencedObjects {
    private static final Logger log = LoggerFactory.getLogger(ReferencedObjects.class);

    /** What a path does with a fetched object. */
    @FunctionalInterface
    public interface Work {
        void on(Path object, long size) throws Exception;
    }

    private final ObjectStore phi;
    private final Path workDir;
    private final String path;

    /**
     * @param workDir this path's alone: what a killed node left there is deleted here (a finally block does not run
     *                under kill -9)
     * @param path    the path's name, in log lines and folder names
     */
    public ReferencedObjects(ObjectStore phi, Path workDir, String path) {
        this.phi = phi;
        this.workDir = workDir;
        this.path = path;
        try {
            Files.createDirectories(workDir, Folders.OWNER_ONLY);
            try (Stream<Path> left = Files.list(workDir)) {
                for (Path folder : left.filter(p -> p.getFileName().toString().startsWith(prefix())).toList()) {
                    Folders.deleteTree(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the " + path + " work directory " + workDir, e);
        }
    }

    /**
     * Fetches the referenced object and gives it to {@code work}; then deletes it. An object no longer there (both
     * paths were done with it: a redelivery) or replaced (another object has the key now) is logged and left.
     */
    public void withObject(ObjectReference reference, ReferenceConsumer.Position position, Work work) throws Exception {
        Path folder = Files.createTempDirectory(workDir, prefix(), Folders.OWNER_ONLY);
        try {
            // named by its pseudonymous key: a quarantine keeps the name, so a redelivery is quarantined once
            Path object = folder.resolve(reference.sopInstanceKey() + ".dcm");
            ObjectStore.Stored fetched;
            try {
                fetched = phi.get(reference.objectKey(), object);
            } catch (NoSuchFileException e) {
                log.info("event=reference.object-gone path={} key={} object_key={} partition={} offset={} "
                        + "note=\"both paths were done with it; nothing to do\"", path, reference.sopInstanceKey(),
                        reference.objectKey(), position.partition(), position.offset());
                return;
            }
            if (!fetched.sha256().equals(reference.sha256())) {
                log.warn("event=reference.object-replaced path={} key={} object_key={} partition={} offset={} "
                        + "note=\"the bucket holds another object under this key now; it is handled by its own "
                        + "reference\"", path, reference.sopInstanceKey(), reference.objectKey(), position.partition(),
                        position.offset());
                return;
            }
            work.on(object, fetched.size());
        } finally {
            deleteWork(folder);
        }
    }

    /** Marks the path done with an instance; true when the other path is done too (the object may go). */
    @FunctionalInterface
    public interface Done {
        boolean done(InstanceHeader header, long size) throws Exception;
    }

    /**
     * The path gave up on the object after its attempts, as the single node's dead letter does: a copy in the
     * quarantine, the PHI bucket's ({@code processing-failed}, with the last error), and the path done with it, so
     * that the PHI bucket lets go of the object once the other path is done too.
     */
    public void giveUp(ObjectReference reference, ReferenceConsumer.Position position, Exception last,
            Quarantine quarantine, Done done) throws Exception {
        withObject(reference, position, (object, size) -> {
            quarantine.copyOnce(object, "processing-failed", last.getClass().getSimpleName() + ": " + last.getMessage());
            log.warn("event=object.quarantined path={} reason=processing-failed key={}", path,
                    reference.sopInstanceKey());
            InstanceHeader header;
            try {
                header = InstanceHeader.read(object);
            } catch (UnreadableObjectException e) {
                return; // no index row to mark: the object stays in the bucket beside its quarantined copy
            }
            if (done.done(header, size)) {
                release(reference);
            }
        });
    }

    /** Both paths are done with the object: the PHI bucket lets go of it. */
    public void release(ObjectReference reference) throws IOException {
        phi.delete(reference.objectKey());
        log.info("event=reference.object-released key={} note=\"both paths are done with it\"",
                reference.sopInstanceKey());
    }

    private String prefix() {
        return path + "-";
    }

    /**
     * Never throws: a failure here must not hide the one the work is throwing (an outage must still pause the
     * consumer), and the next start deletes what is left.
     */
    private void deleteWork(Path folder) {
        try {
            Folders.deleteTree(folder);
        } catch (IOException | UncheckedIOException e) {
            log.warn("event={}.work-left folder={} error=\"{}\" fix=\"delete the folder (it may hold an identified "
                    + "object); the node deletes it at its next start\"", path, folder, e.getMessage());
        }
    }
}
