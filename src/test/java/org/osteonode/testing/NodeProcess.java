package org.osteonode.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * osteonode running as its own process ({@code serve}), as in production, so that tests can stop it with
 * SIGTERM or kill it with SIGKILL. It uses the embedded PostgreSQL under its data directory.
 */
public final class NodeProcess implements AutoCloseable {
    private final Path dataDir;
    private final Path log;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final int dicomPort = Ports.free();
    private final int httpPort = Ports.free();
    private List<String> jvmArguments = List.of();
    private List<String> main = List.of("org.osteonode.cli.Main", "serve");
    private Process process;

    public NodeProcess(Path dataDir) {
        this.dataDir = dataDir;
        // Kept after the run (temporary directories are not), so that a failure in CI can be read.
        this.log = Path.of("target", "node-logs", dataDir.getParent().getFileName() + "-" + dataDir.getFileName() + ".log");
        settings.put("osteonode.data-dir", dataDir.toString());
        settings.put("osteonode.dicom.port", Integer.toString(dicomPort));
        settings.put("osteonode.http.port", Integer.toString(httpPort));
        settings.put("osteonode.spool.min-free-mb", "1");
        settings.put("osteonode.shutdown.grace-seconds", "10");
    }

    public NodeProcess with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /**
     * Runs another main class in place of {@code Main serve} (it is given {@code --config FILE} as serve is), with
     * extra JVM arguments: {@code bench/scale}'s node with a fixed wait in its scorer.
     */
    public NodeProcess main(String className, List<String> jvmArguments) {
        this.main = List.of(className);
        this.jvmArguments = List.copyOf(jvmArguments);
        return this;
    }

    public int dicomPort() {
        return dicomPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Starts the node and waits until /health says it is ready. */
    public NodeProcess start() throws Exception {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        StringBuilder properties = new StringBuilder();
        settings.forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, properties);
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m"));
        command.addAll(jvmArguments);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(main);
        command.addAll(List.of("--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
        process = builder.start();
        Poll.until(Duration.ofSeconds(90), "osteonode to report healthy", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("osteonode exited with " + process.exitValue() + ":\n" + log());
            }
            return health().statusCode() == 200;
        });
        return this;
    }

    /** bin/osteonode as an operator runs it on the node's machine; fails the test on a non-zero exit. */
    public static String command(Path dataDir, String... arguments) throws Exception {
        return command(dataDir, java.util.Map.of(), arguments);
    }

    /** The same, with settings (osteonode.db.url...) given as the environment variables they map to. */
    public static String command(Path dataDir, java.util.Map<String, String> settings, String... arguments)
            throws Exception {
        Dcmtk.Result result = run(dataDir, settings, arguments);
        org.assertj.core.api.Assertions.assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    /** bin/osteonode with its exit code, for tests of a refusal. */
    public static Dcmtk.Result run(Path dataDir, java.util.Map<String, String> settings, String... arguments)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bin/osteonode"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
        builder.environment().put("OSTEONODE_DATA_DIR", dataDir.toString());
        settings.forEach((key, value) -> builder.environment().put(
                key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        // Kept with the nodes' logs: LogPhiScanIT reads what the commands printed too.
        Path commands = Path.of("target", "node-logs", "commands.log");
        Files.createDirectories(commands.getParent());
        Files.writeString(commands, "$ " + String.join(" ", command) + "\n" + output, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new Dcmtk.Result(process.waitFor(), output);
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public HttpResponse<String> health() throws IOException, InterruptedException {
        return get("/health");
    }

    public String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Sends a signal by name (HUP, ...) as an operator's {@code kill -s} would. */
    public void signal(String name) throws Exception {
        Dcmtk.Result result = Dcmtk.run(List.of("kill", "-s", name, Long.toString(process.pid())));
        if (result.exitCode() != 0) {
            throw new AssertionError("kill -s " + name + " failed: " + result.output());
        }
    }

    /** SIGTERM, as systemd or Kubernetes would send; returns the exit code. */
    public int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("osteonode did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs; the embedded PostgreSQL is left behind as an orphan. */
    public void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The embedded PostgreSQL's port is on line 4 of its postmaster.pid. */
    public Connection database() throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dataDir.resolve("db/postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).trim() + "/postgres",
                "postgres", Files.readString(dataDir.resolve("db/osteonode.password")).trim());
    }

    public long count(String sql) throws Exception {
        try (Connection connection = database(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /**
     * The pseudonyms of the node's secret, computed by the test's own reference (not the node's code), so that
     * a key looked up with them also checks that the node keyed it as SECURITY.md says.
     */
    public ReferencePseudonyms pseudonymizer() throws IOException {
        return ReferencePseudonyms.fromSecretFile(dataDir.resolve("secret.key"));
    }

    /** The largest resident set the node's JVM has had, in bytes (VmHWM). */
    public long peakResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM for the node's process");
    }

    public List<Path> spoolObjects() throws IOException {
        try (var files = Files.list(dataDir.resolve("spool"))) {
            return files.filter(p -> p.toString().endsWith(".dcm")).toList();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
