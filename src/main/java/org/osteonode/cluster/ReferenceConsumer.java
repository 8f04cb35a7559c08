package org.osteonode.cluster;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the references topic as one member of a consumer group ({@code research} or {@code clinical}: each group
 * gets every reference) and hands each {@link ObjectReference} to a {@link Handler}.
 *
 * <p>At least once: a record's offset is committed only after its handler returned, that is after the handler's
 * PostgreSQL commit. A crash between the two delivers the record again, so a handler must be idempotent on
 * {@link ObjectReference#sopInstanceKey()} (a second claim of the same SOP Instance changes nothing).
 *
 * <p>A handler that fails leaves its record uncommitted: the consumer seeks back to it, pauses the partition for
 * the back-off and delivers it again. When {@code outage} says the failure is an outage (the database or a bucket
 * unreachable), every assigned partition is paused, since every handler needs them, and the attempt does not count.
 * Any other failure counts: after {@code maxAttempts} the handler's {@link Handler#giveUp} records the reference
 * (the paths quarantine its object) and the consumer goes past it. Pausing is how a consumer waits without
 * leaving its group: {@code poll} keeps being called (and returns nothing for paused partitions), so
 * {@code max.poll.interval.ms} is never exceeded and the group is not rebalanced while the database is down. For the
 * same reason a batch stops being handled once half of {@code max.poll.interval.ms} is spent, its rest sought
 * back and handled after the next poll; a single handler call must itself return well within that (the pool's
 * connection timeout bounds a call that waits for PostgreSQL).
 *
 * <p>A record that is not a valid reference (the topic is untrusted input) is logged by partition and offset and
 * committed past: redelivering it would never make it valid, and it must not stop the partition behind it.
 *
 * <p>Plain kafka-clients rather than camel-kafka: the promises above are pause, seek and commit at chosen points
 * of one consumer's loop. camel-kafka can be made to keep them (manual commits, {@code breakOnFirstError}, the
 * pausable EIP) but hides that loop behind endpoint options whose combination is the hard part to get right and to
 * test; and outside {@code route} the project knows no Camel. kafka-clients is pinned to the version camel-kafka
 * of the project's Camel is built against, so a route that later reads the topic with camel-kafka brings no
 * second Kafka. Not thread-safe, as KafkaConsumer: {@link #run} on one thread, {@link #close} from any.
 */
public final class ReferenceConsumer implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReferenceConsumer.class);

    /** Handles one reference; returns once what it did is committed. */
    @FunctionalInterface
    public interface Handler {
        void handle(ObjectReference reference, Position position) throws Exception;

        /**
         * The reference failed {@code maxAttempts} times, not for an outage: put its object where a person will
         * see it (the paths quarantine it) and return, and the consumer goes past it. Throwing keeps it retried.
         */
        default void giveUp(ObjectReference reference, Position position, Exception last) throws Exception {
        }
    }

    /** Where a reference was read: for log lines and for tests, never for idempotence (the SOP Instance key is). */
    public record Position(int partition, long offset) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String group;
    private final Handler handler;
    private final Predicate<Throwable> outage;
    private final Duration backOff;
    private final long budgetNanos;
    private final ReferenceCodec codec = new ReferenceCodec();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    /** The failed attempts of the record each partition is stuck at. */
    private final Map<TopicPartition, Attempts> failures = new HashMap<>();
    private final int maxAttempts;
    private final java.util.concurrent.atomic.AtomicLong assignments = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    private volatile Thread thread;

    /**
     * @param outage  whether a handler's exception means the database is unreachable (the store's classify)
     * @param backOff how long a failed record's partition, or all partitions in an outage, stay paused
     * @param maxAttempts how often a reference is tried (an outage does not count) before the handler gives it up
     * @param extra   further consumer settings (TLS, SASL, max.poll.interval.ms); they cannot turn auto-commit on
     */
    public ReferenceConsumer(String bootstrapServers, String topic, String group, Handler handler,
            Predicate<Throwable> outage, Duration backOff, int maxAttempts, Map<String, Object> extra) {
        this.maxAttempts = maxAttempts;
        this.topic = topic;
        this.group = group;
        this.handler = handler;
        this.outage = outage;
        this.backOff = backOff;
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Uncommitted transactions are not references anyone promised.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // A node killed outright stops heartbeating: its partitions go to the other members after this, rather than
        // Kafka's 45 s, so that a study's references wait less than osteonode.study.stable-seconds' usual values.
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // A reference is at most ReferenceCodec.MAX_BYTES: no fetch needs megabytes of memory.
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Object interval = config.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        this.budgetNanos = Duration.ofMillis(Long.parseLong(interval.toString())).toNanos() / 2;
        consumer = new KafkaConsumer<>(config);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Offsets are committed before each poll returns to the broker: nothing is pending here.
                    partitions.forEach(pausedUntil::remove);
                    partitions.forEach(failures::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignments.incrementAndGet();
                    log.info("event=references.assigned group={} partitions={}", group, partitions);
                }
            });
            while (!closed) {
                resumeDue();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    handle(records);
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void resumeDue() {
        if (pausedUntil.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> now - e.getValue() >= 0)
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            consumer.resume(due);
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        long start = System.nanoTime();
        boolean stop = false;
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
            if (stop || pausedUntil.containsKey(partition)) {
                // not handled in this round: read it again from here
                consumer.seek(partition, batch.get(0).offset());
                continue;
            }
            long next = -1;
            for (ConsumerRecord<String, byte[]> record : batch) {
                if (System.nanoTime() - start > budgetNanos) {
                    log.info("event=references.batch-cut group={} partition={} offset={} fix=\"none needed: the rest "
                            + "is handled after the next poll; if frequent, lower max.poll.records\"", group,
                            record.partition(), record.offset());
                    consumer.seek(partition, record.offset());
                    stop = true;
                    break;
                }
                Failure failure = deliver(record);
                if (failure == null) {
                    next = record.offset() + 1;
                    continue;
                }
                consumer.seek(partition, record.offset());
                long until = System.nanoTime() + backOff.toNanos();
                if (failure == Failure.OUTAGE) {
                    for (TopicPartition assigned : consumer.assignment()) {
                        pausedUntil.put(assigned, until);
                    }
                    consumer.pause(consumer.assignment());
                    stop = true;
                } else {
                    pausedUntil.put(partition, until);
                    consumer.pause(List.of(partition));
                }
                break;
            }
            if (next >= 0) {
                commit(partition, next);
            }
        }
    }

    private enum Failure { OUTAGE, HANDLER }

    private record Attempts(long offset, int count) {
    }

    /** @return null when the record is done with (handled, or invalid and skipped) */
    private Failure deliver(ConsumerRecord<String, byte[]> record) {
        ObjectReference reference;
        try {
            reference = codec.decode(record.value());
        } catch (InvalidReferenceException e) {
            log.warn("event=references.invalid group={} partition={} offset={} reason=\"{}\" fix=\"find the "
                    + "producer writing to topic {} that is not an osteonode node\"", group, record.partition(),
                    record.offset(), e.getMessage(), topic);
            return null;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Position position = new Position(record.partition(), record.offset());
        try {
            handler.handle(reference, position);
            failures.remove(partition);
            return null;
        } catch (Exception e) {
            if (outage.test(e)) {
                return paused(record, e);
            }
            Attempts before = failures.get(partition);
            int attempts = before != null && before.offset() == record.offset() ? before.count() + 1 : 1;
            failures.put(partition, new Attempts(record.offset(), attempts));
            log.error("event=references.handler-failed group={} partition={} offset={} attempt={} max_attempts={} "
                    + "back-off-ms={}", group, record.partition(), record.offset(), attempts, maxAttempts,
                    backOff.toMillis(), e);
            if (attempts < maxAttempts) {
                return Failure.HANDLER;
            }
            return givenUp(reference, position, partition, e);
        }
    }

    private Failure paused(ConsumerRecord<String, byte[]> record, Exception e) {
        log.warn("event=references.paused group={} partition={} offset={} back-off-ms={} reason=\"{}\" "
                + "fix=\"bring PostgreSQL (or the bucket) back; consumption resumes by itself\"", group, record.partition(),
                record.offset(), backOff.toMillis(), e.getMessage());
        return Failure.OUTAGE;
    }

    /** A reference that keeps failing must not hold its partition (and every study behind it) for good. */
    private Failure givenUp(ObjectReference reference, Position position, TopicPartition partition, Exception last) {
        try {
            handler.giveUp(reference, position, last);
        } catch (Exception e) {
            if (outage.test(e)) {
                return Failure.OUTAGE;
            }
            log.error("event=references.give-up-failed group={} partition={} offset={} key={} effect=\"retried\"",
                    group, position.partition(), position.offset(), reference.sopInstanceKey(), e);
            return Failure.HANDLER;
        }
        failures.remove(partition);
        log.error("event=references.gave-up group={} partition={} offset={} key={} attempts={} fix=\"see the "
                + "quarantine (bin/osteonode quarantine list, on any node)\"", group, position.partition(),
                position.offset(), reference.sopInstanceKey(), maxAttempts);
        return null;
    }

    private void commit(TopicPartition partition, long next) {
        try {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
        } catch (CommitFailedException e) {
            // The partition went to another member: it reads from the last commit, and the handlers are idempotent.
            log.warn("event=references.commit-failed group={} partition={} next-offset={} reason=\"{}\"", group,
                    partition.partition(), next, e.getMessage());
        }
    }

    /**
     * How many times the group gave this member partitions: 1 in a quiet group; more after a rebalance (a member
     * came or went, or this one was dropped for exceeding {@code max.poll.interval.ms}). For metrics and tests.
     */
    public long assignments() {
        return assignments.get();
    }

    /** Stops {@link #run} (from any thread) and waits for it to close the consumer. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        Thread running = thread;
        if (running != null && running != Thread.currentThread()) {
            running.join(Duration.ofSeconds(10).toMillis());
        }
    }
}
