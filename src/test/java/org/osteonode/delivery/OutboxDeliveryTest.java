package org.osteonode.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    private Outbox outbox;
    private final Metrics metrics = new Metrics();
    private final List<Path> offered = new ArrayList<>();
    private boolean pacsAccepts = true;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        outbox = new Outbox(database.dataSource(), temp.resolve("outbox"), "node-1", Duration.ofMinutes(5));
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
        assertThat(filesInOutbox()).isEmpty();
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
        assertThat(filesInOutbox()).hasSize(1);
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

        assertThat(filesInOutbox()).hasSize(2);
        List<OutboxItem> due = outbox.due(10);
        assertThat(due).extracting(OutboxItem::itemKey).containsExactly("sr:a:1", "sr:a:2");
        assertThat(Files.readString(due.get(0).file())).isEqualTo("a");
        assertThat(outbox.due(1)).hasSize(1);
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

    private List<Path> filesInOutbox() throws Exception {
        try (var files = Files.list(temp.resolve("outbox"))) {
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
}
