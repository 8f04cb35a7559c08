package org.osteonode.route;

import com.pixelmed.dicom.AttributeList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.clinical.ClinicalPath;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.clinical.Eligibility;
import org.osteonode.clinical.StudyReporter;
import org.osteonode.clinical.StudyWorkspace;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.delivery.Outbox;
import org.osteonode.research.ResearchArchiver;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.StorageScp;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.store.Archive;
import org.osteonode.store.ClinicalStudies;
import org.osteonode.store.Database;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SharedPostgres;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.testing.SrReferences.referencedInstances;

/**
 * The receiver, both paths and a real PostgreSQL in one JVM, with a model that does not answer until the test
 * lets it: the sender is answered, and the research archive completes, while the clinical path is stuck; then
 * the clinical path catches up from the spool and every object leaves it. Each path holds only 4 objects in
 * memory here, so most of the 30 wait in the spool.
 */
class IndependentPathsIT {
    private static final int OBJECTS = 30;

    @TempDir
    Path temp;

    private final CompletableFuture<Void> modelAnswers = new CompletableFuture<>();
    private final AtomicInteger scored = new AtomicInteger();
    private Database database;
    private Pipeline pipeline;
    private StorageScp scp;

    @AfterEach
    void stop() {
        modelAnswers.complete(null);
        if (scp != null) {
            scp.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aStuckModelSlowsNeitherTheSenderNorTheResearchArchive() throws Exception {
        int port = Ports.free();
        Settings settings = SettingsLoader.load(null, Map.of(
                "OSTEONODE_DATA_DIR", temp.resolve("node").toString(),
                "OSTEONODE_DICOM_PORT", Integer.toString(port),
                "OSTEONODE_PIPELINE_QUEUE_SIZE", "4",
                "OSTEONODE_RESEARCH_WORKERS", "2",
                "OSTEONODE_CLINICAL_WORKERS", "2"));
        Metrics metrics = new Metrics();
        Pseudonymizer pseudonymizer = Pseudonymizer.fromSecretFile(settings.secretFile());
        Spool spool = new Spool(settings.spoolDir(), 0);
        Quarantine quarantine = new Quarantine(settings.quarantineDir(), metrics);
        database = SharedPostgres.freshDatabase(temp.resolve("db"));
        ClinicalStudies studies = new ClinicalStudies(database.dataSource());
        StudyWorkspace workspace = new StudyWorkspace(new FileObjectStore(settings.clinicalDir()), "",
                settings.scratchDir(), pseudonymizer::workspace);
        ClinicalPath clinical = new ClinicalPath(new Eligibility(Eligibility.screened(settings.clinical().bodyParts()), 0, java.time.Clock.systemDefaultZone()),
                new BodyPartNormalizer(), frame -> modelAnswers.thenApply(answered -> {
                    scored.incrementAndGet();
                    return 0.5;
                }), studies, workspace, pseudonymizer, PixelDataDecoder.inJava());
        Outbox outbox = new Outbox(database.dataSource(), new FileObjectStore(settings.outboxDir()), "",
                settings.scratchDir(), "node-1", Duration.ofMinutes(5));
        StudyReporter reporter = new StudyReporter(studies, workspace, outbox, pseudonymizer,
                new OsteoporosisReport.Algorithm("stuck model", "1", "2.25.1", "test"), 0.5, Duration.ofSeconds(1),
                Duration.ofDays(1), settings.scratchDir(), "OSTEONODE");
        IngestRoutes ingest = new IngestRoutes(settings.pipeline(), spool, quarantine,
                new InstanceIndex(database.dataSource(), pseudonymizer), clinical,
                ResearchArchiver.create(settings.deid(), pseudonymizer,
                        new Archive(settings.archiveDir(), settings.scratchDir(), true), "OSTEONODE"),
                new LabelStore(database.dataSource()), metrics);
        pipeline = new Pipeline(ingest, List.of(new ReportRoutes(reporter)), Duration.ofSeconds(5));
        scp = new StorageScp(settings.dicom(), spool, quarantine, pipeline, metrics);
        scp.start();
        String study = SyntheticDicom.newUid();
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= OBJECTS; i++) {
            files.add(SyntheticDicom.radiograph().study(study).instance(i).size(64, 64).write(temp.resolve(i + ".dcm")));
        }

        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", files);

        assertThat(sent.successes()).as(sent.output()).isEqualTo(OBJECTS);
        Poll.until(Duration.ofSeconds(60), "every image de-identified and labelled while the model is stuck",
                () -> count("select count(*) from image_label") == OBJECTS);
        assertThat(scored.get()).as("the model has answered nothing yet").isZero();
        assertThat(count("select sum(times_received) from instance")).as("each receipt counted once").isEqualTo(OBJECTS);
        assertThat(spool.pending()).as("kept for the clinical path").hasSize(OBJECTS);

        modelAnswers.complete(null);

        Poll.until(Duration.ofSeconds(60), "the clinical path to catch up from the spool",
                () -> count("select count(*) from instance where clinical_done") == OBJECTS);
        assertThat(scored.get()).isEqualTo(OBJECTS);
        assertThat(count("select count(*) from image_score")).isEqualTo(OBJECTS);
        Poll.until(Duration.ofSeconds(10), "every object to leave the spool", () -> spool.pending().isEmpty());
        try (var left = Files.list(settings.spoolDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no marker left").containsOnly("incoming");
        }
        assertThat(metrics.count("osteonode.instances.resent")).isZero();
        // and the study's report, once the model answered, names every image of the study
        Poll.until(Duration.ofSeconds(30), "the study's report in the outbox", () -> outbox.count("pending") == 1);
        AttributeList report = new AttributeList();
        report.read(outbox.fetch(outbox.due(1).get(0)).toFile());
        assertThat(referencedInstances(report)).hasSize(OBJECTS).doesNotHaveDuplicates();
    }
    private long count(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
