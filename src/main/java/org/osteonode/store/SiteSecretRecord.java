package org.osteonode.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The fingerprint of the site secret a database's pseudonyms were made with. The first node to start records its
 * own; every later start compares: nodes (or a node restored with another secret.key) whose secret differs would
 * give one patient two pseudonyms and split a study's report, so they are refused.
 */
public final class SiteSecretRecord {
    private final DataSource dataSource;

    public SiteSecretRecord(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What the database holds: the secret its pseudonyms are made with, and the one a rotation is moving to. */
    public record Recorded(String fingerprint, String nextFingerprint) {
    }

    /**
     * Records {@code fingerprint} when the database has none yet.
     *
     * @return what the database holds when its fingerprint is another one; empty when it is this one
     */
    public Optional<Recorded> recordOrCompare(String fingerprint) throws SQLException {
        try (Connection connection = connect()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into site_secret (fingerprint) values (?) on conflict (only_row) do nothing")) {
                insert.setString(1, fingerprint);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "select fingerprint, next_fingerprint from site_secret");
                 ResultSet row = select.executeQuery()) {
                row.next();
                Recorded recorded = new Recorded(row.getString(1), row.getString(2));
                return recorded.fingerprint().equals(fingerprint) ? Optional.empty() : Optional.of(recorded);
            }
        }
    }

    /** Before a rotation swaps the secret file: the one secret a node may finish the rotation with. */
    public void rotatingTo(String nextFingerprint) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement update = connection.prepareStatement(
                     "update site_secret set next_fingerprint = ?")) {
            update.setString(1, nextFingerprint);
            update.executeUpdate();
        }
    }

    /** After a rotation: the database's pseudonyms are made with the new secret from now on. */
    public void replace(String fingerprint) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement upsert = connection.prepareStatement("insert into site_secret (fingerprint) values (?) "
                     + "on conflict (only_row) do update set fingerprint = excluded.fingerprint, "
                     + "next_fingerprint = null, recorded_at = now()")) {
            upsert.setString(1, fingerprint);
            upsert.executeUpdate();
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
