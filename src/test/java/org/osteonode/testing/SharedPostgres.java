package org.osteonode.testing;

import org.osteonode.config.SettingsLoader;
import org.osteonode.store.Database;
import org.osteonode.store.LocalPostgres;

import java.io.IOException;
import java.nio.file.Files;
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
    private static LocalPostgres server;

    private SharedPostgres() {
    }

    /** A new database on the shared server, with osteonode's schema. */
    public static Database freshDatabase(Path dataDir) throws IOException, SQLException {
        return open(newDatabase(), dataDir);
    }

    /** A new empty database on the shared server; its name, for {@link #open}. */
    public static String newDatabase() throws IOException, SQLException {
        String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection connection = server().connect("postgres");
             var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        return name;
    }

    /**
     * The database {@code name} as a node opens it, with a connection pool of its own: opened twice, two nodes
     * sharing one database.
     */
    public static Database open(String name, Path dataDir) throws IOException {
        return Database.open(SettingsLoader.load(null, Map.of(
                "OSTEONODE_DATA_DIR", dataDir.toString(),
                "OSTEONODE_DB_URL", server().jdbcUrl(name),
                "OSTEONODE_DB_USER", server().user(),
                "OSTEONODE_DB_PASSWORD", server().password())));
    }

    private static synchronized LocalPostgres server() throws IOException {
        if (server == null) {
            Path dir = Files.createTempDirectory("osteonode-test-pg");
            server = LocalPostgres.start(dir.resolve("db"), 0);
            LocalPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                try (var all = Files.walk(dir)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (IOException e) {
                    // the JVM is exiting; what is left is in the temporary folder
                }
            }));
        }
        return server;
    }
}
