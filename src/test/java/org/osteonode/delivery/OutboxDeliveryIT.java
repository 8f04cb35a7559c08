package org.osteonode.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.StorageScp;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Database;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.SharedPostgres;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox against a real PACS (Orthanc) and a real PostgreSQL: sent, retried, dead-lettered, re-queued. */
class OutboxDeliveryIT {
    @TempDir
    Path temp;

    private Database database;
    private OrthancProcess orthanc;
    private FileObjectStore files;
    private Outbox outbox;
    private final Metrics metrics = new Metrics();

    @BeforeEach
    void start() throws Exception {
        database = SharedPostgres.freshDatabase(temp.resolve("data"));
        files = new FileObjectStore(temp.resolve("data/outbox"));
        outbox = new Outbox(database.dataSource(), files, "", temp.resolve("data/scratch"), "node-1",
                Duration.ofMinutes(5));
        orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
    }

    @AfterEach
    void stop() throws Exception {
        orthanc.close();
        database.close();
    }

    @Test
    void aQueuedReportReachesThePacsOnceAndLeavesNoFileBehind() throws Exception {
        SyntheticDicom report = SyntheticDicom.radiograph();
        Path file = report.write(temp.resolve("report.dcm"));

        assertThat(outbox.enqueue("sr:study:1", file)).isTrue();
        assertThat(outbox.enqueue("sr:study:1", report.write(temp.resolve("again.dcm")))).as("same key").isFalse();
        int sent = delivery(10, Duration.ofSeconds(30)).deliverDue();

        assertThat(sent).isEqualTo(1);
        assertThat(orthanc.sopInstanceUids()).containsExactly(report.sopInstanceUid());
        assertThat(outbox.count("sent")).isEqualTo(1);
        assertThat(files.list("")).isEmpty();
        try (var left = Files.list(temp.resolve("data/outbox"))) {
            assertThat(left).as("checksum records included").isEmpty();
        }
        try (var left = Files.list(temp.resolve("data/scratch"))) {
            assertThat(left).as("the copy sent was deleted").isEmpty();
        }
        assertThat(metrics.count("osteonode.sr.sent")).isEqualTo(1);
    }

    @Test
    void aReportWhoseNodeDiedAfterSendingItIsSentAgainByAnotherNodeAndThePacsAcceptsItOnce() throws Exception {
        SyntheticDicom report = SyntheticDicom.radiograph();
        Outbox dying = new Outbox(database.dataSource(), files, "", temp.resolve("data/scratch-a"), "node-a",
                Duration.ofSeconds(2));
        dying.enqueue("sr:study:6", report.write(temp.resolve("report.dcm")));
        Outbox.Claim claim = dying.claimNext(0).orElseThrow();
        // node-a's C-STORE reaches the PACS, and node-a dies before it can record it
        new StorageScu(new Settings.Pacs(OrthancProcess.AE_TITLE, "localhost", orthanc.dicomPort(), false), "OSTEONODE",
                Optional.empty(), Duration.ofSeconds(30)).send(dying.fetch(claim.item()));
        OutboxDelivery survivor = delivery(10, Duration.ofSeconds(30));

        org.osteonode.testing.Poll.until(Duration.ofSeconds(30), "node-a's lease to run out and the other node to send",
                () -> survivor.deliverDue() == 1);

        assertThat(orthanc.sopInstanceUids()).as("the second C-STORE of the same SOP Instance was a Success")
                .containsExactly(report.sopInstanceUid());
        assertThat(outbox.count("sent")).isEqualTo(1);
        assertThat(metrics.count("osteonode.sr.sent")).isEqualTo(1);
        assertThat(dying.sent(claim)).as("node-a's word, were it to come back").isFalse();
    }

    @Test
    void aPacsThatIsDownGetsTheReportWhenItIsBack() throws Exception {
        SyntheticDicom report = SyntheticDicom.radiograph();
        outbox.enqueue("sr:study:2", report.write(temp.resolve("report.dcm")));
        OutboxDelivery delivery = delivery(10, Duration.ZERO);
        orthanc.stop();

        assertThat(delivery.deliverDue()).isZero();
        assertThat(outbox.count("pending")).isEqualTo(1);

        orthanc.start();
        assertThat(delivery.deliverDue()).isEqualTo(1);
        assertThat(orthanc.sopInstanceUids()).containsExactly(report.sopInstanceUid());
    }

