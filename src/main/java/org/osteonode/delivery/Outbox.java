package org.osteonode.delivery;

import org.osteonode.objects.Folders;
import org.osteonode.objects.ObjectKey;
import org.osteonode.objects.ObjectStore;
import org.osteonode.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable outbox: a row in PostgreSQL per object to send, the object itself in an {@link ObjectStore}: the
 * node's outbox folder, or the PHI bucket that every node of a cluster reads. Survives restarts; an item is sent
 * until the PACS accepts it or it runs out of attempts (dead letter).
 * <p>
 * Any number of nodes may deliver from one database: a node claims an item for a lease before sending it, and
 * writes the result only while it still holds that claim. An item whose node died mid-send is claimed again
 * once the lease has run out, and sent again: the PACS is then offered the same SOP Instance twice, which is
 * harmless, since a PACS files what it stores under the SOP Instance UID and a second C-STORE of one it has
 * replaces or drops the copy (Orthanc keeps one and answers Success: OutboxDeliveryIT). Every copy of a report
 * carries the same UID, keyed on study and version ({@code StudyReporter}).
 */
public final class Outbox {
    /**
     * A send is a connection and up to four answers waited for (TLS handshake, A-ASSOCIATE-AC, C-STORE-RSP,
     * A-RELEASE-RP), each given the association timeout: five timeouts is a PACS slow at every step. A lease
     * that runs out under a live send costs a second, harmless copy; one too long only delays a dead node's items.
     */
    private static final int LEASE_PER_ASSOCIATION_TIMEOUT = 5;

    private final DataSource dataSource;
    private final ObjectStore files;
    private final String keyPrefix;
    private final Path scratchDir;
    private final String node;
    private final Duration lease;

    /**
     * @param files      where the reports are kept: every node sharing the database must read the same store, since
     *                   any of them may claim an item
     * @param keyPrefix  put before each report's name to make its key ({@code ""} for a store of the outbox's own)
     * @param scratchDir where a report is fetched to while it is sent
     * @param node       this node's id, different for every process sharing the database (what {@code claimed_by}
     *                   says)
     * @param lease      how long a claim keeps an item from the other nodes: {@link #leaseFor} the association
     *                   timeout
     */
    public Outbox(DataSource dataSource, ObjectStore files, String keyPrefix, Path scratchDir, String node,
                  Duration lease) {
        this.dataSource = dataSource;
        this.files = files;
        this.keyPrefix = ObjectKey.checkPrefix(keyPrefix);
        this.scratchDir = scratchDir;
        this.node = node;
        this.lease = lease;
        // the reports' copies are identified data: only osteonode's own user may read them
        Folders.ownerOnly(scratchDir);
    }

    /**
     * Takes over {@code file} (put in the store, then deleted) under a key; an item already queued under the same
     * key wins and the new object is deleted, so that the same report is never queued twice.
     *
     * @return true when queued, false when the key was already there
     */
    public boolean enqueue(String itemKey, Path file) throws IOException, SQLException {
        try (Connection connection = connect()) {
            return enqueue(connection, itemKey, file);
        }
    }

    /**
     * As {@link #enqueue(String, Path)}, in the caller's transaction: the row is there once the caller commits (the
     * report's study is marked reported in the same commit). The object is durable before the row is written, so a
     * committed row always names an object. A transaction rolled back after this leaves the object in the store
     * without a row; it holds a report nobody will send.
     *
     * @throws IOException the store refused the object ({@code file} is then left where it was), or {@code file}
     *                     could not be deleted (the object is then deleted)
     */
    public boolean enqueue(Connection connection, String itemKey, Path file) throws IOException, SQLException {
        // the column keeps the name without the prefix: the same row means the same report whichever store holds it
        String name = UUID.randomUUID() + ".dcm";
        String key = keyPrefix + name;
        files.put(key, file);
        boolean queued;
        try {
            Files.delete(file);
            queued = insert(connection, itemKey, name);
        } catch (IOException | SQLException | RuntimeException e) {
            try {
                files.delete(key);
            } catch (IOException deleteFailed) {
                e.addSuppressed(deleteFailed);
            }
            throw e;
        }
        if (!queued) {
            files.delete(key);
        }
        return queued;
    }

