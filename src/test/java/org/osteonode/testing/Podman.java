package org.osteonode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * podman as root, the container engine of the tests: every call goes through {@link #run} with the same
 * containers.conf and OCI runtime, so that the machine's own podman settings play no part.
 */
public final class Podman {
    /**
     * No default ulimits: podman's (nofile 1048576) cannot be set where the machine is itself a container with a
     * lower hard limit. cgroupfs: there may be no systemd to ask for cgroups.
     */
    private static final String CONTAINERS_CONF = """
            [containers]
            default_ulimits = []

            [engine]
            cgroup_manager = "cgroupfs"
            """;

    private final Path containersConf;
    private final Path logDir;

    /** @param workDir where its containers.conf goes; {@code logDir} gets the output of each call */
    public Podman(Path workDir, Path logDir) throws IOException {
        Files.createDirectories(workDir);
        Files.createDirectories(logDir);
        this.containersConf = workDir.resolve("containers.conf").toAbsolutePath();
        this.logDir = logDir;
        Files.writeString(containersConf, CONTAINERS_CONF);
    }

    /**
     * True when this process runs as root. bin/lib/unprivileged-jdk runs test JVMs as 'nobody' in a user namespace
     * of one uid: there podman goes rootless, and an image whose packages own files as other users (postgres,
     * _apt) cannot be built.
     */
    public static boolean runsAsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    public Dcmtk.Result run(Duration timeout, String... arguments) throws IOException, InterruptedException {
        return run(timeout, List.of(arguments));
    }

    /** podman with these arguments; its output (stdout and stderr) is also kept in the log directory. */
    public Dcmtk.Result run(Duration timeout, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        command.addAll(arguments);
        return exec(timeout, command, arguments.get(0));
    }

    /** The same, failing the test unless podman exits with 0; returns its output. */
    public String ok(Duration timeout, String... arguments) throws IOException, InterruptedException {
        Dcmtk.Result result = run(timeout, arguments);
        if (result.exitCode() != 0) {
            throw new AssertionError("podman " + String.join(" ", arguments) + " exited with " + result.exitCode()
                    + ":\n" + tail(result.output()));
        }
        return result.output();
    }

    public boolean imageExists(String name) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(1), "image", "exists", name).exitCode() == 0;
    }

    /** Another program run with the same containers.conf (debootstrap has none; tar | podman import does). */
    public Dcmtk.Result exec(Duration timeout, List<String> command, String logName)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(logDir, logName + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("CONTAINERS_CONF", containersConf.toString());
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toMinutes()
                    + " min; its output is in " + log + ":\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
        return new Dcmtk.Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
