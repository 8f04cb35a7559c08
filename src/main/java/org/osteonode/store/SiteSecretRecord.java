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

    /**
     * Records {@code fingerprint} when the database has none yet.
     *
     * @return the fingerprint the database holds when it is another one; empty when it is this one
     */
    public Optional<String> recordOrCompare(String fingerprint) throws SQLException {
        try (Connection connection = connect()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into site_secret (fingerprint) values (?) on conflict (only_row) do nothing")) {
                insert.setString(1, fingerprint);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("select fingerprint from site_secret");
                 ResultSet row = select.executeQuery()) {
                row.next();
                String recorded = row.getString(1);
                return recorded.equals(fingerprint) ? Optional.empty() : Optional.of(recorded);
            }
        }
    }

    /** After a rotation: the database's pseudonyms are made with the new secret from now on. */
    public void replace(String fingerprint) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement upsert = connection.prepareStatement("insert into site_secret (fingerprint) values (?) "
                     + "on conflict (only_row) do update set fingerprint = excluded.fingerprint, recorded_at = now()")) {
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
