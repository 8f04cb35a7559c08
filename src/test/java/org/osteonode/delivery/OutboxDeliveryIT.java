package org.osteonode.delivery;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.SettingsLoader;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Database;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox against a real PACS (Orthanc) and a real PostgreSQL: sent, retried, dead-lettered, re-queued. */
class OutboxDeliveryIT {
    @TempDir
    Path temp;

    private EmbeddedPostgres postgres;
    private Database database;
    private OrthancProcess orthanc;
    private Outbox outbox;
    private final Metrics metrics = new Metrics();

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        database = Database.open(SettingsLoader.load(null, Map.of(
                "OSTEONODE_DATA_DIR", temp.resolve("data").toString(),
                "OSTEONODE_DB_URL", postgres.getJdbcUrl("postgres", "postgres"))));
        outbox = new Outbox(database.dataSource(), temp.resolve("data/outbox"));
        orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
    }

    @AfterEach
    void stop() throws Exception {
        orthanc.close();
        database.close();
        postgres.close();
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
        try (var left = Files.list(temp.resolve("data/outbox"))) {
            assertThat(left).isEmpty();
        }
        assertThat(metrics.count("osteonode.sr.sent")).isEqualTo(1);
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
    void backOffDoublesUpToAnHour() {
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 20)).isEqualTo(Duration.ofHours(1));
    }

    private OutboxDelivery delivery(int maxAttempts, Duration firstRetry) {
        return new OutboxDelivery(outbox, new StorageScu("localhost", orthanc.dicomPort(), OrthancProcess.AE_TITLE,
                "OSTEONODE"), maxAttempts, firstRetry, metrics);
    }
}