    private static boolean insert(Connection connection, String itemKey, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into outbox (item_key, file_name) values (?, ?) on conflict (item_key) do nothing")) {
            insert.setString(1, itemKey);
            insert.setString(2, name);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /**
     * A copy of the item's object in a new file under the scratch directory, readable by osteonode's user alone,
     * for the sender, which needs a local file. The caller deletes it: it is identified data.
     *
     * @throws java.nio.file.NoSuchFileException  the store has no object under the item's key
     * @throws ObjectStore.CorruptObjectException the object's bytes are not those that were queued
     */
    public Path fetch(OutboxItem item) throws IOException {
        // createTempFile makes the file owner-only (rw-------)
        Path file = Files.createTempFile(scratchDir, "outbox-", ".dcm");
        try {
            files.get(item.objectKey(), file);
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The lease for sends whose association timeout is {@code associationTimeout}. */
    public static Duration leaseFor(Duration associationTimeout) {
        return associationTimeout.multipliedBy(LEASE_PER_ASSOCIATION_TIMEOUT);
    }

    /**
     * An item this node may send until {@code leaseUntil} (the database's clock). The lease's end also tells this
     * claim from a later one of the same item by the same node: each claim of a row ends later than the one before.
     */
    public record Claim(OutboxItem item, Instant leaseUntil) {
    }

    /** The items {@link #claimNext} would hand out: pending, next attempt due, no send under way; oldest first. */
    public List<OutboxItem> due(int limit) throws SQLException {
        List<OutboxItem> items = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select id, item_key, file_name, attempts "
                     + "from outbox where " + DUE + " order by id limit ?")) {
            statement.setInt(1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    items.add(item(rows));
                }
            }
        }
        return items;
    }

    private static final String DUE = "state = 'pending' and next_attempt_at <= now() "
            + "and (lease_until is null or lease_until <= now())";

    /**
     * Claims the oldest due item after {@code afterId} for this node's lease, in the statement that locks it:
     * a row another node is claiming is skipped, not waited for, and no two nodes get the same item.
     */
    public Optional<Claim> claimNext(long afterId) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("with next as (select id from outbox "
                     + "where " + DUE + " and id > ? order by id limit 1 for update skip locked) "
                     + "update outbox set claimed_by = ?, lease_until = now() + make_interval(secs => ?) "
                     + "from next where outbox.id = next.id "
                     + "returning outbox.id, outbox.item_key, outbox.file_name, outbox.attempts, outbox.lease_until")) {
            statement.setLong(1, afterId);
            statement.setString(2, node);
            statement.setDouble(3, lease.toNanos() / 1e9);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Claim(item(rows), rows.getObject(5, OffsetDateTime.class).toInstant()));
            }
        }
    }

    /**
     * The PACS accepted the item: sent, and its object deleted, unless the claim was lost (the lease ran out and
     * another claim took the item, which may be sending that very object).
     *
     * @return false when the claim was lost and nothing was changed
     */
    public boolean sent(Claim claim) throws SQLException, IOException {
        boolean held = update("update outbox set state = 'sent', sent_at = now(), attempts = attempts + 1, "
                + "last_error = null, lease_until = null where " + HELD, claim.item().id(), node, leaseEnd(claim)) == 1;
        if (held) {
            files.delete(claim.item().objectKey());
        }
        return held;
    }

    /**
     * A failed attempt: try again at {@code next}, or never again when {@code dead}.
     *
     * @return false when the claim was lost and nothing was changed
     */
    public boolean failed(Claim claim, String error, Instant next, boolean dead) throws SQLException {
        return update("update outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ?, "
                + "lease_until = null where " + HELD, error, Timestamp.from(next), dead ? "dead" : "pending",
                claim.item().id(), node, leaseEnd(claim)) == 1;
    }

    /** The claim still holds its item: nobody has claimed it since, this node included. */
    private static final String HELD = "id = ? and claimed_by = ? and lease_until = ?";

    private static OffsetDateTime leaseEnd(Claim claim) {
        return claim.leaseUntil().atOffset(ZoneOffset.UTC);
    }

    private OutboxItem item(ResultSet rows) throws SQLException {
        return new OutboxItem(rows.getLong(1), rows.getString(2), keyPrefix + rows.getString(3),
                rows.getInt(4));
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
