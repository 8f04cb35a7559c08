package org.osteonode.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.osteonode.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * osteonode's PostgreSQL: the embedded server under {@code data-dir/db} when no url is configured, or the
 * configured server; a HikariCP pool over it; the schema migrated by Flyway on open.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final LocalPostgres embedded;
    private final HikariDataSource pool;

    private Database(LocalPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
    }

    /** The node's database: the embedded server started (and supervised) by this node, or the configured one. */
    public static Database open(Settings settings) throws IOException {
        return open(settings, false);
    }

    /**
     * A bin/osteonode command's database: the embedded server of the node running on this data-dir when there is
     * one (used, not stopped), else one started for the command alone; or the configured one.
     */
    public static Database openForCommand(Settings settings) throws IOException {
        return open(settings, true);
    }

    private static Database open(Settings settings, boolean command) throws IOException {
        Settings.DatabaseConnection db = settings.database();
        LocalPostgres embedded = null;
        String url = db.url();
        if (db.embedded()) {
            embedded = command
                    ? LocalPostgres.attachOrStart(settings.databaseDir())
                    : LocalPostgres.start(settings.databaseDir(), 0);
            url = embedded.jdbcUrl("postgres");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("osteonode");
        config.setJdbcUrl(url);
        config.setUsername(db.embedded() ? embedded.user() : db.user());
        config.setPassword(db.embedded() ? embedded.password() : db.password());
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

    public DataSource dataSource() {
        return pool;
    }

    /** The embedded server, when the node runs one: for /health and for tests that stop it. */
    public Optional<LocalPostgres> embedded() {
        return Optional.ofNullable(embedded);
    }

    public boolean isReachable() {
        if (embedded != null && !embedded.isRunning()) {
            return false;
        }
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

    private static void closeEmbedded(LocalPostgres embedded) {
        if (embedded != null) {
            embedded.close();
        }
    }
}
