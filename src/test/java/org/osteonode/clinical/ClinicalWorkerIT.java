package org.osteonode.clinical;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.Relay;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.ChildProcessDecoder;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.store.ClinicalStudies;
import org.osteonode.store.Database;
import org.osteonode.store.DatabaseUnavailableException;
import org.osteonode.store.InstanceIndex;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.RelayedObjects;
import org.osteonode.testing.SyntheticDicom;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The clinical path's work for one reference (cluster mode, issue 14) on a real PostgreSQL, with a directory-backed
 * PHI bucket: objects reach it through the real {@link Relay}; the clinical path is built as one node builds it, with
 * a model that answers a fixed score.
 */
class ClinicalWorkerIT {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final ReferenceConsumer.Position POSITION = new ReferenceConsumer.Position(0, 0);
    private static final double SCORE = 0.73;

    @TempDir
    Path temp;

    private final Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
    private final Metrics metrics = new Metrics();
    private RelayedObjects cluster;
    private Database database;
    private DataSource flaky;
    private ObjectStore phi;
    private Path workDir;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new RelayedObjects(temp, pseudonymizer, metrics);
        database = cluster.database;
        flaky = cluster.flaky;
        phi = cluster.phi;
        workDir = cluster.workDir;
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void anEligibleSpineImageIsScoredAndItsPhiObjectKeptUntilTheResearchPathIsDoneWithIt() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-1", "SCORED^SPINE").size(64, 64);
        Path original = image.write(temp.resolve("original.dcm"));
        ObjectReference reference = cluster.relayed(original);

