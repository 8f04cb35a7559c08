package org.osteonode.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.osteonode.config.SettingsLoader;
import org.osteonode.store.Database;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM, started on first use and stopped when the JVM exits, with a new empty
 * database (migrated by the node's own {@link Database#open}) for each test: store tests stay fast enough to
 * be unit tests, and to be run again for every mutant by PIT.
 */
public final class SharedPostgres {
    private static final AtomicInteger databases = new AtomicInteger();
    private static EmbeddedPostgres server;

    private SharedPostgres() {
    }

    /** A new database on the shared server, with osteonode's schema. */
    public static Database freshDatabase(Path dataDir) throws IOException, SQLException {
        String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
             var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        return Database.open(SettingsLoader.load(null, Map.of(
                "OSTEONODE_DATA_DIR", dataDir.toString(),
                "OSTEONODE_DB_URL", server().getJdbcUrl("postgres", name))));
    }

    private static synchronized EmbeddedPostgres server() throws IOException {
        if (server == null) {
            server = EmbeddedPostgres.builder().start();
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is exiting; the server's directory is temporary
                }
            }));
        }
        return server;
    }
}
