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
 * containers.conf (CONTAINERS_CONF: the machine's own is not read) and OCI runtime (runc).
 */
public final class Podman {
    /**
     * What a CI machine that is itself a container needs (one without systemd, with a low hard limit of open
     * files): no ulimits set in the containers, cgroups managed without systemd. Harmless on others.
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
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    /** What a program printed, its standard output and its standard error apart. */
    public record Result(int exitCode, String output, String errors) {
        /** Both, as a person at a terminal would have seen them (a container's log: its stdout and stderr). */
        public String both() {
            return output + errors;
        }
    }

    public Result run(Duration timeout, String... arguments) throws IOException, InterruptedException {
        return run(timeout, List.of(arguments));
    }

    /** podman with these arguments; the output of the last call of each kind (build, run...) is kept. */
    public Result run(Duration timeout, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        command.addAll(arguments);
        return exec(timeout, command, "podman-" + arguments.get(0));
    }

    /** The same, failing the test unless podman exits with 0; returns its standard output. */
    public String ok(Duration timeout, String... arguments) throws IOException, InterruptedException {
        Result result = run(timeout, arguments);
        if (result.exitCode() != 0) {
            throw new AssertionError("podman " + String.join(" ", arguments) + " exited with " + result.exitCode()
                    + ":\n" + tail(result.both()));
        }
        return result.output();
    }

    public boolean imageExists(String name) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(1), "image", "exists", name).exitCode() == 0;
    }

    /**
     * Another program, with the same containers.conf (for debootstrap it changes nothing; tar | podman import reads
     * it). Its output goes to NAME.out and NAME.err in the log directory, replacing those of its last call.
     */
    public Result exec(Duration timeout, List<String> command, String name) throws IOException, InterruptedException {
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CONTAINERS_CONF", containersConf.toString());
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toMinutes()
                    + " min; its output is in " + out + " and " + err + ":\n" + tail(read(out) + read(err)));
        }
        return new Result(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
