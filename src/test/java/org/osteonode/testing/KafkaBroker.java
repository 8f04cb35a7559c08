package org.osteonode.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) in a JVM of its own, run from the test class
 * path (org.apache.kafka:kafka_2.13, test scope), so that a test can kill -9 it as a real broker dies. Its ports and
 * log directory stay the same across {@link #kill()} and {@link #start()}: a restart recovers the same log.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port = Ports.free();
    private final int controllerPort = Ports.free();
    private Process process;
    private boolean formatted;

    public KafkaBroker(Path dir) {
        this.dir = dir;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public Path log() {
        return dir.resolve("kafka.log");
    }

    public KafkaBroker start() throws Exception {
        Files.createDirectories(dir);
        Path properties = dir.resolve("server.properties");
        if (!formatted) {
            Files.writeString(properties, """
                    process.roles=broker,controller
                    node.id=1
                    controller.quorum.voters=1@localhost:%d
                    listeners=PLAINTEXT://localhost:%d,CONTROLLER://localhost:%d
                    advertised.listeners=PLAINTEXT://localhost:%d
                    controller.listener.names=CONTROLLER
                    inter.broker.listener.name=PLAINTEXT
                    listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                    log.dirs=%s
                    auto.create.topics.enable=false
                    num.partitions=1
                    offsets.topic.replication.factor=1
                    offsets.topic.num.partitions=4
                    transaction.state.log.replication.factor=1
                    transaction.state.log.min.isr=1
                    share.coordinator.state.topic.replication.factor=1
                    share.coordinator.state.topic.min.isr=1
                    group.initial.rebalance.delay.ms=0
                    """.formatted(controllerPort, port, controllerPort, port, dir.resolve("data")));
            run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    properties.toString()));
            formatted = true;
        }
        process = java(List.of("kafka.Kafka", properties.toString())).start();
        try (Admin admin = admin()) {
            Poll.until(Duration.ofSeconds(60), "Kafka on port " + port + " to answer (" + log() + ")", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Kafka exited with " + process.exitValue() + "; see " + log());
                }
                return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() == 1;
            });
        }
        return this;
    }

    /** An admin client of this broker, for the test to create topics and read group offsets. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** kill -9: no controlled shutdown, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private void run(List<String> mainAndArguments) throws Exception {
        Process tool = java(mainAndArguments).start();
        if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
            tool.destroyForcibly();
            throw new IllegalStateException(mainAndArguments.get(0) + " failed; see " + log());
        }
    }

    private ProcessBuilder java(List<String> mainAndArguments) {
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
