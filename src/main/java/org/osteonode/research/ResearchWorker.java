package org.osteonode.research;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ReferencedObjects;
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

import java.nio.file.Path;
import java.util.List;

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

    private final ObjectStore deidentified;
    private final ReferencedObjects objects;
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
        this.deidentified = deidentified;
        this.index = index;
        this.archiver = archiver;
        this.archive = archive;
        this.labels = labels;
        this.quarantine = quarantine;
        this.metrics = metrics;
        this.objects = new ReferencedObjects(phi, workDir, "research");
    }

    /**
     * Fetches the referenced object into a folder of its own, does the research path's work and deletes the folder,
     * whatever happened.
     */
    @Override
    public void handle(ObjectReference reference, ReferenceConsumer.Position position) throws Exception {
        objects.withObject(reference, position, (object, size) -> research(reference, object, size));
    }

    @Override
    public void giveUp(ObjectReference reference, ReferenceConsumer.Position position, Exception last) throws Exception {
        objects.giveUp(reference, position, last, quarantine, (header, size) -> {
            index.ensureRecorded(header, size);
            return index.pathDone(ProcessingPath.RESEARCH, header);
        });
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
        // Each node has an archive of its own, whose claim sees only that node's objects: the database's is the
        // cluster's, so that a second object under a SOP Instance UID is refused on whichever node it arrives.
        ResearchArchiver.Outcome outcome = index.claimForArchive(header, reference.sha256())
                ? metrics.deidentification().recordCallable(() -> archiver.archive(header.encoded()))
                : new ResearchArchiver.Outcome.Refused("duplicate-sop-instance-uid", "its SOP Instance UID is "
                        + "already archived for a different object (by this or another node); the archived one is kept");
        if (outcome instanceof ResearchArchiver.Outcome.Archived archived) {
            deidentified.put(Archive.objectKey(archive.dir(), archived.file()), archived.file());
            labels.write(List.of(archived.labels()));
            log.info("event=object.archived key={}", reference.sopInstanceKey());
        } else if (outcome instanceof ResearchArchiver.Outcome.Skipped skipped) {
            metrics.researchSkipped(skipped.reason());
            log.info("event=object.indexed reason={} key={}", skipped.reason(), reference.sopInstanceKey());
        } else if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
            // in the PHI bucket's quarantine, named by the pseudonymous key: once, whichever node refused it
            quarantine.copyOnce(object, refused.reason(), refused.detail());
            log.info("event=object.quarantined reason={} key={}", refused.reason(), reference.sopInstanceKey());
        }
        if (index.pathDone(ProcessingPath.RESEARCH, header)) {
            objects.release(reference);
        }
    }
}
