package org.osteonode.store;

import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Records each received instance once, keyed by the pseudonym of its SOP Instance UID; a re-sent instance
 * only updates when and how often it was received. Both paths write here, independently.
 */
public final class InstanceIndex {
    // A receipt counts once, whichever path records the instance first: the clinical path only makes sure the
    // row exists (times_received 0) so that it can mark it seen; the research path counts the receipt.
    private static final String INSERT = """
            insert into instance (sop_instance_key, series_key, study_key, patient_key, sop_class_uid,
                                  transfer_syntax_uid, modality, calling_ae_title, size_bytes, times_received)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String COUNT_RECEIPT = INSERT + """
            on conflict (sop_instance_key) do update
               set last_received_at = now(), times_received = instance.times_received + 1
            returning times_received
            """;
    private static final String ENSURE = INSERT + "on conflict (sop_instance_key) do nothing";

    private final DataSource dataSource;
    private final Pseudonymizer pseudonymizer;

    public InstanceIndex(DataSource dataSource, Pseudonymizer pseudonymizer) {
        this.dataSource = dataSource;
        this.pseudonymizer = pseudonymizer;
    }

    /**
     * Counts a receipt of the instance (the research path does, once per received object).
     *
     * @return true when the instance was received for the first time, false when it was re-sent
     * @throws DatabaseUnavailableException when PostgreSQL cannot be reached; worth waiting for
     */
    public boolean record(InstanceHeader header, long sizeBytes) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(COUNT_RECEIPT)) {
            bind(statement, header, sizeBytes, 1);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /** Makes sure the instance has its row, without counting a receipt (the clinical path, before it marks it seen). */
    public void ensureRecorded(InstanceHeader header, long sizeBytes) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(ENSURE)) {
            bind(statement, header, sizeBytes, 0);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /**
     * Cluster mode: claims the instance's SOP Instance for the research archive with the received object whose
     * SHA-256 is {@code objectSha256}, over all nodes (table {@code research_claim}).
     *
     * @return true when this object holds the claim: it was the first, or it is the same object again (a
     *         redelivery); false when another object with the same SOP Instance UID was archived first
     * @throws DatabaseUnavailableException when PostgreSQL cannot be reached; worth waiting for
     */
    public boolean claimForArchive(InstanceHeader header, String objectSha256) throws SQLException {
        String sopInstanceKey = pseudonymizer.uid(header.sopInstanceUid());
        String object = pseudonymizer.workspace(objectSha256);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("insert into research_claim "
                    + "(sop_instance_key, object_key) values (?, ?) on conflict (sop_instance_key) do nothing")) {
                insert.setString(1, sopInstanceKey);
                insert.setString(2, object);
                insert.executeUpdate();
            }
            // a statement of its own: it sees the claim another node committed while the insert waited for it
            try (PreparedStatement claimed = connection.prepareStatement(
                    "select object_key from research_claim where sop_instance_key = ?")) {
                claimed.setString(1, sopInstanceKey);
                try (ResultSet rows = claimed.executeQuery()) {
                    return rows.next() && rows.getString(1).equals(object);
                }
            }
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /** The clinical path is done with this instance (scored, skipped or failed). */
    public void clinicalDone(InstanceHeader header) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "update instance set clinical_done = true where sop_instance_key = ?")) {
            statement.setString(1, pseudonymizer.uid(header.sopInstanceUid()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    /**
     * Cluster mode: marks {@code path} done with the instance and tells whether the other path is done with it too,
     * that is whether the received object may leave the PHI bucket. Both paths call it, each when it is done.
     *
     * <p>One statement, {@code update ... returning} the other path's flag: when two nodes finish the two paths of
     * one instance at the same moment, the second update waits for the first's row lock and then sees the row as
     * the first committed it, so at least one of them learns that both are done. (Both may, after a redelivery:
     * deleting the object is idempotent.)
     *
     * @return false also when the instance has no row (a path records it before it is done with it)
     * @throws DatabaseUnavailableException when PostgreSQL cannot be reached; worth waiting for
     */
    public boolean pathDone(ProcessingPath path, InstanceHeader header) throws SQLException {
        String sql = switch (path) {
            case RESEARCH -> "update instance set research_done = true where sop_instance_key = ? returning clinical_done";
            case CLINICAL -> "update instance set clinical_done = true where sop_instance_key = ? returning research_done";
        };
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, pseudonymizer.uid(header.sopInstanceUid()));
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    private void bind(PreparedStatement statement, InstanceHeader header, long sizeBytes, int timesReceived)
            throws SQLException {
        statement.setString(1, pseudonymizer.uid(header.sopInstanceUid()));
        statement.setString(2, pseudonymizer.uid(header.seriesInstanceUid()));
        statement.setString(3, pseudonymizer.uid(header.studyInstanceUid()));
        statement.setString(4, pseudonymizer.patient(header.issuerOfPatientId(), header.patientId()));
        statement.setString(5, header.sopClassUid());
        statement.setString(6, header.transferSyntaxUid());
        statement.setString(7, header.modality());
        statement.setString(8, header.sourceAeTitle());
        statement.setLong(9, sizeBytes);
        statement.setInt(10, timesReceived);
    }
}
