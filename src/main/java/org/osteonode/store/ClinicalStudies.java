package org.osteonode.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Scores per image and report state per study, keyed by pseudonyms only. */
public final class ClinicalStudies {
    private final DataSource dataSource;

    public ClinicalStudies(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A study whose instances have not all been reported. */
    public record Due(String studyKey, int instances, int reportedVersion) {
    }

    /**
     * Records an image's score once; a re-sent image changes nothing.
     *
     * @return true when the image was new to its study
     */
    public boolean score(String sopInstanceKey, String studyKey, double score) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            int inserted;
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into image_score (sop_instance_key, study_key, score) values (?, ?, ?) "
                            + "on conflict (sop_instance_key) do nothing")) {
                insert.setString(1, sopInstanceKey);
                insert.setString(2, studyKey);
                insert.setDouble(3, score);
                inserted = insert.executeUpdate();
            }
            if (inserted == 1) {
                try (PreparedStatement study = connection.prepareStatement(
                        "insert into clinical_study (study_key, instances) values (?, 1) on conflict (study_key) do "
                                + "update set instances = clinical_study.instances + 1, last_instance_at = now()")) {
                    study.setString(1, studyKey);
                    study.executeUpdate();
                }
            }
            connection.commit();
            return inserted == 1;
        }
    }

    /** Records that an image of a study was not scored, and why; once per image. */
    public void skipped(String sopInstanceKey, String studyKey, String reason) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement("insert into image_skip (sop_instance_key, "
                     + "study_key, reason) values (?, ?, ?) on conflict (sop_instance_key) do nothing")) {
            insert.setString(1, sopInstanceKey);
            insert.setString(2, studyKey);
            insert.setString(3, reason);
            insert.executeUpdate();
        }
    }

    /** Forgets skipped images recorded longer ago than {@code retention} (their studies' reports are long made). */
    public int forgetSkipsOlderThan(Duration retention) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement delete = connection.prepareStatement(
                     "delete from image_skip where skipped_at < now() - make_interval(secs => ?)")) {
            delete.setLong(1, retention.toSeconds());
            return delete.executeUpdate();
        }
    }

    /** How many images of the study were not scored, per reason, in reason order. */
    public java.util.SortedMap<String, Integer> skips(String studyKey) throws SQLException {
        java.util.SortedMap<String, Integer> skips = new java.util.TreeMap<>();
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement(
                     "select reason, count(*) from image_skip where study_key = ? group by reason")) {
            select.setString(1, studyKey);
            try (java.sql.ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    skips.put(row.getString(1), row.getInt(2));
                }
            }
        }
        return skips;
    }

    /** A study without a scored image, and its images the clinical path skipped, per reason. */
    public record Unscored(String studyKey, java.util.SortedMap<String, Integer> skips) {
    }

    /**
     * Studies none of whose images was scored although at least one was skipped for one of {@code reasons}, quiet
     * for {@code stable} with every recorded instance seen by the clinical path, not returned before: each is
     * returned once. One statement marks and returns them, so that of two nodes asking at once only one gets a
     * study (PostgreSQL re-checks {@code not announced} on the rows it locks).
     */
    public List<Unscored> newlyUnscored(Duration stable, java.util.Set<String> reasons) throws SQLException {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        try (Connection connection = connect();
             PreparedStatement announce = connection.prepareStatement("update image_skip set announced = true "
                     + "where not announced and study_key in (select k.study_key from image_skip k "
                     + "where not k.announced and k.reason = any (?) group by k.study_key "
                     + "having max(k.skipped_at) <= now() - make_interval(secs => ?)) "
                     + "and not exists (select 1 from image_score c where c.study_key = image_skip.study_key) "
                     + "and not exists (select 1 from instance i where i.study_key = image_skip.study_key "
                     + "and not i.clinical_done) returning study_key")) {
            announce.setArray(1, connection.createArrayOf("text", reasons.toArray()));
            announce.setDouble(2, stable.toMillis() / 1000.0);
            try (ResultSet row = announce.executeQuery()) {
                while (row.next()) {
                    keys.add(row.getString(1));
                }
            }
        }
        List<Unscored> unscored = new ArrayList<>();
        for (String key : keys) {
            unscored.add(new Unscored(key, skips(key)));
        }
        return unscored;
    }

    /** A reported study's skipped images were listed in its report's line: none is to be announced again. */
    public void announced(String studyKey) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement update = connection.prepareStatement(
                     "update image_skip set announced = true where study_key = ? and not announced")) {
            update.setString(1, studyKey);
            update.executeUpdate();
        }
    }

    /**
     * Studies with unreported instances, none new for {@code stable}, and no recorded instance the clinical
     * path has not yet seen.
     */
    public List<Due> due(Duration stable) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select study_key, instances, reported_version "
                     + "from clinical_study where " + DUE + " order by last_instance_at")) {
            statement.setDouble(1, stable.toMillis() / 1000.0);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    due.add(new Due(rows.getString(1), rows.getInt(2), rows.getInt(3)));
                }
            }
        }
        return due;
    }

    private static final String DUE = "instances > reported_instances "
            + "and last_instance_at <= now() - make_interval(secs => ?) "
            + "and not exists (select 1 from instance i where i.study_key = clinical_study.study_key "
            + "and not i.clinical_done)";

    /** Longer than building and queueing one report takes by far; short enough that a hung node's study moves on. */
    private static final Duration CLAIM_IDLE_LIMIT = Duration.ofMinutes(2);

    /**
     * A due study for this node alone to report: the claim keeps the study's row locked until it is
     * {@link Claim#reported} or closed. Nodes sharing the database skip a locked row rather than wait for it, and
     * the row is read again under the lock, so that of the nodes that saw the study due one makes each version.
     *
     * @return empty when the study is no longer due, or another node is reporting it
     */
    public Optional<Claim> claim(String studyKey, Duration stable) throws SQLException {
        Connection connection = connect();
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement timeout = connection.prepareStatement(
                    "set local idle_in_transaction_session_timeout = '" + CLAIM_IDLE_LIMIT.toMillis() + "ms'")) {
                // a node that hangs while it holds a claim (its connection alive, nothing sent) would keep the
                // study locked for good: the server ends such a session, and the lock with it
                timeout.execute();
            }
            try (PreparedStatement statement = connection.prepareStatement("select study_key, instances, "
                    + "reported_version from clinical_study where study_key = ? and " + DUE
                    + " for update skip locked")) {
                statement.setString(1, studyKey);
                statement.setDouble(2, stable.toMillis() / 1000.0);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return Optional.of(new Claim(connection, new Due(rows.getString(1), rows.getInt(2),
                                rows.getInt(3))));
                    }
                }
            }
            connection.rollback();
            connection.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * A claimed study, its row locked by an open transaction. A node that dies holding it loses the connection
     * and with it the lock, and the study is due again for any node: nothing to expire. The lock lasts while one
     * report is built and queued (milliseconds); all it delays is the score of a late instance of that study.
     */
    public static final class Claim implements AutoCloseable {
        private final Connection connection;
        private final Due study;

        private Claim(Connection connection, Due study) {
            this.connection = connection;
            this.study = study;
        }

        /** The study as it was read under the lock. */
        public Due study() {
            return study;
        }

        /** The study's report {@code version} is queued: it is not due until a new instance arrives. */
        public void reported(int version) throws SQLException {
            markReported(connection, study, version);
            connection.commit();
        }

        /** Work on the claim's connection, committed with the mark, or rolled back with it. */
        @FunctionalInterface
        public interface InTransaction {
            void run(Connection connection) throws SQLException, java.io.IOException;
        }

        /**
         * Queues the report with {@code queue} and marks version {@code version} reported in one transaction: a
         * failure between the two cannot leave the version queued but the study due, whose next report, of more
         * images, would find the version's item key taken and be dropped.
         */
        public void reported(int version, InTransaction queue) throws SQLException, java.io.IOException {
            queue.run(connection);
            markReported(connection, study, version);
            connection.commit();
        }

        /** Lets go of the study; unless reported, it stays due. */
        @Override
        public void close() throws SQLException {
            try {
                connection.rollback();
            } finally {
                connection.close();
            }
        }
    }

    /** Reported studies without a new instance for {@code retention}: their identified references can go. */
    public List<String> reportedAndQuiet(Duration retention) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select study_key from clinical_study "
                     + "where instances = reported_instances and last_instance_at <= now() - make_interval(secs => ?)")) {
            statement.setDouble(1, retention.toSeconds());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        }
        return keys;
    }

    public void reported(Due study, int version) throws SQLException {
        try (Connection connection = connect()) {
            markReported(connection, study, version);
        }
    }

    private static void markReported(Connection connection, Due study, int version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "update clinical_study set reported_instances = ?, reported_version = ? where study_key = ?")) {
            statement.setInt(1, study.instances());
            statement.setInt(2, version);
            statement.setString(3, study.studyKey());
            statement.executeUpdate();
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
