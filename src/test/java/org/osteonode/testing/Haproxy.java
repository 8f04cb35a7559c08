package org.osteonode.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's haproxy as the TCP load balancer in front of cluster nodes (ClusterIT, bench/scale): {@code mode tcp},
 * round robin over the nodes' DICOM ports (so that parallel associations are spread, whatever their timing), each
 * node checked on its {@code GET /health} and taken out of the rotation while it fails.
 */
public final class Haproxy implements AutoCloseable {
    private final int port;
    private final Process process;

    private Haproxy(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Starts haproxy in front of {@code nodes}, its configuration and log in {@code dir}; returns once it accepts. */
    public static Haproxy start(Path dir, List<NodeProcess> nodes) throws Exception {
        int port = Ports.free();
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            servers.append("    server node").append(i + 1).append(" 127.0.0.1:").append(nodes.get(i).dicomPort())
                    .append(" check port ").append(nodes.get(i).httpPort()).append(" inter 1s fall 2 rise 1\n");
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    maxconn 256
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 120s
                    timeout server 120s
                frontend dicom
                    bind 127.0.0.1:%d
                    default_backend nodes
                backend nodes
                    balance roundrobin
                    option httpchk GET /health
                %s""".formatted(port, servers));
        Path log = dir.resolve("haproxy.log");
        Process started = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Poll.until(Duration.ofSeconds(30), "haproxy to accept", () -> {
            if (!started.isAlive()) {
                throw new AssertionError("haproxy exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return new Haproxy(port, started);
    }

    /** The balancer's DICOM port: what a PACS sends to. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
