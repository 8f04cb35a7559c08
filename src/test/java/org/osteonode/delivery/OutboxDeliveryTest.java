package org.osteonode.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Database;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox's bookkeeping on a real PostgreSQL, with a sender that accepts or fails on demand (OutboxDeliveryIT
 * does the same against real PACSes): sent only when accepted, kept and retried later when not, dead after the
 * last attempt, never queued twice.
 */
class OutboxDeliveryTest {
    @TempDir
    Path temp;

    private Database database;
    private FileObjectStore files;
    private Outbox outbox;
    private final Metrics metrics = new Metrics();
    private final List<Path> offered = new ArrayList<>();
    private boolean pacsAccepts = true;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        files = new FileObjectStore(temp.resolve("outbox"));
        outbox = new Outbox(database.dataSource(), files, "", temp.resolve("scratch"), "node-1", Duration.ofMinutes(5));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anAcceptedReportIsMarkedSentCountedAndItsFileDeleted() throws Exception {
        assertThat(outbox.enqueue("sr:a:1", report("a"))).isTrue();

        assertThat(delivery(3).deliverDue()).isEqualTo(1);

        assertThat(offered).hasSize(1);
        assertThat(outbox.count("sent")).isEqualTo(1);
        assertThat(outbox.count("pending")).isZero();
        assertThat(row("attempts || ' ' || (sent_at is not null) || ' ' || coalesce(last_error, '-')")).isEqualTo("1 true -");
        assertThat(metrics.count("osteonode.sr.sent")).isEqualTo(1);
        assertThat(files.list("")).isEmpty();
        assertThat(filesIn("outbox")).as("its checksum record went with it").isEmpty();
        assertThat(filesIn("scratch")).as("the copy sent was deleted").isEmpty();
        assertThat(delivery(3).deliverDue()).as("sent once").isZero();
    }

    @Test
    void aRefusedReportStaysPendingWithItsFileUntilItsNextAttemptIsDue() throws Exception {
        outbox.enqueue("sr:a:1", report("a"));
        pacsAccepts = false;
        Instant before = Instant.now();

        assertThat(delivery(3).deliverDue()).isZero();

        assertThat(outbox.count("pending")).isEqualTo(1);
        assertThat(outbox.count("sent")).isZero();
        assertThat(metrics.count("osteonode.sr.sent")).isZero();
        assertThat(files.list("")).hasSize(1);
        assertThat(filesIn("scratch")).as("the copy sent was deleted").isEmpty();
        assertThat(row("attempts || ' ' || last_error")).isEqualTo("1 the PACS said no");
        Instant next = Instant.parse(row("to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"));
        assertThat(next).isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(2),
                Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
        assertThat(outbox.due(10)).as("not before its back-off").isEmpty();
    }

    @Test
    void afterTheLastAttemptTheReportIsDeadUntilRetried() throws Exception {
        outbox.enqueue("sr:a:1", report("a"));
        pacsAccepts = false;
        OutboxDelivery delivery = new OutboxDelivery(outbox, this::send, 2, Duration.ZERO, metrics);

        delivery.deliverDue();
        assertThat(outbox.count("pending")).as("one attempt left").isEqualTo(1);
        delivery.deliverDue();
        assertThat(outbox.count("dead")).isEqualTo(1);
        assertThat(delivery.deliverDue()).isZero();
        assertThat(offered).hasSize(2);

        pacsAccepts = true;
        assertThat(outbox.retryDead()).isEqualTo(1);
        assertThat(row("attempts || ' ' || state")).isEqualTo("0 pending");
        assertThat(delivery.deliverDue()).isEqualTo(1);
        assertThat(outbox.count("sent")).isEqualTo(1);
        assertThat(outbox.retryDead()).isZero();
    }

