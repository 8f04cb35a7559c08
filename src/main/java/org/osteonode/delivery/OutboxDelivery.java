package org.osteonode.delivery;

import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sends what is due in the outbox. A failure is retried with exponential back-off (first delay, doubling,
 * at most an hour); after {@code maxAttempts} the item is dead-lettered until someone re-queues it. Each item is
 * claimed before it is sent ({@link Outbox#claimNext}): every node sharing the database may run this at once.
 * An item whose object is missing or corrupt in the store is a failed attempt like a refusal, so that it goes dead
 * after the last one instead of being claimed forever; a store that cannot be reached is thrown, as the database's
 * outage is, and the item is claimed again once its lease has run out.
 */
public final class OutboxDelivery {
    private static final Logger log = LoggerFactory.getLogger(OutboxDelivery.class);
    private static final int BATCH = 20;
    private static final Duration LONGEST_WAIT = Duration.ofHours(1);

    private final Outbox outbox;
    private final PacsSender sender;
    private final int maxAttempts;
    private final Duration firstRetry;
    private final Metrics metrics;

    public OutboxDelivery(Outbox outbox, PacsSender sender, int maxAttempts, Duration firstRetry, Metrics metrics) {
        this.outbox = outbox;
        this.sender = sender;
        this.maxAttempts = maxAttempts;
        this.firstRetry = firstRetry;
        this.metrics = metrics;
    }

    /** @return how many items the PACS accepted */
    public int deliverDue() throws SQLException, IOException {
        int sent = 0;
        long after = 0;
        // One claim per send, so that a lease covers one send and not a batch's worth of them; oldest first, each
        // item at most once a round (one that fails with no back-off waits for the next).
        for (int round = 0; round < BATCH; round++) {
            Optional<Outbox.Claim> next = outbox.claimNext(after);
            if (next.isEmpty()) {
                break;
            }
            Outbox.Claim claim = next.get();
            OutboxItem item = claim.item();
            after = item.id();
            try {
                send(item);
                if (!outbox.sent(claim)) {
                    leaseLost(item, "accepted");
                    continue;
                }
                metrics.reportSent();
                sent++;
                log.info("event=outbox.sent item={} attempts={}", item.id(), item.attempts() + 1);
            } catch (DeliveryException e) {
                int attempts = item.attempts() + 1;
                boolean dead = attempts >= maxAttempts;
                if (!outbox.failed(claim, e.getMessage(), Instant.now().plus(backoff(firstRetry, attempts)), dead)) {
                    leaseLost(item, "refused");
                } else if (dead) {
                    log.error("event=outbox.dead-letter item={} attempts={} error=\"{}\" fix=\"{}\"", item.id(), attempts,
                            e.getMessage(), e.fix());
                } else {
                    log.warn("event=outbox.retry-later item={} attempts={} error=\"{}\"", item.id(), attempts,
                            e.getMessage());
                }
            }
        }
        return sent;
    }

    /** A report whose object is gone or altered: re-queueing it would fail the same way. */
    private static final String NOT_RETRYABLE = "outbox retry cannot help: the report's file is gone or was altered "
            + "at rest; look at who deletes or changes the outbox's store (data-dir/outbox, or outbox/ in the PHI bucket)";

    /** Sends a local copy of the item's object, deleted whatever happens. */
    private void send(OutboxItem item) throws DeliveryException, IOException {
        Path file;
        try {
            file = outbox.fetch(item);
        } catch (NoSuchFileException e) {
            throw new DeliveryException("the report's object '" + item.objectKey() + "' is missing from the "
                    + "outbox's store (deleted outside osteonode?): it cannot be sent", NOT_RETRYABLE);
        } catch (ObjectStore.CorruptObjectException e) {
            throw new DeliveryException(e.getMessage(), NOT_RETRYABLE);
        }
        try {
            sender.send(file);
        } finally {
            deleteCopy(file);
        }
    }

    /** Never throws: a failure here must not hide the send's outcome. */
    private static void deleteCopy(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("event=outbox.copy-left file={} error=\"{}\" fix=\"delete the file: it holds an identified "
                    + "report\"", file, e.getMessage());
        }
    }

    /** The send outlasted the lease and another claim has the item: its outcome is that claim's to record. */
    private static void leaseLost(OutboxItem item, String pacsAnswer) {
        log.warn("event=outbox.lease-lost item={} pacs={} effect=\"the send outlasted its lease and another claim "
                + "took the item over; the PACS may be offered it twice, under the same SOP Instance UID\" "
                + "fix=\"if this repeats, the PACS answers slower than osteonode.dicom.timeout-seconds allows: raise "
                + "it\"", item.id(), pacsAnswer);
    }

    /** The wait after the n-th failed attempt: first, 2×first, 4×first... never more than an hour. */
    static Duration backoff(Duration first, int attempts) {
        Duration wait = first;
        for (int i = 1; i < attempts && wait.compareTo(LONGEST_WAIT) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }
}
