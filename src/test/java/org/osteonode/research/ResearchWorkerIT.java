package org.osteonode.research;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.config.DeidOptions;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Relay;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Archive;
import org.osteonode.store.Database;
import org.osteonode.store.DatabaseUnavailableException;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.osteonode.store.OptOutRegistry;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.RelayedObjects;
import org.osteonode.testing.SyntheticDicom;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The research path's work for one reference (cluster mode, issue 14) on a real PostgreSQL, with directory-backed
 * PHI and de-identified buckets: objects reach the PHI bucket through the real {@link Relay}, and what the worker
 * makes of them is compared with what one node's archive holds.
 */
class ResearchWorkerIT {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final ReferenceConsumer.Position POSITION = new ReferenceConsumer.Position(0, 0);

    @TempDir
    Path temp;

    private final Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
    private final Metrics metrics = new Metrics();
    private RelayedObjects cluster;
    private Database database;
    private DataSource flaky;
    private ObjectStore phi;
    private ObjectStore deidentified;
    private Archive archive;
    private Quarantine quarantine;
    private Path workDir;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new RelayedObjects(temp, pseudonymizer, metrics);
        database = cluster.database;
        flaky = cluster.flaky;
        phi = cluster.phi;
        workDir = cluster.workDir;
        deidentified = new FileObjectStore(temp.resolve("deid-bucket"));
        archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        quarantine = new Quarantine(temp.resolve("quarantine"), metrics);
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aReferencedObjectEndsInTheDeidentifiedBucketAsOneNodeWouldArchiveItLabelledAndMarkedDone() throws Exception {
        String series = SyntheticDicom.newUid();
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-17", "WORKERTEST^OTTOLINE")
                .series(series).size(64, 48);
        Path original = image.write(temp.resolve("original.dcm"));
        ObjectReference reference = cluster.relayed(original);

        worker().handle(reference, POSITION);

        List<String> keys = deidentified.list("");
        assertThat(keys).as("one de-identified object").hasSize(1);
        Path inBucket = temp.resolve("from-bucket.dcm");
        deidentified.get(keys.get(0), inBucket);
        Path single = singleNodeArchive(original);
        assertThat(keys.get(0)).as("filed as one node's archive files it")
                .isEqualTo(temp.resolve("single-archive").relativize(single).toString());
        assertThat(Files.mismatch(inBucket, single)).as("the same bytes as one node's archive").isEqualTo(-1);
        assertThat(Files.mismatch(inBucket, archive.dir().resolve(keys.get(0)))).as("and as this node's archive")
                .isEqualTo(-1);

        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(labelRows(sopKey)).hasSize(1);
        assertThat(cluster.flags(sopKey)).as("research done, clinical not yet").containsExactly(true, false);
        assertThat(phi.exists(reference.objectKey())).as("kept for the clinical path").isTrue();
        assertThat(cluster.workFiles()).as("the local copy is gone").isEmpty();

        List<String> planted = List.of("MRN-WORKER-17", "WORKERTEST^OTTOLINE", image.sopInstanceUid(),
                image.studyInstanceUid(), series);
        assertThat(PhiScanner.leaks(List.of(inBucket), planted)).as("the de-identified object").isEmpty();
        String everythingElse = String.join("\n", keys) + "\n" + labelRows(sopKey) + "\n" + instanceRow(sopKey);
        for (String value : planted) {
            assertThat(everythingElse).as("keys, labels and index").doesNotContainIgnoringCase(value);
        }
    }

    @Test
    void theSameReferenceHandledTwiceLeavesOneIndexRowOneLabelRowAndOneDeidentifiedObject() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-2", "TWICE^HANDLED").size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));
        ResearchWorker worker = worker();

