package org.osteonode.cluster;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * A {@link ReferenceConsumer} in a JVM of its own, for KafkaReferencesIT to kill -9: its "database" is a file to
 * which each handled SOP Instance key is appended and forced to disk before the handler returns, as a PostgreSQL
 * commit would be. Arguments: bootstrap servers, topic, group, the file.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[3]);
        try (FileChannel database = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ReferenceConsumer consumer = new ReferenceConsumer(args[0], args[1], args[2], (reference, position) -> {
                database.write(ByteBuffer.wrap((reference.sopInstanceKey() + "\n").getBytes(StandardCharsets.US_ASCII)));
                database.force(false);
                // a handler's round trip to PostgreSQL, so that the test's kill -9 lands mid-stream
                Thread.sleep(10);
            }, e -> false, Duration.ofMillis(200), Integer.MAX_VALUE, Map.of("max.poll.records", 10, "session.timeout.ms", 6000,
                    "heartbeat.interval.ms", 1000));
            consumer.run();
        }
    }
}
