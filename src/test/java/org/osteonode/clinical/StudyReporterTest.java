package org.osteonode.clinical;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.delivery.Outbox;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.store.ClinicalStudies;
import org.osteonode.store.Database;
import org.osteonode.store.InstanceIndex;
import org.osteonode.testing.SharedPostgres;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes' reporters on one real PostgreSQL, each from several threads at once, over the same due studies:
 * each version of each study's report is made and queued by one of them, once.
 */
class StudyReporterTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final int STUDIES = 12;
    /**
     * A node reports from one thread (ReportRoutes' timer); two here, to race more. No more: a reporter holds a
     * connection for its claim and takes a second to queue, and a node's pool has four at least.
     */
    private static final int THREADS_PER_NODE = 2;

    @TempDir
    Path temp;

    private Database database;
    private Database otherNode;
    private InstanceIndex index;
    private StudyWorkspace workspace;
    private final Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
    private final List<String> studyUids = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        String name = SharedPostgres.newDatabase();
        database = SharedPostgres.open(name, temp.resolve("node-a"));
        otherNode = SharedPostgres.open(name, temp.resolve("node-b"));
        index = new InstanceIndex(database.dataSource(), pseudonymizer);
        // shared by the two nodes here, as the database is
        workspace = new StudyWorkspace(new FileObjectStore(temp.resolve("clinical")), "", temp.resolve("scratch"),
                pseudonymizer::workspace);
        Files.createDirectories(temp.resolve("scratch"));
        for (int i = 0; i < STUDIES; i++) {
            studyUids.add(SyntheticDicom.newUid());
        }
    }

    @AfterEach
    void close() {
        otherNode.close();
        database.close();
    }

    @Test
    void twoNodesReportingTheSameDueStudiesAtOnceQueueEachStudysReportOnce() throws Exception {
        for (String study : studyUids) {
            scoredImage(study, 1);
            scoredImage(study, 2);
        }

        assertThat(reportFromTwoNodesAtOnce()).as("reports made and queued, over both nodes").isEqualTo(STUDIES);

        assertThat(outboxKeys()).containsExactlyInAnyOrderElementsOf(keys(1));
        assertThat(new FileObjectStore(temp.resolve("outbox")).list("")).as("each queued report's object, and no other")
                .hasSize(STUDIES);
        assertThat(filesIn("scratch")).as("each report written was handed over to the outbox").isEmpty();
        assertThat(single("select count(*) from clinical_study where reported_version = 1 and reported_instances = 2"))
                .isEqualTo(Integer.toString(STUDIES));
    }

    @Test
    void aLateImageInEveryStudyGivesEachStudyOneNextVersionHoweverManyNodesReport() throws Exception {
        for (String study : studyUids) {
            scoredImage(study, 1);
        }
        assertThat(reportFromTwoNodesAtOnce()).isEqualTo(STUDIES);
        for (String study : studyUids) {
            scoredImage(study, 2);
        }

        assertThat(reportFromTwoNodesAtOnce()).isEqualTo(STUDIES);

        List<String> expected = new ArrayList<>(keys(1));
        expected.addAll(keys(2));
        assertThat(outboxKeys()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(single("select count(*) from clinical_study where reported_version = 2 and reported_instances = 2"))
                .isEqualTo(Integer.toString(STUDIES));
        assertThat(reportFromTwoNodesAtOnce()).as("nothing due").isZero();
    }

    /** Every thread of both nodes runs one reporting round, all let go at once; returns the reports queued. */
    private int reportFromTwoNodesAtOnce() throws Exception {
        List<StudyReporter> reporters = List.of(node("node-a", database), node("node-b", otherNode));
        ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> rounds = new ArrayList<>();
        for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
            StudyReporter reporter = reporters.get(t % 2);
            rounds.add(threads.submit(() -> {
                start.await();
                return reporter.reportStableStudies();
            }));
        }
        start.countDown();
        int queued = 0;
        for (Future<Integer> round : rounds) {
            queued += round.get();
        }
        threads.shutdown();
        return queued;
    }

    private StudyReporter node(String id, Database pool) {
        return new StudyReporter(new ClinicalStudies(pool.dataSource()), workspace,
                new Outbox(pool.dataSource(), new FileObjectStore(temp.resolve("outbox")), "", temp.resolve("scratch"),
                        id, Duration.ofMinutes(5)), pseudonymizer,
                new OsteoporosisReport.Algorithm("test model", "1", "2.25.1", "test"), 0.5, Duration.ZERO,
                Duration.ofDays(1), temp.resolve("scratch"), "OSTEONODE");
    }

    /** An image of the study as the clinical path leaves it: indexed, seen, scored, kept in the workspace. */
    private void scoredImage(String studyUid, int number) throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().study(studyUid).instance(number).size(8, 8);
        AttributeList attributes = image.attributes();
        String series = attributes.get(TagFromName.SeriesInstanceUID).getSingleStringValueOrEmptyString();
        InstanceHeader header = new InstanceHeader("1.2.840.10008.1.2.1", "1.2.840.10008.5.1.4.1.1.1.1",
                image.sopInstanceUid(), studyUid, series, "MRN77", "ISSUER", "DX", "STORESCU", null);
        index.record(header, 10);
        index.clinicalDone(header);
        String studyKey = pseudonymizer.uid(studyUid);
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());
        new ClinicalStudies(database.dataSource()).score(sopKey, studyKey, 0.4);
        workspace.add(studyKey, sopKey, attributes, new StudyWorkspace.ScoredImage(new OsteoporosisReport.SourceImage(
                "1.2.840.10008.5.1.4.1.1.1.1", image.sopInstanceUid(), series), 0.4, BodyPart.LSPINE));
    }

    private List<String> keys(int version) {
        return studyUids.stream().map(study -> "sr:" + pseudonymizer.uid(study) + ":" + version).toList();
    }

    private List<String> outboxKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("select item_key from outbox")) {
            while (rows.next()) {
                keys.add(rows.getString(1));
            }
        }
        return keys;
    }

    private List<Path> filesIn(String dir) throws Exception {
        try (var files = Files.list(temp.resolve(dir))) {
            return files.toList();
        }
    }

    private String single(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
