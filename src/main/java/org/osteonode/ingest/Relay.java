package org.osteonode.ingest;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.ObjectStore;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Cluster mode (issue 14, docs/scale-out.md): moves an object this node acknowledged from its local spool to the
 * shared PHI bucket and tells the nodes' consumers, in this order — upload, record the instance, publish the
 * reference, release the local file — so that a crash between any two steps is redone from the spool on restart. Each step may be done twice:
 * the object's key is its pseudonymous SOP Instance key and its SHA-256 (an upload again puts the same bytes), and a
 * second reference to the same object is absorbed by the consumers, whose effects are idempotent on that key.
 */
public final class Relay {
    /** What the clinical path's rules say of an object, for its reference (the consumers route on it). */
    public record Classification(BodyPart bodyPart, boolean clinicallyEligible) {
    }

    @FunctionalInterface
    public interface Classifier {
        Classification classify(InstanceHeader header) throws Exception;
    }

    /** Kafka, in the node: {@code ReferencePublisher::publish}; returns once the broker acknowledged. */
    @FunctionalInterface
    public interface Publisher {
        void publish(ObjectReference reference) throws Exception;
    }

    /**
     * PostgreSQL, in the node: {@code InstanceIndex::ensureRecorded}. The instance has its row before its reference
     * is published, so that the reporter of any node sees the study's image as not yet seen by the clinical path,
     * and waits for it, however long the consumers take to get to it (a rebalance, a node restarting).
     */
    @FunctionalInterface
    public interface Recorder {
        void record(InstanceHeader header, long size) throws Exception;
    }

    /** What became of one spooled object. */
    public sealed interface Outcome {
        /** In the bucket, announced, and gone from the spool. */
        record Relayed(ObjectReference reference) implements Outcome {
        }

        /** Cannot be announced as it is (its header breaks a rule of the reference): in quarantine, gone from the spool. */
        record Quarantined(String reason) implements Outcome {
        }
    }

    private final Spool spool;
    private final Quarantine quarantine;
    private final ObjectStore phi;
    private final Publisher publisher;
    private final Pseudonymizer pseudonymizer;
    private final Classifier classifier;
    private final Recorder recorder;

    public Relay(Spool spool, Quarantine quarantine, ObjectStore phi, Publisher publisher, Pseudonymizer pseudonymizer,
            Classifier classifier, Recorder recorder) {
        this.recorder = recorder;
        this.spool = spool;
        this.quarantine = quarantine;
        this.phi = phi;
        this.publisher = publisher;
        this.pseudonymizer = pseudonymizer;
        this.classifier = classifier;
    }

    /**
     * Relays one spooled object.
     *
     * @throws Exception the bucket or the broker did not take it: the object stays in the spool for the next pass
     */
    public Outcome relay(Path spooled) throws Exception {
        InstanceHeader header = InstanceHeader.read(spooled);
        String sopInstanceKey = key(pseudonymizer.uid(header.sopInstanceUid()));
        // keyed by content as well: a PACS may send the same SOP Instance again with other bytes, and a path that
        // deletes the object it finished must not delete the other one, still unprocessed
        String sha256 = ObjectStore.sha256(spooled);
        // the PHI bucket's name for it is an HMAC of its own (as the clinical workspace's), so that whoever holds a
        // de-identified export cannot join it to the identified objects by key without the site secret
        String objectKey = "objects/" + pseudonymizer.workspace(sopInstanceKey) + "/" + sha256 + ".dcm";
        ObjectStore.Stored stored = phi.put(objectKey, spooled);
        if (!stored.sha256().equals(sha256)) {
            throw new IOException("the bucket stored other bytes than the spool holds for " + objectKey);
        }
        ObjectReference reference;
        try {
            Classification classification = classifier.classify(header);
            reference = new ObjectReference(objectKey, stored.sha256(), stored.size(), header.sopClassUid(),
                    header.transferSyntaxUid(), pseudonymizer.patient(header.issuerOfPatientId(), header.patientId()),
                    key(pseudonymizer.uid(header.studyInstanceUid())), key(pseudonymizer.uid(header.seriesInstanceUid())),
                    sopInstanceKey, header.modality().toUpperCase(Locale.ROOT), classification.bodyPart(),
                    classification.clinicallyEligible());
        } catch (IllegalArgumentException e) {
            // the reference's rules name the field, never the value; nothing may announce the uploaded copy
            phi.delete(objectKey);
            quarantine.copyOnce(spooled, "unreferencable", e.getMessage());
            release(spooled);
            return new Outcome.Quarantined(e.getMessage());
        }
        recorder.record(header, stored.size());
        publisher.publish(reference);
        release(spooled);
        return new Outcome.Relayed(reference);
    }

    /**
     * Relays what waits in the spool, oldest first, until one fails (the bucket or the broker is away: the rest
     * waits with it, in order).
     *
     * @return how many left the spool
     */
    public int relayPending() throws Exception {
        List<Path> pending = spool.waiting(null);
        for (Path spooled : pending) {
            relay(spooled);
        }
        return pending.size();
    }

    private void release(Path spooled) throws IOException {
        for (ProcessingPath path : ProcessingPath.values()) {
            spool.done(spooled, path);
        }
    }

    /** A pseudonymous UID ({@code 2.25.} and 128 bits in decimal) as the 32 hex digits a reference carries. */
    static String key(String uidPseudonym) {
        return String.format("%032x", new BigInteger(uidPseudonym.substring("2.25.".length())));
    }
}
