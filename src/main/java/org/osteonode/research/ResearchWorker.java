package org.osteonode.research;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.UnreadableObjectException;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Archive;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cluster mode (issue 14, docs/scale-out.md): the research path's work for one referenced object, what the
 * spool-fed {@code research} route does for one spooled object — record it in the index, de-identify it into the
 * archive, write its labels — with the object fetched from the PHI bucket instead of read from the spool, the
 * de-identified file also put in the de-identified bucket, and the PHI object deleted once both paths are done.
 *
 * <p>Every step is idempotent on the SOP Instance: the index and the labels by their {@code on conflict} keys, the
 * archive by its claim (the same bytes again change nothing), the de-identified bucket by its key (the same bytes
 * put again). So a redelivered reference, or one whose handling a crash cut short, is simply handled again.
 *
 * <p>What is retried is the consumer's business: whatever this throws leaves the reference uncommitted, and a
 * {@link org.osteonode.store.DatabaseUnavailableException} is thrown as it is, for the consumer's outage predicate
 * to pause consumption. What can never succeed (an unparseable object, one the profile refuses) is quarantined and
 * returns, as the route does.
 */
public final class ResearchWorker implements ReferenceConsumer.Handler {
    private static final Logger log = LoggerFactory.getLogger(ResearchWorker.class);
    /** The fetched objects are identified data: only osteonode's own user may read them. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final String WORK_PREFIX = "research-";

    private final ObjectStore phi;
    private final ObjectStore deidentified;
    private final Path workDir;
    private final InstanceIndex index;
    private final ResearchArchiver archiver;
    private final Archive archive;
    private final LabelStore labels;
    private final Quarantine quarantine;
    private final Metrics metrics;

    /**
     * @param phi          the PHI bucket the relay put the received objects in
     * @param deidentified the de-identified bucket: the archive's files under their archive-relative paths
     * @param workDir      this worker's alone, on a local disk that may hold PHI (the spool's): one folder per object
     *                     being handled; what a killed node left there is deleted here
     * @param archive      the archive {@code archiver} writes into
     */
    public ResearchWorker(ObjectStore phi, ObjectStore deidentified, Path workDir, InstanceIndex index,
            ResearchArchiver archiver, Archive archive, LabelStore labels, Quarantine quarantine, Metrics metrics) {
        this.phi = phi;
        this.deidentified = deidentified;
        this.workDir = workDir;
        this.index = index;
        this.archiver = archiver;
        this.archive = archive;
        this.labels = labels;
        this.quarantine = quarantine;
        this.metrics = metrics;
        try {
            Files.createDirectories(workDir, OWNER_ONLY_DIRECTORY);
            // a finally block does not run under kill -9: what the last run was handling is still here
            try (Stream<Path> left = Files.list(workDir)) {
                for (Path folder : left.filter(path -> path.getFileName().toString().startsWith(WORK_PREFIX)).toList()) {
                    deleteTree(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the research work directory " + workDir, e);
        }
    }

    /**
     * Fetches the referenced object into a folder of its own, does the research path's work and deletes the folder,
     * whatever happened.
     */
    @Override
    public void handle(ObjectReference reference, ReferenceConsumer.Position position) throws Exception {
        Path work = Files.createTempDirectory(workDir, WORK_PREFIX, OWNER_ONLY_DIRECTORY);
        try {
            // named by its pseudonymous key: the quarantine keeps the name, so a redelivery is quarantined once
            Path object = work.resolve(reference.sopInstanceKey() + ".dcm");
            ObjectStore.Stored fetched;
            try {
                fetched = phi.get(reference.objectKey(), object);
            } catch (NoSuchFileException e) {
                // deleted once both paths were done: this is a redelivery of a reference already handled
                log.info("event=reference.object-gone path=research key={} object_key={} partition={} offset={} "
                        + "note=\"both paths were done with it; nothing to do\"", reference.sopInstanceKey(),
                        reference.objectKey(), position.partition(), position.offset());
                return;
            }
            if (!fetched.sha256().equals(reference.sha256())) {
                // Another object with the same SOP Instance UID was relayed since (the relay's put replaced this
                // one): what is in the bucket now has its own reference, handled in its turn.
                log.warn("event=reference.object-replaced path=research key={} object_key={} partition={} offset={} "
                        + "note=\"the bucket holds another object under this key now; it is handled by its own "
                        + "reference\"", reference.sopInstanceKey(), reference.objectKey(), position.partition(),
                        position.offset());
                return;
            }
            research(reference, object, fetched.size());
        } finally {
            deleteWork(work);
        }
    }

    private void research(ObjectReference reference, Path object, long size) throws Exception {
        InstanceHeader header;
        try {
            header = InstanceHeader.read(object);
        } catch (UnreadableObjectException e) {
            // The relay read this header before it referenced the object, so only a reference to something else
            // leads here. It has no index row to mark done: the object stays in the PHI bucket for a person.
            quarantine.copyOnce(object, "unparseable", e.getMessage());
            log.info("event=object.quarantined path=research reason=unparseable key={}", reference.sopInstanceKey());
            return;
        }
        if (index.record(header, size)) {
            metrics.instanceRecorded();
        } else {
            metrics.instanceResent();
            log.info("event=instance.resent key={} sop_class={} note=\"already recorded (a resend, or this "
                    + "reference delivered again); recorded once\"",
                    reference.sopInstanceKey(), header.sopClassUid());
        }
        ResearchArchiver.Outcome outcome = metrics.deidentification().recordCallable(
                () -> archiver.archive(header.encoded()));
        if (outcome instanceof ResearchArchiver.Outcome.Archived archived) {
            deidentified.put(deidentifiedKey(archived.file()), archived.file());
            labels.write(List.of(archived.labels()));
            log.info("event=object.archived key={}", reference.sopInstanceKey());
        } else if (outcome instanceof ResearchArchiver.Outcome.Skipped skipped) {
            metrics.researchSkipped(skipped.reason());
            log.info("event=object.indexed reason={} key={}", skipped.reason(), reference.sopInstanceKey());
        } else if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
            // Issue 14, not done yet: in cluster mode the quarantine belongs in the PHI bucket, where any node and
            // `bin/osteonode quarantine` can reach it; until then it is this node's local one, as in one-node mode.
            quarantine.copyOnce(object, refused.reason(), refused.detail());
            log.info("event=object.quarantined reason={} key={}", refused.reason(), reference.sopInstanceKey());
        }
        if (index.pathDone(ProcessingPath.RESEARCH, header)) {
            phi.delete(reference.objectKey());
            log.info("event=reference.object-released key={} note=\"both paths are done with it\"",
                    reference.sopInstanceKey());
        }
    }

    /** The archive-relative path, {@code <patient>/<study>/<series>/<SOP Instance>.dcm}: pseudonyms only. */
    private String deidentifiedKey(Path archived) {
        StringBuilder key = new StringBuilder();
        for (Path segment : archive.dir().relativize(archived)) {
            key.append(key.isEmpty() ? "" : "/").append(segment);
        }
        return key.toString();
    }

    /**
     * Never throws: a failure here must not hide the one the handler is throwing (an outage must still pause the
     * consumer), and the next start deletes what is left.
     */
    private void deleteWork(Path work) {
        try {
            deleteTree(work);
        } catch (IOException | UncheckedIOException e) {
            log.warn("event=research.work-left folder={} error=\"{}\" fix=\"delete the folder (it may hold an "
                    + "identified object); the node deletes it at its next start\"", work, e.getMessage());
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }
}
