package org.osteonode.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/** Patients who opted out of research, by keyed pseudonym (table {@code research_opt_out}). */
public final class OptOutRegistry {
    private final DataSource dataSource;

    public OptOutRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean contains(String patientKey) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select 1 from research_opt_out where patient_key = ?")) {
            statement.setString(1, patientKey);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /** Records the patients and deletes their proxy labels, in one transaction. */
    public Added add(Collection<String> patientKeys) throws SQLException {
        return add(patientKeys, java.util.List.of());
    }

    /**
     * Records the patients ({@code patientKeys}, under the current secret) and deletes their proxy labels and DXA
     * outcome labels, also those under earlier secrets ({@code formerKeys}), in one transaction.
     *
     * @return how many patients were new to the list, and how many label rows were deleted
     */
    public Added add(Collection<String> patientKeys, Collection<String> formerKeys) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            int added = 0;
            int labels = 0;
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into research_opt_out (patient_key) values (?) on conflict do nothing");
                 PreparedStatement delete = connection.prepareStatement(
                         "delete from image_label where patient_key = ?");
                 PreparedStatement deleteOutcomes = connection.prepareStatement(
                         "delete from outcome_label where patient_key = ?")) {
                for (String key : patientKeys) {
                    insert.setString(1, key);
                    added += insert.executeUpdate();
                }
                for (String key : union(patientKeys, formerKeys)) {
                    delete.setString(1, key);
                    labels += delete.executeUpdate();
                    deleteOutcomes.setString(1, key);
                    deleteOutcomes.executeUpdate();
                }
            }
            connection.commit();
            return new Added(added, labels);
        }
    }

    private static java.util.Set<String> union(Collection<String> a, Collection<String> b) {
        java.util.Set<String> union = new java.util.LinkedHashSet<>(a);
        union.addAll(b);
        return union;
    }

    public record Added(int patients, int labelsDeleted) {
    }

    /** Every recorded key (for a rotation of the secret, which records them again under the new one). */
    public java.util.Set<String> keys() throws SQLException {
        java.util.Set<String> keys = new java.util.HashSet<>();
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("select patient_key from research_opt_out")) {
            while (row.next()) {
                keys.add(row.getString(1));
            }
        }
        return keys;
    }

    /** Forgets keys made with a secret that is no longer in use. */
    public void remove(Collection<String> patientKeys) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "delete from research_opt_out where patient_key = ?")) {
            for (String key : patientKeys) {
                delete.setString(1, key);
                delete.executeUpdate();
            }
        }
    }

    public long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("select count(*) from research_opt_out")) {
            row.next();
            return row.getLong(1);
        }
    }
}
