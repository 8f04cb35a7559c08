package org.osteonode.route;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.cluster.ReferencePublisher;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.ReceivedObjectSink;
import org.osteonode.ingest.Relay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Cluster mode's paths (docs/scale-out.md), in place of {@link IngestRoutes}' in-process queues: a relay thread moves
 * what the receiver acknowledged from the spool to the PHI bucket and publishes its reference, and each path is a
 * Kafka consumer group ({@code research}, {@code clinical}) whose members on every node share the topic's
 * partitions. The spool stays the durable backlog until the relay has handed an object on; after that Kafka and the
 * bucket are.
 */
public final class ClusterPipeline implements ReceivedObjectSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterPipeline.class);

    /**
     * Partitions of a topic the node creates: a study's references stay in one partition, so the partitions bound
     * how many consumer threads of a group can work at once, over all nodes (create the topic yourself for more).
     */
    public static final int PARTITIONS = 12;
    /** How long the relay waits for a new object before it looks at the spool anyway. */
    private static final Duration RELAY_IDLE = Duration.ofSeconds(1);
    /** The longest pause after the bucket or the broker refused an object (it doubles from one second). */
    private static final Duration RELAY_BACK_OFF_CAP = Duration.ofSeconds(30);

    private final Relay relay;
    private final ReferencePublisher publisher;
    private final List<ReferenceConsumer> consumers;
    private final Semaphore arrivals = new Semaphore(0);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param consumers the members this node adds to the two groups, each run on a thread of its own
     */
    public ClusterPipeline(Relay relay, ReferencePublisher publisher, List<ReferenceConsumer> consumers) {
        this.relay = relay;
        this.publisher = publisher;
        this.consumers = List.copyOf(consumers);
    }

    /**
     * Creates the topic when the brokers do not have it: {@link #PARTITIONS} partitions, each on up to three
     * brokers (as many as there are), so that the loss of one broker loses no reference.
     */
    public static void ensureTopic(String bootstrapServers, String topic, Map<String, String> clientProperties)
            throws InterruptedException {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replicas = (short) Math.max(1, Math.min(3, brokers));
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, replicas))).all().get(30, TimeUnit.SECONDS);
            log.info("event=references.topic-created topic={} partitions={} replicas={}", topic, PARTITIONS, replicas);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create or find the Kafka topic " + topic + " at "
                        + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the Kafka brokers at " + bootstrapServers + " did not answer within 30 s "
                    + "(osteonode.cluster.kafka.bootstrap-servers)", e);
        }
    }

    /** Starts the relay and the consumers; what waits in the spool from before is relayed first. */
    public void start() {
        Thread relaying = new Thread(this::relayUntilClosed, "relay");
        threads.add(relaying);
        for (ReferenceConsumer consumer : consumers) {
            threads.add(new Thread(consumer, "references-" + threads.size()));
        }
        threads.forEach(Thread::start);
    }

    /** From the receiver, right after Success is sent: wakes the relay, never waits. */
    @Override
    public void accept(ReceivedObject object) {
        arrivals.release();
    }

    public boolean isRunning() {
        return !closed && !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    private void relayUntilClosed() {
        Duration backOff = Duration.ZERO;
        while (!closed) {
            try {
                if (backOff.isZero()) {
                    arrivals.tryAcquire(RELAY_IDLE.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    Thread.sleep(backOff.toMillis());
                }
                arrivals.drainPermits();
                relay.relayPending();
                backOff = Duration.ZERO;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                backOff = backOff.isZero() ? Duration.ofSeconds(1) : min(backOff.multipliedBy(2), RELAY_BACK_OFF_CAP);
                // the objects stay in the spool (acknowledged, fsync'ed) and go, in order, on a later pass
                log.warn("event=relay.failed retry_in_ms={} reason=\"{}\" fix=\"check the PHI bucket "
                        + "(osteonode.cluster.s3.*) and the Kafka brokers; received objects wait in the spool\"",
                        backOff.toMillis(), e.getMessage());
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops the relay after the object it is relaying (each step is redone from the spool after a restart if it is
     * cut) and the consumers after the reference they are handling (its offset is committed only when done).
     */
    @Override
    public void close() {
        closed = true;
        for (ReferenceConsumer consumer : consumers) {
            try {
                consumer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread relaying = threads.isEmpty() ? null : threads.get(0);
        if (relaying != null) {
            relaying.interrupt();
            try {
                relaying.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.close();
    }
}
