package org.osteonode.ingest;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.cluster.ObjectReference;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.cluster.ReferencePublisher;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.ObjectStore;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.testing.KafkaBroker;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.S3Endpoint;
import org.osteonode.testing.SyntheticDicom;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster mode's relay (issue 14) against a KRaft broker in its own JVM and an S3 endpoint (s3proxy): what the
 * receiver acknowledged goes to the PHI bucket, its PHI-free reference to the topic keyed by the study, and only
 * then leaves the spool; with the broker or the bucket away it stays in the spool and goes on the next pass.
 */
class RelayIT {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path shared;
    private static KafkaBroker broker;
    private static S3Endpoint s3;

    @TempDir
    Path temp;
    private String topic;
    private String bucket;
    private Spool spool;
    private Quarantine quarantine;
    private final Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);

    @BeforeAll
    static void startTheBrokerAndTheBucket() throws Exception {
        broker = new KafkaBroker(shared.resolve("kafka")).start();
        s3 = S3Endpoint.start(Files.createDirectories(shared.resolve("s3")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void freshTopicAndBucket() throws Exception {
        int n = TOPICS.incrementAndGet();
        topic = "objects-" + n;
        bucket = "phi-" + n;
        try (org.apache.kafka.clients.admin.Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        s3.createBucket(bucket);
        spool = new Spool(temp.resolve("spool"), 0);
        quarantine = new Quarantine(temp.resolve("quarantine"), new Metrics());
    }

    @Test
    void everyAcknowledgedObjectIsInTheBucketAnnouncedKeyedByItsStudyAndGoneFromTheSpool() throws Exception {
        List<SyntheticDicom> images = new ArrayList<>();
        for (int study = 0; study < 3; study++) {
            String studyUid = SyntheticDicom.newUid();
            for (int image = 1; image <= 4; image++) {
                images.add(SyntheticDicom.radiograph().patient("MRN-RELAY-" + study, "RELAY^PATIENT^" + study)
                        .study(studyUid).instance(image).size(64, 64));
            }
        }
        Map<String, String> sha256BySopKey = new java.util.HashMap<>();
        for (SyntheticDicom image : images) {
            Path file = spooled(image);
            sha256BySopKey.put(Relay.key(pseudonymizer.uid(image.sopInstanceUid())), sha256(file));
        }

        try (ObjectStore phi = new S3ObjectStore(s3.settings(bucket)); ReferencePublisher publisher = publisher()) {
            Relay relay = relay(phi, publisher);
            assertThat(relay.relayPending()).isEqualTo(12);

            assertThat(spool.waiting(null)).as("the spool is empty").isEmpty();
            Map<String, ObjectReference> references = consume(12);
            assertThat(references.keySet()).containsExactlyInAnyOrderElementsOf(sha256BySopKey.keySet());
            for (ObjectReference reference : references.values()) {
                assertThat(reference.sha256()).isEqualTo(sha256BySopKey.get(reference.sopInstanceKey()));
                assertThat(reference.objectKey()).as("not joinable to the de-identified archive without the secret")
                        .isEqualTo("objects/" + pseudonymizer.workspace(reference.sopInstanceKey()) + "/"
                                + reference.sha256() + ".dcm").doesNotContain(reference.sopInstanceKey());
                assertThat(reference.bodyPart()).isEqualTo(BodyPart.LSPINE);
                Path back = temp.resolve("back-" + reference.sopInstanceKey());
                assertThat(phi.get(reference.objectKey(), back).sha256()).as("the bucket's copy")
                        .isEqualTo(reference.sha256());
            }
            assertThat(partitionsByStudy.values().stream().allMatch(partitions -> partitions.size() == 1))
                    .as("each study's references in one partition: " + partitionsByStudy).isTrue();
            String encoded = references.values().toString();
            for (SyntheticDicom image : images) {
                assertThat(encoded).doesNotContain(image.sopInstanceUid()).doesNotContain("RELAY^PATIENT");
            }
        }
    }

    @Test
    void withTheBrokerAwayTheObjectStaysInTheSpoolAndIsAnnouncedOnTheNextPass() throws Exception {
        Path file = spooled(SyntheticDicom.radiograph().patient("MRN-RELAY-B", "BROKER^AWAY").size(64, 64));
        try (ObjectStore phi = new S3ObjectStore(s3.settings(bucket));
             ReferencePublisher publisher = publisher()) {
            Relay relay = relay(phi, publisher);
            broker.kill();
            try {
                assertThatThrownBy(() -> relay.relay(file)).as("not acknowledged, so not released").isNotNull();
                assertThat(spool.waiting(null)).containsExactly(file);
            } finally {
                broker.start();
            }

            assertThat(relay.relayPending()).isEqualTo(1);
            assertThat(spool.waiting(null)).isEmpty();
            assertThat(consume(1)).hasSize(1);
            assertThat(phi.list("objects/")).as("one object, uploaded twice").hasSize(1);
        }
    }

    @Test
    void withTheBucketAwayNothingIsAnnouncedAndTheObjectStaysInTheSpool() throws Exception {
        Path file = spooled(SyntheticDicom.radiograph().patient("MRN-RELAY-S", "BUCKET^AWAY").size(64, 64));
        S3ObjectStore.Settings away = S3ObjectStore.Settings.of(URI.create("http://127.0.0.1:" + Ports.free()),
                "us-east-1", bucket, S3Endpoint.ACCESS_KEY, S3Endpoint.SECRET_KEY)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10));
        try (ObjectStore phi = new S3ObjectStore(away); ReferencePublisher publisher = publisher()) {
            assertThatThrownBy(() -> relay(phi, publisher).relay(file)).isInstanceOf(java.io.IOException.class);
        }

        assertThat(spool.waiting(null)).containsExactly(file);
        assertThat(consumeFor(Duration.ofSeconds(3))).as("nothing announced").isEmpty();
    }

    @Test
    void anObjectWhoseHeaderBreaksTheReferencesRulesIsQuarantinedNotAnnouncedAndNotLeftInTheBucket() throws Exception {
        spooled(SyntheticDicom.radiograph().patient("MRN-RELAY-Q", "ODD^MODALITY").modality("X RAY").size(64, 64));
        try (ObjectStore phi = new S3ObjectStore(s3.settings(bucket)); ReferencePublisher publisher = publisher()) {
            Relay relay = relay(phi, publisher);
            Relay.Outcome outcome = relay.relay(spool.waiting(null).get(0));

            assertThat(outcome).isInstanceOf(Relay.Outcome.Quarantined.class);
            assertThat(((Relay.Outcome.Quarantined) outcome).reason()).contains("modality").doesNotContain("X RAY");
            assertThat(spool.waiting(null)).isEmpty();
            assertThat(quarantine.list()).hasSize(1);
            assertThat(phi.list("")).as("no object nothing announces").isEmpty();
            assertThat(consumeFor(Duration.ofSeconds(3))).isEmpty();
        }
    }

    private Relay relay(ObjectStore phi, ReferencePublisher publisher) {
        return new Relay(spool, quarantine, phi, publisher::publish, pseudonymizer,
                header -> new Relay.Classification(BodyPart.LSPINE, true), (header, size) -> { });
    }

    private ReferencePublisher publisher() {
        return new ReferencePublisher(broker.bootstrapServers(), topic, "relay-test", Duration.ofSeconds(5), Map.of());
    }

    /** Writes the image into the spool as the receiver does, and returns the spooled file. */
    private Path spooled(SyntheticDicom image) throws Exception {
        Path written = image.write(temp.resolve("in-" + image.sopInstanceUid() + ".dcm"));
        try (Spool.Entry entry = spool.create()) {
            entry.write(Files.readAllBytes(written));
            return entry.commit();
        }
    }

    private final Map<String, java.util.Set<Integer>> partitionsByStudy = new ConcurrentHashMap<>();

    /** Reads the topic from its start until {@code count} references arrived, by SOP Instance key. */
    private Map<String, ObjectReference> consume(int count) throws Exception {
        Map<String, ObjectReference> references = new ConcurrentHashMap<>();
        try (Consuming consuming = new Consuming(references)) {
            Poll.until(Duration.ofSeconds(60), count + " references", () -> references.size() >= count);
        }
        return references;
    }

    private Map<String, ObjectReference> consumeFor(Duration time) throws Exception {
        Map<String, ObjectReference> references = new ConcurrentHashMap<>();
        try (Consuming consuming = new Consuming(references)) {
            long end = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < end && references.isEmpty()) {
                Thread.sleep(50);
            }
        }
        return references;
    }

    private final class Consuming implements AutoCloseable {
        private final ReferenceConsumer consumer;
        private final Thread thread;

        Consuming(Map<String, ObjectReference> into) {
            consumer = new ReferenceConsumer(broker.bootstrapServers(), topic, "test-" + System.nanoTime(),
                    (reference, position) -> {
                        into.put(reference.sopInstanceKey(), reference);
                        partitionsByStudy.computeIfAbsent(reference.studyKey(), k -> ConcurrentHashMap.newKeySet())
                                .add(position.partition());
                    }, failure -> false, Duration.ofMillis(200), Integer.MAX_VALUE, Map.of());
            thread = new Thread(consumer::run, "test-consumer");
            thread.start();
        }

        @Override
        public void close() throws Exception {
            consumer.close();
            thread.join(10_000);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
