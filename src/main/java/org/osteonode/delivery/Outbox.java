package org.osteonode.delivery;

import org.osteonode.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The durable outbox: a row in PostgreSQL per object to send, the object itself as a file beside it.
 * Survives restarts; an item is sent until the PACS accepts it or it runs out of attempts (dead letter).
 */
public final class Outbox {
    private final DataSource dataSource;
    private final Path dir;

    public Outbox(DataSource dataSource, Path dir) {
        this.dataSource = dataSource;
        this.dir = dir;
        try {
            // the reports are identified data: only osteonode's own user may read them
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create outbox directory " + dir, e);
        }
    }

    /**
     * Takes over {@code file} (moved into the outbox) under a key; an item already queued under the same key
     * wins and the new file is deleted, so that the same report is never queued twice.
     *
     * @return true when queued, false when the key was already there
     */
    public boolean enqueue(String itemKey, Path file) throws IOException, SQLException {
        String name = UUID.randomUUID() + ".dcm";
        Path target = dir.resolve(name);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        boolean queued = update("insert into outbox (item_key, file_name) values (?, ?) on conflict (item_key) do nothing",
                itemKey, name) == 1;
        if (!queued) {
            Files.deleteIfExists(target);
        }
        return queued;
    }

    /** Pending items whose next attempt is due, oldest first. */
    public List<OutboxItem> due(int limit) throws SQLException {
        List<OutboxItem> items = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select id, item_key, file_name, attempts "
                     + "from outbox where state = 'pending' and next_attempt_at <= now() order by id limit ?")) {
            statement.setInt(1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    items.add(new OutboxItem(rows.getLong(1), rows.getString(2), dir.resolve(rows.getString(3)),
                            rows.getInt(4)));
                }
            }
        }
        return items;
    }

    public void sent(OutboxItem item) throws SQLException, IOException {
        update("update outbox set state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = null "
                + "where id = ?", item.id());
        Files.deleteIfExists(item.file());
    }

    /** A failed attempt: try again at {@code next}, or never again when {@code dead}. */
    public void failed(OutboxItem item, String error, Instant next, boolean dead) throws SQLException {
        update("update outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ? where id = ?",
                error, Timestamp.from(next), dead ? "dead" : "pending", item.id());
    }

    /** Puts dead-lettered items back in the queue for a fresh set of attempts; returns how many. */
    public int retryDead() throws SQLException {
        return update("update outbox set state = 'pending', attempts = 0, next_attempt_at = now() where state = 'dead'");
    }

    /** Pending reports that have failed at least once: the PACS refuses them or cannot be reached. */
    public long retrying() throws SQLException {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from outbox where state = 'pending' and attempts > 0");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    public long count(String state) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select count(*) from outbox where state = ?")) {
            statement.setString(1, state);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }
}