    @Test
    void pastTheAttemptLimitTheReportIsDeadLetteredUntilRetried() throws Exception {
        SyntheticDicom report = SyntheticDicom.radiograph();
        outbox.enqueue("sr:study:3", report.write(temp.resolve("report.dcm")));
        OutboxDelivery delivery = delivery(2, Duration.ZERO);
        orthanc.stop();

        delivery.deliverDue();
        delivery.deliverDue();
        assertThat(outbox.count("dead")).isEqualTo(1);
        assertThat(delivery.deliverDue()).as("dead letters are not retried on their own").isZero();

        orthanc.start();
        assertThat(outbox.retryDead()).isEqualTo(1);
        assertThat(delivery.deliverDue()).isEqualTo(1);
        assertThat(orthanc.sopInstanceUids()).containsExactly(report.sopInstanceUid());
    }

    @Test
    void aPacsThatAnswersAFailureStatusLeavesTheReportPendingWithItsFile() throws Exception {
        // A real SCP that answers every C-STORE with A700 (Out of Resources): osteonode's own receiver below
        // its disk watermark.
        try (StorageScp refusing = refusingPacs(Set.of("OSTEONODE"))) {
            SyntheticDicom report = SyntheticDicom.radiograph();
            outbox.enqueue("sr:study:4", report.write(temp.resolve("report.dcm")));
            OutboxDelivery delivery = new OutboxDelivery(outbox, new StorageScu(new Settings.Pacs("PACS", "localhost", refusingPort, false), "OSTEONODE",
                    Optional.empty(), Duration.ofSeconds(30)), 10, Duration.ofSeconds(30), metrics);

            assertThat(delivery.deliverDue()).isZero();

            assertThat(outbox.count("pending")).isEqualTo(1);
            assertThat(outbox.count("sent")).isZero();
            assertThat(metrics.count("osteonode.sr.sent")).isZero();
            assertThat(metrics.count("osteonode.instances.rejected", "reason", "disk-full")).as("the PACS refused it")
                    .isEqualTo(1);
            assertThat(files.list("")).as("the report is kept for the next attempt").hasSize(1);
            assertThat(lastError()).contains("failure status");
        }
    }

    @Test
    void aPacsThatRejectsTheAssociationLeavesTheReportPending() throws Exception {
        try (StorageScp refusing = refusingPacs(Set.of("SOMEONEELSE"))) {
            outbox.enqueue("sr:study:5", SyntheticDicom.radiograph().write(temp.resolve("report.dcm")));
            OutboxDelivery delivery = new OutboxDelivery(outbox, new StorageScu(new Settings.Pacs("PACS", "localhost", refusingPort, false), "OSTEONODE",
                    Optional.empty(), Duration.ofSeconds(30)), 10, Duration.ofSeconds(30), metrics);

            assertThat(delivery.deliverDue()).isZero();

            assertThat(outbox.count("pending")).isEqualTo(1);
            assertThat(metrics.count("osteonode.sr.sent")).isZero();
            assertThat(lastError()).contains("no association");
        }
    }

    private final int refusingPort = Ports.free();

    private StorageScp refusingPacs(Set<String> allowedCallingAeTitles) throws Exception {
        Settings.Dicom settings = new Settings.Dicom("PACS", refusingPort, 0,
                new Settings.CallingAeTitles(allowedCallingAeTitles, false), 4, 131072, 1L << 30, Duration.ofSeconds(30));
        StorageScp scp = new StorageScp(settings, new Spool(temp.resolve("pacs-spool"), Long.MAX_VALUE),
                new Quarantine(temp.resolve("pacs-quarantine"), metrics), object -> {
                    throw new AssertionError("the refusing PACS accepted an object");
                }, metrics);
        scp.start();
        return scp;
    }

    private String lastError() throws Exception {
        try (var connection = database.dataSource().getConnection();
             var rows = connection.createStatement().executeQuery("select last_error from outbox")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private OutboxDelivery delivery(int maxAttempts, Duration firstRetry) {
        return new OutboxDelivery(outbox, new StorageScu(new Settings.Pacs(OrthancProcess.AE_TITLE, "localhost", orthanc.dicomPort(), false), "OSTEONODE",
                    Optional.empty(), Duration.ofSeconds(30)), maxAttempts, firstRetry, metrics);
    }
}
