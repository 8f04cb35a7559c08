package org.osteonode.cluster;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes {@link ObjectReference}s, keyed by the study key so that the default partitioner (a hash of the key)
 * puts every image of a study in one partition, in the order they were published. {@link #publish} returns only
 * once the broker has acknowledged the record with all in-sync replicas ({@code acks=all}), so that the relay may
 * then delete its local copy; anything else is an exception, never a silent loss. Idempotence keeps the producer's
 * own retries from writing a record twice or out of order.
 */
public final class ReferencePublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final ReferenceCodec codec = new ReferenceCodec();

    /**
     * @param timeout how long one {@link #publish} may take in all: waiting for metadata, the producer's retries,
     *                the acknowledgement
     * @param extra   further producer settings (TLS, SASL); they cannot turn off acks=all or idempotence
     */
    public ReferencePublisher(String bootstrapServers, String topic, String clientId, Duration timeout,
            Map<String, Object> extra) {
        this.topic = topic;
        this.timeout = timeout;
        int millis = Math.toIntExact(timeout.toMillis());
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // One reference at a time from each relay thread: waiting to fill a batch only adds latency.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // The producer gives up within the caller's timeout (delivery.timeout.ms >= linger.ms + request.timeout.ms),
        // so that a record the caller was told failed is not still being retried long after.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, millis / 2));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(config);
    }

    /** The partition and offset the broker gave the reference. */
    public record Acknowledged(int partition, long offset) {
    }

    /** @throws ReferenceNotPublishedException when the broker did not acknowledge within the timeout */
    public Acknowledged publish(ObjectReference reference) throws ReferenceNotPublishedException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(topic, reference.studyKey(), codec.encode(reference)));
        } catch (org.apache.kafka.common.KafkaException e) {
            // send() itself throws when metadata did not come within max.block.ms
            throw new ReferenceNotPublishedException("topic " + topic + " did not take the reference: " + e.getMessage(), e);
        }
        try {
            // A little beyond delivery.timeout.ms, so that the producer's own verdict is normally what is seen.
            RecordMetadata metadata = sent.get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1),
                    TimeUnit.NANOSECONDS);
            return new Acknowledged(metadata.partition(), metadata.offset());
        } catch (ExecutionException e) {
            throw new ReferenceNotPublishedException("topic " + topic + " did not acknowledge the reference: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ReferenceNotPublishedException("topic " + topic + " did not acknowledge the reference within "
                    + timeout.toMillis() + " ms", e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }
}
