package org.osteonode.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.KafkaBroker;
import org.osteonode.testing.Poll;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The references topic of issue 14 on a real KRaft broker in its own JVM. */
class KafkaReferencesIT {
    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static Admin admin;

    private final List<ReferenceConsumer> consumers = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KafkaBroker(dir.resolve("kafka")).start();
        admin = broker.admin();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeConsumers() throws Exception {
        for (ReferenceConsumer consumer : consumers) {
            consumer.close();
        }
    }

    static String hex32(String domain, int n) {
        return HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16).putLong(domain.hashCode()).putLong(n).array());
    }

    static ObjectReference reference(int study, int image) {
        return ObjectReferenceTest.reference(hex32("study", study), hex32("sop", study * 1000 + image));
    }

    static void createTopic(Admin admin, String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    ReferencePublisher publisher(String topic) {
        return new ReferencePublisher(broker.bootstrapServers(), topic, "test-relay", Duration.ofSeconds(10), Map.of());
    }

    ReferenceConsumer consume(String topic, String group, ReferenceConsumer.Handler handler,
            Predicate<Throwable> outage, Duration backOff, Map<String, Object> extra) {
        return consume(topic, group, handler, outage, backOff, Integer.MAX_VALUE, extra);
    }

    ReferenceConsumer consume(String topic, String group, ReferenceConsumer.Handler handler,
            Predicate<Throwable> outage, Duration backOff, int maxAttempts, Map<String, Object> extra) {
        ReferenceConsumer consumer = new ReferenceConsumer(broker.bootstrapServers(), topic, group, handler, outage,
                backOff, maxAttempts, extra);
        consumers.add(consumer);
        Thread thread = new Thread(consumer, "references-" + group);
        thread.setDaemon(true);
        thread.start();
        return consumer;
    }

    /** The group's committed offset of each partition that has one. */
    static Map<Integer, Long> committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<Integer, Long> byPartition = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                byPartition.put(partition.partition(), offset.offset());
            }
        });
        return byPartition;
    }

    static Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS)
                .forEach((partition, info) -> {
                    if (info.offset() > 0) {
                        ends.put(partition.partition(), info.offset());
                    }
                });
        return ends;
    }

    @Test
    void aStudysImagesLandInOnePartitionAndBothGroupsReceiveEveryReference() throws Exception {
        String topic = "references-keyed";
        createTopic(admin, topic, 6);
        Map<String, ReferencePublisher.Acknowledged> acknowledged = new HashMap<>();
        try (ReferencePublisher publisher = publisher(topic)) {
            for (int study = 0; study < 5; study++) {
                for (int image = 0; image < 5; image++) {
                    ObjectReference reference = reference(study, image);
                    acknowledged.put(reference.sopInstanceKey(), publisher.publish(reference));
                }
            }
        }
        Map<String, Set<Integer>> partitionsOfStudy = new HashMap<>();
        for (int study = 0; study < 5; study++) {
            for (int image = 0; image < 5; image++) {
                partitionsOfStudy.computeIfAbsent(hex32("study", study), k -> new java.util.HashSet<>())
                        .add(acknowledged.get(reference(study, image).sopInstanceKey()).partition());
            }
        }
        assertThat(partitionsOfStudy.values()).allSatisfy(partitions -> assertThat(partitions).hasSize(1));
        assertThat(partitionsOfStudy.values().stream().flatMap(Set::stream).distinct().count())
                .as("the five studies spread over more than one of the six partitions").isGreaterThan(1);

        Map<String, Map<String, ReferenceConsumer.Position>> received = new ConcurrentHashMap<>();
        Map<String, List<String>> order = new ConcurrentHashMap<>();
        for (String group : List.of("research", "clinical")) {
            Map<String, ReferenceConsumer.Position> byKey = received.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
            List<String> seen = order.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>());
            consume(topic, group, (reference, position) -> {
                byKey.putIfAbsent(reference.sopInstanceKey(), position);
                seen.add(reference.sopInstanceKey());
            }, e -> false, Duration.ofMillis(200), Map.of());
        }
        Poll.until(Duration.ofSeconds(60), "both groups to receive all 25 references",
                () -> received.get("research").size() == 25 && received.get("clinical").size() == 25);
        for (String group : List.of("research", "clinical")) {
            received.get(group).forEach((key, position) -> {
                assertThat(position.partition()).isEqualTo(acknowledged.get(key).partition());
                assertThat(position.offset()).isEqualTo(acknowledged.get(key).offset());
            });
            for (int study = 0; study < 5; study++) {
                List<String> images = new ArrayList<>();
                for (int image = 0; image < 5; image++) {
                    images.add(reference(study, image).sopInstanceKey());
                }
                assertThat(order.get(group).stream().filter(images::contains).distinct().toList())
                        .as("%s receives study %d's images in the order they were published", group, study)
                        .isEqualTo(images);
            }
        }
        Map<Integer, Long> ends = endOffsets(topic, 6);
        Poll.until(Duration.ofSeconds(20), "both groups to commit every partition to its end",
                () -> committed("research", topic).equals(ends) && committed("clinical", topic).equals(ends));
    }

    @Test
    void aReferenceWhoseHandlerFailsIsDeliveredAgainAndNotCommittedBeforeItSucceeds() throws Exception {
        String topic = "references-retry";
        createTopic(admin, topic, 1);
        ObjectReference failing = reference(7, 1);
        try (ReferencePublisher publisher = publisher(topic)) {
            publisher.publish(reference(7, 0));
            publisher.publish(failing);
            publisher.publish(reference(7, 2));
        }
        AtomicInteger attempts = new AtomicInteger();
        List<Long> committedWhileHandling = new CopyOnWriteArrayList<>();
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        consume(topic, "research", (reference, position) -> {
            if (reference.equals(failing)) {
                committedWhileHandling.add(committed("research", topic).getOrDefault(0, 0L));
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("the first try fails");
                }
            }
            handled.merge(reference.sopInstanceKey(), 1, Integer::sum);
        }, e -> false, Duration.ofMillis(300), Map.of());
        Poll.until(Duration.ofSeconds(30), "all three references to be handled", () -> handled.size() == 3);
        assertThat(attempts).hasValue(2);
        assertThat(committedWhileHandling).as("the failing record (offset 1) is not committed past while it fails "
                + "nor before its retry returns").hasSize(2).allSatisfy(offset -> assertThat(offset).isLessThanOrEqualTo(1L));
        assertThat(committedWhileHandling.get(1)).as("what was handled before it is committed by the retry")
                .isEqualTo(1L);
        assertThat(handled).containsEntry(failing.sopInstanceKey(), 1).containsEntry(reference(7, 2).sopInstanceKey(), 1);
        Poll.until(Duration.ofSeconds(20), "the offset to be committed after the retry succeeded",
                () -> committed("research", topic).equals(Map.of(0, 3L)));
    }

    @Test
    void aReferenceThatKeepsFailingIsGivenUpAfterItsAttemptsAndDoesNotHoldThePartition() throws Exception {
        String topic = "references-poison";
        createTopic(admin, topic, 1);
        ObjectReference poison = reference(8, 1);
        try (ReferencePublisher publisher = publisher(topic)) {
            publisher.publish(reference(8, 0));
            publisher.publish(poison);
            publisher.publish(reference(8, 2));
        }
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger outages = new AtomicInteger();
        List<String> givenUp = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        consume(topic, "research", new ReferenceConsumer.Handler() {
            @Override
            public void handle(ObjectReference reference, ReferenceConsumer.Position position) {
                if (reference.equals(poison)) {
                    // an outage in between does not count as an attempt
                    if (outages.getAndIncrement() == 1) {
                        throw new DatabaseDown();
                    }
                    attempts.incrementAndGet();
                    throw new IllegalStateException("never works");
                }
                handled.add(reference.sopInstanceKey());
            }

            @Override
            public void giveUp(ObjectReference reference, ReferenceConsumer.Position position, Exception last) {
                givenUp.add(reference.sopInstanceKey() + " " + last.getMessage());
            }
        }, DatabaseDown.class::isInstance, Duration.ofMillis(200), 3, Map.of());

        Poll.until(Duration.ofSeconds(30), "the reference behind the poison one to be handled",
                () -> handled.size() == 2);
        assertThat(attempts).as("tried max-attempts times, the outage not counted").hasValue(3);
        assertThat(givenUp).containsExactly(poison.sopInstanceKey() + " never works");
        Poll.until(Duration.ofSeconds(20), "committed past all three",
                () -> committed("research", topic).equals(Map.of(0, 3L)));
    }

    /** What the store's classify would call an outage, for this test. */
    static final class DatabaseDown extends RuntimeException {
        DatabaseDown() {
            super("PostgreSQL is unavailable (test)");
        }
    }

    @Test
    void aDatabaseOutagePausesConsumptionWithoutExceedingThePollIntervalOrLeavingTheGroup() throws Exception {
        String topic = "references-outage";
        createTopic(admin, topic, 3);
        int maxPollIntervalMs = 2000;
        AtomicLong outageUntil = new AtomicLong(System.nanoTime());
        AtomicInteger failures = new AtomicInteger();
        Map<String, Long> handledAt = new ConcurrentHashMap<>();
        ReferenceConsumer consumer = consume(topic, "clinical", (reference, position) -> {
            if (System.nanoTime() - outageUntil.get() < 0) {
                failures.incrementAndGet();
                throw new DatabaseDown();
            }
            handledAt.putIfAbsent(reference.sopInstanceKey(), System.nanoTime());
        }, DatabaseDown.class::isInstance, Duration.ofMillis(500), Map.of(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000));
        try (ReferencePublisher publisher = publisher(topic)) {
            publisher.publish(reference(20, 0));
            Poll.until(Duration.ofSeconds(30), "the first reference to be handled", () -> handledAt.size() == 1);
            String member = onlyMember("clinical");
            long assignments = consumer.assignments();

            long outageStart = System.nanoTime();
            outageUntil.set(outageStart + Duration.ofMillis(4L * maxPollIntervalMs).toNanos());
            for (int study = 21; study < 26; study++) {
                publisher.publish(reference(study, 0));
            }
            Poll.until(Duration.ofSeconds(40), "the five references to be handled after the outage",
                    () -> handledAt.size() == 6);
            assertThat(handledAt.values()).filteredOn(at -> at - outageStart > 0)
                    .allSatisfy(at -> assertThat(at - outageUntil.get()).as("handled only after the outage").isGreaterThanOrEqualTo(0));
            assertThat(failures.get()).as("tried again after each back-off of 500 ms over 8 s, not in a busy loop")
                    .isBetween(4, 40);
            assertThat(consumer.assignments()).as("no rebalance: the member never exceeded max.poll.interval.ms")
                    .isEqualTo(assignments);
            assertThat(onlyMember("clinical")).as("the same member of the group throughout").isEqualTo(member);
        }
        Map<Integer, Long> ends = endOffsets(topic, 3);
        Poll.until(Duration.ofSeconds(20), "every partition committed to its end",
                () -> committed("clinical", topic).equals(ends));
    }

    static String onlyMember(String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                .get(group).get(10, TimeUnit.SECONDS);
        assertThat(description.members()).hasSize(1);
        MemberDescription member = description.members().iterator().next();
        return member.consumerId();
    }

    @Test
    void whenTheBrokerIsKilledEveryPublishEndsInAnAcknowledgementOrAnExceptionAndNoAcknowledgedReferenceIsLost(
            @TempDir Path own) throws Exception {
        String topic = "references-broker-killed";
        try (KafkaBroker dying = new KafkaBroker(own.resolve("kafka")).start(); Admin ownAdmin = dying.admin()) {
            createTopic(ownAdmin, topic, 3);
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            List<String> refused = new CopyOnWriteArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger ackedAfterRestart = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean restarted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread relay = new Thread(() -> {
                try (ReferencePublisher publisher = new ReferencePublisher(dying.bootstrapServers(), topic, "relay",
                        Duration.ofSeconds(3), Map.of())) {
                    for (int n = 0; ackedAfterRestart.get() < 20 && n < 100_000; n++) {
                        ObjectReference reference = reference(100 + n % 7, n);
                        calls.incrementAndGet();
                        try {
                            publisher.publish(reference);
                            acknowledged.add(reference.sopInstanceKey());
                            if (restarted.get()) {
                                ackedAfterRestart.incrementAndGet();
                            }
                        } catch (ReferenceNotPublishedException e) {
                            refused.add(reference.sopInstanceKey());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "relay");
            relay.start();
            Poll.until(Duration.ofSeconds(30), "20 acknowledged references", () -> acknowledged.size() >= 20);
            dying.kill();
            Poll.until(Duration.ofSeconds(30), "the relay to be told the broker is gone", () -> refused.size() >= 1);
            dying.start();
            restarted.set(true);
            relay.join(Duration.ofSeconds(90).toMillis());
            assertThat(relay.isAlive()).as("the relay got 20 acknowledgements after the restart").isFalse();
            assertThat(acknowledged.size() + refused.size()).as("every publish ended one way or the other")
                    .isEqualTo(calls.get());

            Set<String> onTopic = ConcurrentHashMap.newKeySet();
            try (ReferenceConsumer audit = new ReferenceConsumer(dying.bootstrapServers(), topic, "audit",
                    (reference, position) -> onTopic.add(reference.sopInstanceKey()), e -> false,
                    Duration.ofMillis(200), Integer.MAX_VALUE, Map.of())) {
                Thread thread = new Thread(audit, "references-audit");
                thread.setDaemon(true);
                thread.start();
                Poll.until(Duration.ofSeconds(60), "every acknowledged reference on the topic after the restart",
                        () -> onTopic.containsAll(acknowledged));
            }
            assertThat(onTopic).containsAll(acknowledged);
            System.out.printf("broker kill: %d acknowledged, %d refused, %d of the refused on the topic all the same%n",
                    acknowledged.size(), refused.size(), refused.stream().filter(onTopic::contains).count());
        }
    }

    @Test
    void aHandlerThatBlocksBeyondThePollIntervalIsDroppedFromTheGroupWhichIsWhatPausingAvoids() throws Exception {
        // The control of the outage test: its two witnesses (assignments, member id) do see a rebalance.
        String topic = "references-blocking";
        createTopic(admin, topic, 1);
        AtomicInteger calls = new AtomicInteger();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        ReferenceConsumer consumer = consume(topic, "blocking", (reference, position) -> {
            if (calls.incrementAndGet() == 2) {
                Thread.sleep(3 * 2000);
            }
            handled.add(reference.sopInstanceKey());
        }, e -> false, Duration.ofMillis(200), Map.of(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 2000,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000));
        try (ReferencePublisher publisher = publisher(topic)) {
            publisher.publish(reference(30, 0));
            Poll.until(Duration.ofSeconds(30), "the first reference to be handled", () -> handled.size() == 1);
            long assignments = consumer.assignments();
            publisher.publish(reference(30, 1));
            Poll.until(Duration.ofSeconds(40), "the blocked reference to be handled", () -> handled.size() == 2);
            Poll.until(Duration.ofSeconds(30), "the member to be given its partition again",
                    () -> consumer.assignments() > assignments);
        }
    }

    @Test
    void aRecordThatIsNotAReferenceIsSkippedAndDoesNotStopThePartition() throws Exception {
        String topic = "references-hostile";
        createTopic(admin, topic, 1);
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> raw =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers",
                             broker.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                             new org.apache.kafka.common.serialization.ByteArraySerializer());
             ReferencePublisher publisher = publisher(topic)) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "x",
                    "{\"patientName\":\"DOE^JANE\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "x", new byte[512 * 1024])).get();
            publisher.publish(reference(40, 0));
        }
        List<String> handled = new CopyOnWriteArrayList<>();
        consume(topic, "research", (reference, position) -> handled.add(reference.sopInstanceKey()), e -> false,
                Duration.ofMillis(200), Map.of());
        Poll.until(Duration.ofSeconds(30), "the valid reference behind the two invalid records to be handled",
                () -> handled.size() == 1);
        assertThat(handled).containsExactly(reference(40, 0).sopInstanceKey());
        Poll.until(Duration.ofSeconds(20), "the invalid records to be committed past",
                () -> committed("research", topic).equals(Map.of(0, 3L)));
    }

    @Test
    void aConsumerKilledMidStreamLosesNothingAndRepeatsOnlyWhatItHadNotCommitted(@TempDir Path work) throws Exception {
        String topic = "references-consumer-killed";
        createTopic(admin, topic, 3);
        List<String> published = new ArrayList<>();
        try (ReferencePublisher publisher = publisher(topic)) {
            for (int n = 0; n < 300; n++) {
                ObjectReference reference = reference(50 + n % 9, n);
                publisher.publish(reference);
                published.add(reference.sopInstanceKey());
            }
        }
        Path database = work.resolve("handled.txt");
        Process first = consumerProcess(topic, database, work.resolve("first.log"));
        try {
            Poll.until(Duration.ofSeconds(60), "the first consumer to handle 60 references",
                    () -> java.nio.file.Files.exists(database) && java.nio.file.Files.readAllLines(database).size() >= 60);
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
        }
        int handledByFirst = java.nio.file.Files.readAllLines(database).size();
        assertThat(handledByFirst).as("killed mid-stream").isLessThan(300);
        Process second = consumerProcess(topic, database, work.resolve("second.log"));
        try {
            Poll.until(Duration.ofSeconds(90), "the second consumer to handle the rest",
                    () -> new java.util.HashSet<>(java.nio.file.Files.readAllLines(database)).containsAll(published));
            Map<Integer, Long> ends = endOffsets(topic, 3);
            Poll.until(Duration.ofSeconds(20), "every partition committed to its end",
                    () -> committed("killed", topic).equals(ends));
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
            second.destroyForcibly();
        }
        List<String> lines = java.nio.file.Files.readAllLines(database);
        Map<String, Long> times = lines.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        long repeated = times.values().stream().filter(count -> count > 1).count();
        assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(times.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2L));
        assertThat(repeated).as("at most one poll's worth (max.poll.records=10) handled but not yet committed")
                .isLessThanOrEqualTo(10);
        System.out.printf("consumer kill: first handled %d, %d handled twice%n", handledByFirst, repeated);
    }

    private static Process consumerProcess(String topic, Path database, Path log) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ConsumerProcess.class.getName(), broker.bootstrapServers(),
                topic, "killed", database.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
