package org.osteonode.delivery;

import org.osteonode.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends what is due in the outbox. A failure is retried with exponential back-off (first delay, doubling,
 * at most an hour); after {@code maxAttempts} the item is dead-lettered until someone re-queues it.
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
        for (OutboxItem item : outbox.due(BATCH)) {
            try {
                sender.send(item.file());
                outbox.sent(item);
                metrics.reportSent();
                sent++;
                log.info("event=outbox.sent item={} attempts={}", item.id(), item.attempts() + 1);
            } catch (DeliveryException e) {
                int attempts = item.attempts() + 1;
                boolean dead = attempts >= maxAttempts;
                outbox.failed(item, e.getMessage(), Instant.now().plus(backoff(firstRetry, attempts)), dead);
                if (dead) {
                    log.error("event=outbox.dead-letter item={} attempts={} error=\"{}\" fix=\"when the PACS is back, "
                            + "run bin/osteonode outbox retry\"", item.id(), attempts, e.getMessage());
                } else {
                    log.warn("event=outbox.retry-later item={} attempts={} error=\"{}\"", item.id(), attempts,
                            e.getMessage());
                }
            }
        }
        return sent;
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