        worker.handle(reference, POSITION);
        worker.handle(reference, new ReferenceConsumer.Position(0, 1));

        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.count("select count(*) from instance")).isEqualTo(1);
        assertThat(cluster.count("select count(*) from image_label")).isEqualTo(1);
        assertThat(deidentified.list("")).hasSize(1);
        assertThat(archivedFiles()).hasSize(1);
        assertThat(quarantine.list()).as("not refused as a duplicate of itself").isEmpty();
        assertThat(cluster.flags(sopKey)).containsExactly(true, false);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void withTheClinicalPathAlreadyDoneThePhiObjectIsDeletedAndARedeliveryFindsItGoneWithoutFailing() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-3", "CLINICAL^FIRST").size(64, 64);
        Path original = image.write(temp.resolve("original.dcm"));
        ObjectReference reference = cluster.relayed(original);
        InstanceIndex index = new InstanceIndex(database.dataSource(), pseudonymizer);
        InstanceHeader header = InstanceHeader.read(original);
        index.ensureRecorded(header, Files.size(original));
        assertThat(index.pathDone(ProcessingPath.CLINICAL, header)).as("research is not done yet").isFalse();

        worker().handle(reference, POSITION);

        assertThat(phi.exists(reference.objectKey())).as("both paths done: the PHI object is deleted").isFalse();
        assertThat(phi.list("")).isEmpty();
        assertThat(cluster.flags(pseudonymizer.uid(image.sopInstanceUid()))).containsExactly(true, true);

        worker().handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_label")).isEqualTo(1);
        assertThat(deidentified.list("")).hasSize(1);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void anUltrasoundImageIsQuarantinedAsTheRouteDoesNotArchivedAndTheResearchPathIsDoneWithIt() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-4", "BURNED^INTEXT").modality("US")
                .size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));

        worker().handle(reference, POSITION);
        worker().handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(quarantine.list()).as("once, under its pseudonymous key").singleElement().satisfies(entry -> {
            assertThat(entry.name()).isEqualTo(reference.sopInstanceKey() + ".dcm");
            assertThat(entry.reason()).isEqualTo("burned-in-modality");
        });
        assertThat(metrics.count("osteonode.quarantined", "reason", "burned-in-modality")).isEqualTo(1.0);
        assertThat(deidentified.list("")).isEmpty();
        assertThat(archivedFiles()).isEmpty();
        assertThat(cluster.count("select count(*) from image_label")).isZero();
        assertThat(cluster.flags(pseudonymizer.uid(image.sopInstanceUid()))).containsExactly(true, false);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void aDatabaseOutageIsThrownAsSuchForTheConsumerToPauseAndTheWorkFileIsDeletedAllTheSame() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-5", "OUTAGE^MIDWAY").size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));
        ResearchWorker worker = new ResearchWorker(phi, deidentified, workDir,
                new InstanceIndex(database.dataSource(), pseudonymizer), archiver(archive), archive,
                new LabelStore(flaky), quarantine, metrics);
        cluster.databaseAway.set(true);

        assertThatThrownBy(() -> worker.handle(reference, POSITION)).as("what the consumer's outage predicate sees")
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(cluster.workFiles()).as("deleted although the handler failed").isEmpty();
        assertThat(cluster.count("select count(*) from image_label")).isZero();
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.flags(sopKey))
                .as("not done: the reference is delivered again").containsExactly(false, false);

        cluster.databaseAway.set(false);
        worker.handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_label")).isEqualTo(1);
        assertThat(deidentified.list("")).hasSize(1);
        assertThat(quarantine.list()).as("the archive took its own bytes again").isEmpty();
        assertThat(cluster.flags(sopKey)).containsExactly(true, false);
        assertThat(cluster.workFiles()).isEmpty();
    }

    /**
     * The relay keys an object by its content as well: a SOP Instance sent again with other bytes is a second
     * object, handled by its own reference, and meets the archive's conflict as on one node; neither path can
     * delete the other's bytes.
     */
    @Test
    void aSopInstanceSentAgainWithOtherBytesIsASecondObjectThatMeetsTheArchivesConflictAsOnOneNode() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-6", "REPLACED^OBJECT").size(64, 64);
        ObjectReference first = cluster.relayed(image.write(temp.resolve("first.dcm")));
        // other pixels: a name alone would de-identify to the same bytes, which the archive takes as a resend
        ObjectReference second = cluster.relayed(image.size(80, 64).write(temp.resolve("second.dcm")));
        assertThat(second.sopInstanceKey()).isEqualTo(first.sopInstanceKey());
        assertThat(second.objectKey()).isNotEqualTo(first.objectKey());

        worker().handle(first, POSITION);
        worker().handle(second, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_label")).isEqualTo(1);
        assertThat(deidentified.list("")).hasSize(1);
        assertThat(quarantine.list()).as("the second bytes, as one node quarantines them").hasSize(1);
        assertThat(cluster.workFiles()).isEmpty();
    }

    /**
     * Two nodes, each with an archive of its own: a second object with the first's SOP Instance UID arriving on the
     * other node is quarantined there, as one node would, and the de-identified bucket keeps the first, whatever
     * order the puts would have come in; the first object again on the other node (a redelivery after a rebalance)
     * is archived there as the same bytes.
     */
    @Test
    void aSecondObjectWithTheSameSopInstanceUidOnAnotherNodeIsQuarantinedAndTheBucketKeepsTheFirst() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-WORKER-8", "TWO^NODES").size(64, 64);
        ObjectReference first = cluster.relayed(image.write(temp.resolve("first.dcm")));
        ObjectReference second = cluster.relayed(image.size(80, 64).write(temp.resolve("second.dcm")));
        Archive otherArchive = new Archive(temp.resolve("archive-2"), temp.resolve("scratch-2"), true);
        Quarantine otherQuarantine = new Quarantine(temp.resolve("quarantine-2"), metrics);
        ResearchWorker otherNode = new ResearchWorker(phi, deidentified, temp.resolve("work-2"),
                new InstanceIndex(database.dataSource(), pseudonymizer), archiver(otherArchive), otherArchive,
                new LabelStore(database.dataSource()), otherQuarantine, metrics);

        worker().handle(first, POSITION);
        byte[] archivedFirst = Files.readAllBytes(onlyFile(temp.resolve("archive")));
        otherNode.handle(second, new ReferenceConsumer.Position(0, 1));

        assertThat(otherQuarantine.list()).singleElement()
                .satisfies(entry -> assertThat(entry.reason()).isEqualTo("duplicate-sop-instance-uid"));
        assertThat(deidentified.list("")).hasSize(1);
        Path inBucket = temp.resolve("from-bucket.dcm");
        deidentified.get(deidentified.list("").get(0), inBucket);
        assertThat(Files.readAllBytes(inBucket)).as("the first object's de-identified bytes").isEqualTo(archivedFirst);
        assertThat(cluster.count("select count(*) from image_label")).isEqualTo(1);

        otherNode.handle(first, new ReferenceConsumer.Position(0, 2));

        assertThat(otherQuarantine.list()).as("the same object again is not a conflict").hasSize(1);
        assertThat(Files.readAllBytes(onlyFile(temp.resolve("archive-2")))).isEqualTo(archivedFirst);
        assertThat(deidentified.list("")).hasSize(1);
    }

    private static Path onlyFile(Path archive) throws Exception {
        try (var files = Files.walk(archive)) {
            return files.filter(file -> file.toString().endsWith(".dcm")).collect(
                    java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
                        assertThat(list).hasSize(1);
                        return list.get(0);
                    }));
        }
    }

    @Test
    void whatAKilledNodeLeftInTheWorkDirectoryIsDeletedWhenTheWorkerStarts() throws Exception {
        Path left = Files.createDirectories(workDir.resolve("research-12345"));
        Files.writeString(left.resolve("0123456789abcdef0123456789abcdef.dcm"), "identified bytes");

        worker();

        assertThat(cluster.workFiles()).isEmpty();
        assertThat(left).doesNotExist();
    }

    private ResearchWorker worker() {
        return new ResearchWorker(phi, deidentified, workDir, new InstanceIndex(database.dataSource(), pseudonymizer),
                archiver(archive), archive, new LabelStore(database.dataSource()), quarantine, metrics);
    }

    private ResearchArchiver archiver(Archive into) {
        return ResearchArchiver.create(DeidOptions.defaults(), pseudonymizer, into, "OSTEONODE", ResearchScope.ANY,
                new OptOutRegistry(database.dataSource())::contains);
    }

    /** What one node's research route writes for the same object: the archive of the single-node mode. */
    private Path singleNodeArchive(Path original) throws Exception {
        Archive single = new Archive(temp.resolve("single-archive"), temp.resolve("single-scratch"), true);
        ResearchArchiver.Outcome outcome = archiver(single).archive(InstanceHeader.read(original).encoded());
        assertThat(outcome).isInstanceOf(ResearchArchiver.Outcome.Archived.class);
        return ((ResearchArchiver.Outcome.Archived) outcome).file();
    }

    private List<Path> archivedFiles() throws Exception {
        try (Stream<Path> all = Files.walk(archive.dir())) {
            return all.filter(path -> path.toString().endsWith(".dcm")
                    && !path.startsWith(archive.dir().resolve(Archive.CLAIMS))).toList();
        }
    }

    private List<String> labelRows(String sopKey) throws Exception {
        return cluster.rows("select l::text from image_label l where sop_instance_key = '" + sopKey + "'");
    }

    private String instanceRow(String sopKey) throws Exception {
        return String.join("\n", cluster.rows("select i::text from instance i where sop_instance_key = '" + sopKey
                + "'"));
    }

}