    @Test
    void theSameItemKeyIsQueuedOnceAndTheSecondFileIsDropped() throws Exception {
        assertThat(outbox.enqueue("sr:a:1", report("a"))).isTrue();
        assertThat(outbox.enqueue("sr:a:1", report("b"))).isFalse();
        assertThat(outbox.enqueue("sr:a:2", report("c"))).isTrue();

        assertThat(files.list("")).hasSize(2);
        assertThat(filesIn("scratch")).as("each file handed over is deleted, queued or not").isEmpty();
        List<OutboxItem> due = outbox.due(10);
        assertThat(due).extracting(OutboxItem::itemKey).containsExactly("sr:a:1", "sr:a:2");
        assertThat(Files.readString(outbox.fetch(due.get(0)))).isEqualTo("a");
        assertThat(outbox.due(1)).hasSize(1);
    }

    @Test
    void aReportWhoseObjectIsMissingFailsWithAClearErrorUntilItIsDeadAndTheOthersAreStillSent() throws Exception {
        outbox.enqueue("sr:a:1", report("a"));
        outbox.enqueue("sr:b:1", report("b"));
        files.delete(outbox.due(1).get(0).objectKey());
        OutboxDelivery delivery = new OutboxDelivery(outbox, this::send, 2, Duration.ZERO, metrics);

        assertThat(delivery.deliverDue()).as("the other report").isEqualTo(1);
        assertThat(row("state || ' ' || attempts || ' ' || last_error", "sr:a:1"))
                .startsWith("pending 1 the report's object '").endsWith("' is missing from the outbox's store "
                        + "(deleted outside osteonode?): it cannot be sent");
        assertThat(delivery.deliverDue()).isZero();
        assertThat(row("state || ' ' || attempts", "sr:a:1")).isEqualTo("dead 2");
        assertThat(delivery.deliverDue()).as("not claimed again").isZero();
        assertThat(offered).as("only the report that was there").hasSize(1);
        assertThat(filesIn("scratch")).isEmpty();
    }

    @Test
    void aReportWhoseObjectWasAlteredAtRestIsNotSentAndFailsAsCorrupt() throws Exception {
        outbox.enqueue("sr:a:1", report("a"));
        Files.writeString(temp.resolve("outbox").resolve(outbox.due(1).get(0).objectKey()), "b");

        assertThat(delivery(3).deliverDue()).isZero();

        assertThat(offered).isEmpty();
        assertThat(row("state || ' ' || attempts || ' ' || last_error", "sr:a:1")).startsWith("pending 1 object '")
                .contains("is corrupt");
        assertThat(filesIn("scratch")).isEmpty();
    }

    @Test
    void backOffDoublesFromTheFirstDelayUpToAnHour() {
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(OutboxDelivery.backoff(Duration.ofMinutes(40), 2)).isEqualTo(Duration.ofHours(1));
        assertThat(OutboxDelivery.backoff(Duration.ofSeconds(30), 40)).isEqualTo(Duration.ofHours(1));
    }

    private OutboxDelivery delivery(int maxAttempts) {
        return new OutboxDelivery(outbox, this::send, maxAttempts, Duration.ofMinutes(10), metrics);
    }

    private void send(Path file) throws DeliveryException {
        assertThat(file).exists();
        offered.add(file);
        if (!pacsAccepts) {
            throw new DeliveryException("the PACS said no");
        }
    }

    private Path report(String content) throws Exception {
        return Files.writeString(Files.createTempFile(temp, "report-", ".dcm"), content);
    }

    /** Every file in the folder, hidden ones included. */
    private List<Path> filesIn(String dir) throws Exception {
        try (var files = Files.list(temp.resolve(dir))) {
            return files.toList();
        }
    }

    private String row(String expression) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery("select " + expression + " from outbox")) {
            row.next();
            return row.getString(1);
        }
    }

    private String row(String expression, String itemKey) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             var statement = connection.prepareStatement("select " + expression + " from outbox where item_key = ?")) {
            statement.setString(1, itemKey);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