        worker(PixelDataDecoder.inJava()).handle(reference, POSITION);

        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.rows("select score::text from image_score where sop_instance_key = '" + sopKey + "'"))
                .as("its score, kept before the handler returned").containsExactly(Double.toString(SCORE));
        assertThat(cluster.rows("select study_key from image_score where sop_instance_key = '" + sopKey + "'"))
                .containsExactly(pseudonymizer.uid(image.studyInstanceUid()));
        assertThat(cluster.count("select count(*) from image_skip")).isZero();
        assertThat(cluster.flags(sopKey)).as("clinical done, research not yet").containsExactly(false, true);
        assertThat(metrics.count("osteonode.clinical.scored")).isEqualTo(1.0);
        assertThat(new StudyWorkspace(phi, "workspace/", temp.resolve("scratch"), pseudonymizer::workspace)
                .images(pseudonymizer.uid(image.studyInstanceUid())))
                .as("kept in the PHI bucket, where any node's report finds it")
                .extracting(scored -> scored.image().sopInstanceUid()).containsExactly(image.sopInstanceUid());
        assertThat(phi.exists(reference.objectKey())).as("kept for the research path").isTrue();
        assertThat(cluster.workFiles()).as("the local copy is gone").isEmpty();

        InstanceHeader header = InstanceHeader.read(original);
        assertThat(new InstanceIndex(database.dataSource(), pseudonymizer).pathDone(ProcessingPath.RESEARCH, header))
                .as("the research path, finishing second, sees both done (and would delete the object)").isTrue();
    }

    @Test
    void withTheResearchPathAlreadyDoneThePhiObjectIsDeletedAndARedeliveryDoublesNothing() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-2", "RESEARCH^FIRST").size(64, 64);
        Path original = image.write(temp.resolve("original.dcm"));
        ObjectReference reference = cluster.relayed(original);
        InstanceIndex index = new InstanceIndex(database.dataSource(), pseudonymizer);
        InstanceHeader header = InstanceHeader.read(original);
        index.ensureRecorded(header, Files.size(original));
        assertThat(index.pathDone(ProcessingPath.RESEARCH, header)).as("clinical is not done yet").isFalse();

        worker(PixelDataDecoder.inJava()).handle(reference, POSITION);

        assertThat(phi.exists(reference.objectKey())).as("both paths done: the PHI object is deleted").isFalse();
        assertThat(phi.list("")).as("only the workspace's study header and image, kept for the report")
                .hasSize(2).allMatch(key -> key.startsWith("workspace/"));
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.flags(sopKey)).containsExactly(true, true);

        worker(PixelDataDecoder.inJava()).handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_score")).isEqualTo(1);
        assertThat(cluster.count("select instances from clinical_study"))
                .as("the study counts the image once").isEqualTo(1);
        assertThat(cluster.count("select count(*) from instance")).isEqualTo(1);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void theSameReferenceHandledTwiceWhileResearchIsBusyScoresOnceAndDoesNotFail() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-3", "TWICE^SCORED").size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));
        ClinicalWorker worker = worker(PixelDataDecoder.inJava());

        worker.handle(reference, POSITION);
        worker.handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_score")).isEqualTo(1);
        assertThat(cluster.count("select instances from clinical_study"))
                .as("the study counts the image once").isEqualTo(1);
        assertThat(cluster.count("select count(*) from image_skip")).isZero();
        assertThat(cluster.count("select count(*) from instance")).isEqualTo(1);
        assertThat(cluster.flags(pseudonymizer.uid(image.sopInstanceUid()))).containsExactly(false, true);
        assertThat(phi.exists(reference.objectKey())).isTrue();
        assertThat(cluster.workFiles()).isEmpty();

        // the consumer's last attempt failed too: the worker gives the reference up, as the route's dead letter
        worker.giveUp(reference, POSITION, new TimeoutException("the model did not answer within 200 ms"));

        assertThat(quarantine().list()).singleElement().satisfies(entry -> {
            assertThat(entry.reason()).isEqualTo("processing-failed");
            assertThat(entry.detail()).contains("TimeoutException");
        });
        assertThat(cluster.flags(pseudonymizer.uid(image.sopInstanceUid())))
                .as("the clinical path is done with it; research is not").containsExactly(false, true);
        assertThat(phi.exists(reference.objectKey())).as("kept for the research path").isTrue();
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void aChestImageIsSkippedForItsBodyPartAndTheClinicalPathIsDoneWithIt() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().bodyPart("CHEST").patient("MRN-CLIN-4", "CHEST^ONLY")
                .size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));

        worker(PixelDataDecoder.inJava()).handle(reference, POSITION);
        worker(PixelDataDecoder.inJava()).handle(reference, new ReferenceConsumer.Position(0, 1));

        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.rows("select reason from image_skip where sop_instance_key = '" + sopKey + "'"))
                .containsExactly("body-part");
        assertThat(cluster.count("select count(*) from image_score")).isZero();
        assertThat(metrics.count("osteonode.clinical.skipped", "reason", "body-part")).as("counted per handling")
                .isEqualTo(2.0);
        assertThat(cluster.flags(sopKey)).containsExactly(false, true);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void aJpegLsImageWhoseCodeStreamIsBrokenIsSkippedAsDecodeFailedByTheSandboxedDecoder() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-5", "BROKEN^CODESTREAM").size(64, 64);
        Path plain = image.write(temp.resolve("plain.dcm"));
        Path valid = temp.resolve("jpeg-ls.dcm");
        Dcmtk.Result encoded = Dcmtk.run(List.of("dcmcjpls", plain.toString(), valid.toString()));
        assertThat(encoded.exitCode()).as(encoded.output()).isZero();
        Path broken = temp.resolve("truncated.dcm");
        Dcmtk.Result truncated = Dcmtk.run(List.of("/usr/bin/python3", "src/test/pixels/malformed_jpegls.py",
                valid.toString(), broken.toString(), "truncated"));
        assertThat(truncated.exitCode()).as(truncated.output()).isZero();
        ObjectReference reference = cluster.relayed(broken);
        Path decoding = temp.resolve("decoding");
        PixelDataDecoder decoder = PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(decoding,
                new ChildProcessDecoder.Limits(Duration.ofSeconds(30), 1L << 30)));

        worker(decoder).handle(reference, POSITION);

        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.rows("select reason from image_skip where sop_instance_key = '" + sopKey + "'"))
                .containsExactly("decode-failed");
        assertThat(cluster.count("select count(*) from image_score")).isZero();
        assertThat(metrics.count("osteonode.clinical.skipped", "reason", "decode-failed")).isEqualTo(1.0);
        assertThat(cluster.flags(sopKey)).containsExactly(false, true);
        assertThat(cluster.workFiles()).isEmpty();
        assertThat(decoding).as("the child's folder too").isEmptyDirectory();
    }

    @Test
    void aDatabaseOutageIsThrownAsSuchForTheConsumerToPauseAndTheWorkFileIsDeletedAllTheSame() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-6", "OUTAGE^MIDWAY").size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));
        ClinicalWorker worker = new ClinicalWorker(phi, workDir, new InstanceIndex(database.dataSource(), pseudonymizer),
                clinicalPath(PixelDataDecoder.inJava(), new ClinicalStudies(flaky), fixedScore()), quarantine(), metrics);
        cluster.databaseAway.set(true);

        assertThatThrownBy(() -> worker.handle(reference, POSITION)).as("what the consumer's outage predicate sees")
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(cluster.workFiles()).as("deleted although the handler failed").isEmpty();
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        assertThat(cluster.count("select count(*) from image_score")).isZero();
        assertThat(cluster.flags(sopKey))
                .as("not done: the reference is delivered again").containsExactly(false, false);

        cluster.databaseAway.set(false);
        worker.handle(reference, new ReferenceConsumer.Position(0, 1));

        assertThat(cluster.count("select count(*) from image_score")).isEqualTo(1);
        assertThat(cluster.flags(sopKey)).containsExactly(false, true);
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void aModelThatDoesNotAnswerInTimeLeavesTheReferenceUndoneForItsRedelivery() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN-CLIN-7", "SILENT^MODEL").size(64, 64);
        ObjectReference reference = cluster.relayed(image.write(temp.resolve("original.dcm")));
        ClinicalWorker worker = new ClinicalWorker(phi, workDir, new InstanceIndex(database.dataSource(), pseudonymizer),
                clinicalPath(PixelDataDecoder.inJava(), new ClinicalStudies(database.dataSource()),
                        frame -> new CompletableFuture<>()), quarantine(), metrics, Duration.ofMillis(200));

        assertThatThrownBy(() -> worker.handle(reference, POSITION)).isInstanceOf(TimeoutException.class);

        assertThat(cluster.count("select count(*) from image_score")).isZero();
        assertThat(cluster.count("select count(*) from image_skip"))
                .as("not the image's fault: no skip recorded").isZero();
        assertThat(cluster.flags(pseudonymizer.uid(image.sopInstanceUid()))).containsExactly(false, false);
        assertThat(phi.exists(reference.objectKey())).isTrue();
        assertThat(cluster.workFiles()).isEmpty();
    }

    @Test
    void whatAKilledNodeLeftInTheWorkDirectoryIsDeletedWhenTheWorkerStarts() throws Exception {
        Path left = Files.createDirectories(workDir.resolve("clinical-12345"));
        Files.writeString(left.resolve("0123456789abcdef0123456789abcdef.dcm"), "identified bytes");

        worker(PixelDataDecoder.inJava());

        assertThat(cluster.workFiles()).isEmpty();
    }

    private ClinicalWorker worker(PixelDataDecoder decoder) {
        return new ClinicalWorker(phi, workDir, new InstanceIndex(database.dataSource(), pseudonymizer),
                clinicalPath(decoder, new ClinicalStudies(database.dataSource()), fixedScore()), quarantine(), metrics);
    }

    private Quarantine quarantine() {
        return new Quarantine(temp.resolve("quarantine"), metrics);
    }

    private static ImageScorer fixedScore() {
        return frame -> CompletableFuture.completedFuture(SCORE);
    }

    /** As one node builds it (IndependentPathsIT), with the default body parts; its workspace in the PHI bucket. */
    private ClinicalPath clinicalPath(PixelDataDecoder decoder, ClinicalStudies studies, ImageScorer scorer) {
        StudyWorkspace workspace = new StudyWorkspace(phi, "workspace/", temp.resolve("scratch"),
                pseudonymizer::workspace);
        return new ClinicalPath(new Eligibility(Eligibility.screened(Set.of("LSPINE", "TSPINE", "PELVIS", "HIP")), 0,
                Clock.systemDefaultZone()), new BodyPartNormalizer(), scorer, studies, workspace, pseudonymizer, decoder);
    }

}
