package org.osteonode.clinical;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.ReferencedObjects;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.UnreadableObjectException;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.InstanceIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Cluster mode (issue 14, docs/scale-out.md): the clinical path's work for one referenced object, what the spool-fed
 * {@code clinical} route does for one spooled object — score it if it is an eligible radiograph and keep the score
 * for its study's report, or record why not — with the object fetched from the PHI bucket instead of read from the
 * spool, and the PHI object deleted once both paths are done.
 *
 * <p>Every step is idempotent on the SOP Instance: the index by its {@code on conflict} key, the score and the skip
 * by theirs ({@code image_score}, {@code image_skip}: the first one stays), the workspace by the image's key. So a
 * redelivered reference, or one whose handling a crash cut short, is simply handled again.
 *
 * <p>Unlike the route, this waits for the model's answer before it returns: the consumer commits the offset when
 * the handler returns, and a committed reference whose score was still in the model would be lost with the node.
 * The wait is bounded by {@link ModelScorer#BATCH_WAIT} (a large model's batch on a CPU takes seconds; a minute is a
 * hung model, not a slow one) and well inside the consumer's {@code max.poll.interval.ms} (5 minutes by default).
 * Its cost: one consumer thread has one image in the model at a time, so the model's batches fill only from several
 * consumer threads (partitions) at once, and a thread's throughput is one image per decode + batch wait +
 * inference. A score not in by then is thrown as a {@link TimeoutException}: the reference is not committed and is
 * handled again, as nothing about the image is at fault. (Until issue 14's retry limit exists, a model that never
 * answers keeps its references coming back, as one node's spool keeps the objects.)
 *
 * <p>The clinical workspace ({@link StudyWorkspace}) is meant to be in the PHI bucket (under {@code workspace/}), so
 * that a study whose partition moves to another node is reported with the images scored here before the move;
 * {@code serve} does not build cluster mode yet (docs/scale-out.md, "Not done yet").
 */
public final class ClinicalWorker implements ReferenceConsumer.Handler {
    private static final Logger log = LoggerFactory.getLogger(ClinicalWorker.class);

    private final ReferencedObjects objects;
    private final InstanceIndex index;
    private final ClinicalPath clinical;
    private final Quarantine quarantine;
    private final Metrics metrics;
    private final Duration scoreWait;

    /**
     * @param phi     the PHI bucket the relay put the received objects in
     * @param workDir this worker's alone, on a local disk that may hold PHI (the spool's): one folder per object
     *                being handled; what a killed node left there is deleted here
     */
    public ClinicalWorker(ObjectStore phi, Path workDir, InstanceIndex index, ClinicalPath clinical,
            Quarantine quarantine, Metrics metrics) {
        this(phi, workDir, index, clinical, quarantine, metrics, ModelScorer.BATCH_WAIT);
    }

    /** @param scoreWait how long {@link #handle} waits for the model's answer (tests: a model that never answers) */
    ClinicalWorker(ObjectStore phi, Path workDir, InstanceIndex index, ClinicalPath clinical, Quarantine quarantine,
            Metrics metrics, Duration scoreWait) {
        this.index = index;
        this.quarantine = quarantine;
        this.clinical = clinical;
        this.metrics = metrics;
        this.scoreWait = scoreWait;
        this.objects = new ReferencedObjects(phi, workDir, "clinical");
    }

    /**
     * Fetches the referenced object into a folder of its own, does the clinical path's work (waiting for the score)
     * and deletes the folder, whatever happened.
     */
    @Override
    public void handle(ObjectReference reference, ReferenceConsumer.Position position) throws Exception {
        objects.withObject(reference, position, (object, size) -> clinical(reference, object, size));
    }

    @Override
    public void giveUp(ObjectReference reference, ReferenceConsumer.Position position, Exception last) throws Exception {
        objects.giveUp(reference, position, last, quarantine, (header, size) -> {
            index.ensureRecorded(header, size);
            return index.pathDone(ProcessingPath.CLINICAL, header);
        });
    }

    private void clinical(ObjectReference reference, Path object, long size) throws Exception {
        InstanceHeader header;
        try {
            header = InstanceHeader.read(object);
        } catch (UnreadableObjectException e) {
            // The relay read this header before it referenced the object, so only a reference to something else
            // leads here; the research path quarantines it. No index row to mark done: the object stays for a person.
            log.info("event=reference.unreadable path=clinical key={} note=\"not scored; the research path "
                    + "quarantines it\"", reference.sopInstanceKey());
            return;
        }
        index.ensureRecorded(header, size);
        String named = "key=" + reference.sopInstanceKey();
        ClinicalPath.Outcome outcome = clinical.processOrSkip(header.encoded(), header.transferSyntaxUid(), named, log);
        if (outcome instanceof ClinicalPath.Outcome.Scoring scoring) {
            outcome = scored(scoring, named);
        }
        if (outcome instanceof ClinicalPath.Outcome.Skipped skipped) {
            metrics.clinicalSkipped(skipped.reason());
            clinical.skipped(header.studyInstanceUid(), header.sopInstanceUid(), skipped.reason());
            log.info("event=clinical.skipped reason={} {}", skipped.reason(), named);
        }
        if (index.pathDone(ProcessingPath.CLINICAL, header)) {
            objects.release(reference);
        }
    }

    /** Waits for the model and keeps the score; a score the model failed to give is a skip, as on the route. */
    private ClinicalPath.Outcome scored(ClinicalPath.Outcome.Scoring scoring, String named) throws Exception {
        double score;
        try {
            score = scoring.score().get(scoreWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            ClinicalPath.logFailure(log, named, e.getCause());
            return new ClinicalPath.Outcome.Skipped("failed");
        } catch (TimeoutException e) {
            log.warn("event=clinical.model-timeout {} waited_ms={} effect=\"not committed; the reference is handled "
                    + "again\" fix=\"see osteonode_inference_seconds and the model host; a model this slow needs "
                    + "fewer consumer threads or a faster host\"", named, scoreWait.toMillis());
            throw new TimeoutException("the model did not answer within " + scoreWait.toMillis() + " ms");
        }
        clinical.keep(scoring.image(), score);
        metrics.clinicalScored();
        log.info("event=clinical.scored {}", named);
        return scoring;
    }
}
