package org.osteonode.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL server (package {@code postgresql}: maintained, security-updated by apt) run as this
 * node's supervised child, its cluster in one folder. Durable by configuration: fsync, synchronous_commit and
 * full_page_writes on, whatever the cluster's postgresql.conf says. Reachable only on loopback, with a random
 * password kept in the cluster folder (mode 0600). If the server dies, it is started again with a growing
 * pause; {@link #isRunning()} is false meanwhile.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    /** Where Debian installs each major version's server binaries. */
    static final Path DEBIAN_SERVERS = Path.of("/usr/lib/postgresql");
    static final String PASSWORD_FILE = "osteonode.password";
    static final String USER = "postgres";
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final Path binDir;
    private final Path clusterDir;
    private final int port;
    private final String password;
    private final AtomicInteger restarts = new AtomicInteger();
    private final Object lock = new Object();
    private Process server;
    /** Set when this is a running node's server, used by a command: never started, stopped or supervised here. */
    private ProcessHandle attachedTo;
    private boolean running;
    private boolean stopping;

    private LocalPostgres(Path binDir, Path clusterDir, int port, String password) {
        this.binDir = binDir;
        this.clusterDir = clusterDir;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts the server on {@code clusterDir}, creating the cluster first when the folder does not hold one.
     * {@code port} 0 picks a free loopback port, kept for the restarts.
     */
    public static LocalPostgres start(Path clusterDir, int port) throws IOException {
        Path binDir = serverFor(clusterDir, DEBIAN_SERVERS).orElseThrow(() -> new IOException(
                "no PostgreSQL server under " + DEBIAN_SERVERS + "; install Debian's package: apt-get install postgresql"));
        if (!Files.exists(clusterDir.resolve("PG_VERSION"))) {
            createCluster(binDir, clusterDir);
        }
        requireSameMajorVersion(clusterDir, binDir);
        Path passwordFile = clusterDir.resolve(PASSWORD_FILE);
        if (!Files.isReadable(passwordFile)) {
            throw new IOException(passwordFile + " is missing: this cluster was not made by osteonode. Move "
                    + clusterDir + " aside and start again (a new, empty database is created), or set osteonode.db.url");
        }
        LocalPostgres postgres = new LocalPostgres(binDir, clusterDir, port == 0 ? freePort() : port,
                Files.readString(passwordFile).trim());
        stopOrphanedServer(clusterDir);
        postgres.launch();
        postgres.awaitReady();
        return postgres;
    }

    /**
     * The server for a cluster: the major version that made it when installed (a Debian upgrade may install a newer
     * one beside it), else the newest; a new cluster gets the newest.
     */
    static Optional<Path> serverFor(Path clusterDir, Path servers) throws IOException {
        Path versionFile = clusterDir.resolve("PG_VERSION");
        if (Files.exists(versionFile)) {
            Path own = servers.resolve(Files.readString(versionFile).trim()).resolve("bin");
            if (Files.isExecutable(own.resolve("postgres"))) {
                return Optional.of(own);
            }
        }
        return newestServer(servers);
    }

    /** The highest major version installed under {@code servers} (Debian: /usr/lib/postgresql/15/bin/postgres). */
    static Optional<Path> newestServer(Path servers) throws IOException {
        if (!Files.isDirectory(servers)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(servers)) {
            return versions
                    .filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        }
    }

    /** A cluster is only ever opened by the major version that wrote it; pg_upgrade or a dump moves it. */
    static void requireSameMajorVersion(Path clusterDir, Path binDir) throws IOException {
        String cluster = Files.readString(clusterDir.resolve("PG_VERSION")).trim();
        String installed = binDir.getParent().getFileName().toString();
        if (!cluster.equals(installed)) {
            throw new IOException(clusterDir + " holds a PostgreSQL " + cluster + " cluster, but the installed server is "
                    + "PostgreSQL " + installed + " (" + binDir + "). Install postgresql-" + cluster + ", or move the "
                    + "folder aside to start with an empty database (the spool, archive and outbox stay as they are)");
        }
    }

    /** initdb into a side folder, renamed into place when whole: a crash leaves no half-made cluster. */
    private static void createCluster(Path binDir, Path clusterDir) throws IOException {
        Path parent = clusterDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.isDirectory(clusterDir)) {
            try (Stream<Path> entries = Files.list(clusterDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(clusterDir + " is not empty but holds no PostgreSQL cluster (no PG_VERSION); "
                            + "move it aside and start again");
                }
            }
            Files.delete(clusterDir);
        }
        Path side = parent.resolve(clusterDir.getFileName() + ".initdb");
        Path passwordFile = parent.resolve(clusterDir.getFileName() + ".initdb-password");
        deleteRecursively(side);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        run(List.of(binDir.resolve("initdb").toString(), "--pgdata=" + side, "--username=" + USER,
                "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                "--encoding=UTF8", "--locale=C"), parent.resolve(clusterDir.getFileName() + ".initdb.log"));
        Files.move(passwordFile, side.resolve(PASSWORD_FILE));
        force(side.resolve(PASSWORD_FILE));
        force(side);
        try {
            Files.move(side, clusterDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + side + " to " + clusterDir, e);
        }
        force(parent);
        log.info("event=database.created dir={}", clusterDir);
    }

    private static void run(List<String> command, Path logFile) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 2 minutes; see " + logFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed (exit " + process.exitValue() + "): " + tail(logFile));
        }
        Files.deleteIfExists(logFile);
    }

    /**
     * The command line that starts the server. The durability settings are given here, not left to
     * postgresql.conf, so that no edit of that file can turn them off unnoticed. No Unix socket: Debian's
     * default socket folder belongs to the system's postgres user. Statements that fail are not logged, as
     * their text could carry values.
     */
    List<String> commandLine() {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("postgres").toString(), "-D", clusterDir.toString(),
                "-p", Integer.toString(port)));
        for (String setting : List.of("listen_addresses=127.0.0.1", "unix_socket_directories=", "fsync=on",
                "synchronous_commit=on", "full_page_writes=on", "wal_sync_method=fdatasync",
                "log_min_error_statement=panic", "max_connections=100")) {
            command.add("-c");
            command.add(setting);
        }
        return command;
    }

    private void launch() throws IOException {
        Path logFile = clusterDir.resolveSibling(clusterDir.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(commandLine()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        synchronized (lock) {
            server = builder.start();
            Process started = server;
            started.onExit().thenRun(() -> exited(started));
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            Process current;
            synchronized (lock) {
                current = server;
            }
            if (!current.isAlive()) {
                throw new IOException("PostgreSQL stopped while starting (exit " + current.exitValue() + "): "
                        + tail(clusterDir.resolveSibling(clusterDir.getFileName() + ".log")));
            }
            try (Connection connection = connect("postgres")) {
                synchronized (lock) {
                    running = true;
                }
                log.info("event=database.started pid={} port={} version={}", current.pid(), port,
                        binDir.getParent().getFileName());
                return;
            } catch (SQLException e) {
                last = e;
            }
            pause(Duration.ofMillis(100));
        }
        throw new IOException("PostgreSQL did not accept connections within " + START_WAIT.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Called when the server process ends, for whatever reason; starts it again unless the node is stopping. */
    private void exited(Process ended) {
        synchronized (lock) {
            running = false;
            if (stopping || ended != server) {
                return;
            }
        }
        log.error("event=database.died pid={} exit={} effect=\"the pipeline waits; objects stay in the spool\" "
                + "action=\"restarting\"", ended.pid(), ended.exitValue());
        Thread restarter = new Thread(this::restartUntilRunning, "postgres-restart");
        restarter.setDaemon(true);
        restarter.start();
    }

    private void restartUntilRunning() {
        for (int attempt = 1; ; attempt++) {
            pause(pauseBefore(attempt));
            synchronized (lock) {
                if (stopping) {
                    return;
                }
            }
            try {
                launch();
                awaitReady();
                log.info("event=database.restarted attempts={} restarts={}", attempt, restarts.incrementAndGet());
                return;
            } catch (IOException | UncheckedIOException e) {
                // Backends of the killed server can hold its shared memory for a moment: the next try succeeds.
                log.warn("event=database.restart-failed attempt={} error=\"{}\"", attempt, e.getMessage());
                synchronized (lock) {
                    if (server != null) {
                        server.destroy();
                    }
                }
            }
        }
    }

    /** 1 s, 2 s, 4 s … at most 30 s between attempts. */
    static Duration pauseBefore(int attempt) {
        long seconds = 1L << Math.min(attempt - 1, 5);
        return Duration.ofSeconds(Math.min(seconds, LONGEST_PAUSE.toSeconds()));
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** False while the server is down or being started again. */
    public boolean isRunning() {
        synchronized (lock) {
            if (attachedTo != null) {
                return attachedTo.isAlive();
            }
            return running && server.isAlive();
        }
    }

    public int restarts() {
        return restarts.get();
    }

    /** The server's process id, for an operator (and a test) that wants to find it. */
    public long pid() {
        synchronized (lock) {
            return attachedTo != null ? attachedTo.pid() : server.pid();
        }
    }

    /** Smart shutdown (SIGTERM): the node has closed its connections first. */
    @Override
    public void close() {
        Process current;
        synchronized (lock) {
            stopping = true;
            current = server;
        }
        if (attachedTo != null || current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                log.error("event=database.stop-slow pid={} action=\"killing it; it recovers from its WAL at the next start\"",
                        current.pid());
                current.destroyForcibly().waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("event=database.stopped");
    }

    /** The live postmaster named by the cluster's postmaster.pid, if any. */
    private static Optional<ProcessHandle> livePostmaster(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Files.readAllLines(pidFile).stream().findFirst()
                .map(String::trim)
                .filter(s -> s.matches("\\d+"))
                .filter(pid -> "postgres".equals(comm(pid)))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
    }

    /**
     * The JVM that started the server, while it lives: a running node, or a bin/osteonode command that started
     * the server for itself. A server whose starter died (kill -9) has been adopted by init or a subreaper. In a
     * container the node may itself be pid 1: its parenthood, not the number, is what counts.
     */
    private static Optional<ProcessHandle> owner(ProcessHandle postmaster) {
        return postmaster.parent().filter(parent -> "java".equals(comm(Long.toString(parent.pid()))));
    }

    /**
     * A node killed with SIGKILL leaves its embedded PostgreSQL running, holding the data directory; stop it
     * (SIGTERM: smart shutdown, its clients died with the node) so that this node can start its own. A server
     * whose node is alive is never touched: two nodes on one data directory would share its spool.
     */
    private static void stopOrphanedServer(Path dir) throws IOException {
        Optional<ProcessHandle> postmaster = livePostmaster(dir);
        if (postmaster.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> owner = owner(postmaster.get());
        if (owner.isPresent()) {
            throw new IOException(dir + " is in use by another osteonode process (pid " + owner.get().pid()
                    + "): a node on the same data-dir, or a bin/osteonode command; stop it first");
        }
        log.warn("event=database.orphan-stopping pid={} reason=\"a previous node did not stop its PostgreSQL\"",
                postmaster.get().pid());
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("an earlier PostgreSQL (pid " + postmaster.get().pid() + ") still holds " + dir
                    + "; stop it and start again", e);
        }
    }

    /** A live osteonode process (a node, or a command) runs the cluster's server. */
    public static boolean inUse(Path clusterDir) throws IOException {
        Optional<ProcessHandle> postmaster = livePostmaster(clusterDir);
        return postmaster.isPresent() && owner(postmaster.get()).isPresent();
    }

    /**
     * For bin/osteonode commands: the server of the node running on this cluster, used as it is (not stopped
     * at close), or, when no node runs, a server of the command's own, stopped at close.
     */
    public static LocalPostgres attachOrStart(Path clusterDir) throws IOException {
        Optional<ProcessHandle> postmaster = livePostmaster(clusterDir);
        if (postmaster.isPresent() && owner(postmaster.get()).isPresent()) {
            List<String> pidFile = Files.readAllLines(clusterDir.resolve("postmaster.pid"));
            LocalPostgres attached = new LocalPostgres(null, clusterDir, Integer.parseInt(pidFile.get(3).trim()),
                    Files.readString(clusterDir.resolve(PASSWORD_FILE)).trim());
            attached.attachedTo = postmaster.get();
            return attached;
        }
        return start(clusterDir, 0);
    }

    /** /proc/PID/comm stays readable where /proc/PID/exe is not (another user namespace, another user). */
    private static String comm(String pid) {
        try {
            return Files.readString(Path.of("/proc", pid, "comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** fsync of a file or a folder (initdb syncs what it writes; this is for what the node adds and renames). */
    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
