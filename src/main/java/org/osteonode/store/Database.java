package org.osteonode.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.osteonode.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * osteonode's PostgreSQL: the embedded server under {@code data-dir/db} when no url is configured, or the
 * configured server; a HikariCP pool over it; the schema migrated by Flyway on open.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
    }

    public static Database open(Settings settings) throws IOException {
        Settings.DatabaseConnection db = settings.database();
        EmbeddedPostgres embedded = null;
        String url = db.url();
        if (db.embedded()) {
            embedded = startEmbedded(settings.databaseDir());
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("osteonode");
        config.setJdbcUrl(url);
        config.setUsername(db.embedded() ? "postgres" : db.user());
        config.setPassword(db.embedded() ? "" : db.password());
        config.setMaximumPoolSize(Math.max(4, settings.pipeline().researchWorkers() + settings.pipeline().clinicalWorkers() + 2));
        config.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            closeEmbedded(embedded);
            throw new IOException("cannot connect to PostgreSQL at " + url + " (osteonode.db.url): " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            closeEmbedded(embedded);
            throw new IOException("cannot migrate the osteonode schema: " + e.getMessage(), e);
        }
        log.info("event=database.ready kind={}", db.embedded() ? "embedded" : "external");
        warnIfNotDurable(pool);
        return new Database(embedded, pool);
    }

    /** An external server is the DBA's to configure; say so when it may lose commits the node relies on. */
    private static void warnIfNotDurable(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit")) {
                try (var row = statement.executeQuery("show " + setting)) {
                    row.next();
                    if (row.getString(1).equals("off")) {
                        log.warn("event=database.not-durable setting={} value=off fix=\"set {}=on in postgresql.conf: "
                                + "osteonode deletes a spooled object once its rows are committed, so a commit lost "
                                + "in a crash loses the object\"", setting, setting);
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("event=database.settings-unreadable error=\"{}\"", e.getMessage());
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dir) throws IOException {
        Files.createDirectories(dir);
        stopOrphanedServer(dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                // The library's default is synchronous_commit=off, which loses the last committed transactions
                // in a power cut: after a label commit the spool file is deleted, so the object would be lost.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                // The node stops it last (close()), after the paths have finished the work in hand. The library's
                // own shutdown hook would stop it beside them, and that work would meet a closed database.
                .setRegisterShutdownHook(false)
                .start();
    }

    /**
     * A node killed with SIGKILL leaves its embedded PostgreSQL running, holding the data directory; stop it
     * (SIGTERM: smart shutdown, its clients died with the node) so that this node can start its own.
     */
    private static void stopOrphanedServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> postmaster = Files.readAllLines(pidFile).stream().findFirst()
                .map(String::trim)
                .filter(s -> s.matches("\\d+"))
                .filter(Database::isPostgres)
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
        if (postmaster.isEmpty()) {
            return;
        }
        log.warn("event=database.orphan-stopping pid={} reason=\"a previous node did not stop its PostgreSQL\"",
                postmaster.get().pid());
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("an earlier PostgreSQL (pid " + postmaster.get().pid() + ") still holds " + dir
                    + "; stop it and start again", e);
        }
    }

    /** /proc/PID/comm stays readable where /proc/PID/exe is not (another user namespace, another user). */
    private static boolean isPostgres(String pid) {
        try {
            return Files.readString(Path.of("/proc", pid, "comm")).trim().equals("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public boolean isReachable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
        closeEmbedded(embedded);
    }

    private static void closeEmbedded(EmbeddedPostgres embedded) {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            log.error("event=database.stop-failed error=\"{}\"", e.getMessage());
        }
    }
}
