package org.osteonode.store;

import org.osteonode.labels.DxaMeasurement;
import org.osteonode.labels.DxaSite;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** DXA results by keyed patient pseudonym (table {@code outcome_label}), dates already shifted. */
public final class OutcomeLabels {
    private static final String UPSERT = """
            insert into outcome_label (patient_key, measured_on, site, t_score, z_score, bmd_g_per_cm2)
            values (?, ?, ?, ?, ?, ?)
            on conflict (patient_key, measured_on, site) do update
                set t_score = excluded.t_score, z_score = excluded.z_score, bmd_g_per_cm2 = excluded.bmd_g_per_cm2,
                    imported_at = now()
                where (outcome_label.t_score, outcome_label.z_score, outcome_label.bmd_g_per_cm2)
                      is distinct from (excluded.t_score, excluded.z_score, excluded.bmd_g_per_cm2)
            returning (xmax = 0) as inserted
            """;

    private final DataSource dataSource;

    public OutcomeLabels(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A measurement of the patient with this key. */
    public record Keyed(String patientKey, DxaMeasurement measurement) {
    }

    /** What an import did: new rows, rows whose values changed, rows already there as they are. */
    public record Imported(int added, int changed, int unchanged) {
    }

    /** Stores every row in one transaction: all or nothing. The same rows again change nothing. */
    public Imported put(List<Keyed> rows) throws SQLException {
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                for (Keyed row : rows) {
                    DxaMeasurement m = row.measurement();
                    upsert.setString(1, row.patientKey());
                    upsert.setDate(2, Date.valueOf(m.measuredOn()));
                    upsert.setString(3, m.site().code());
                    upsert.setDouble(4, m.tScore());
                    setNullable(upsert, 5, m.zScore());
                    setNullable(upsert, 6, m.bmd());
                    try (ResultSet result = upsert.executeQuery()) {
                        if (!result.next()) {
                            unchanged++;
                        } else if (result.getBoolean(1)) {
                            added++;
                        } else {
                            changed++;
                        }
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
        return new Imported(added, changed, unchanged);
    }

    /** The measurements of each of these patients. */
    public Map<String, List<DxaMeasurement>> of(Collection<String> patientKeys) throws SQLException {
        Map<String, List<DxaMeasurement>> measurements = new HashMap<>();
        if (patientKeys.isEmpty()) {
            return measurements;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select patient_key, measured_on, site, t_score, "
                     + "z_score, bmd_g_per_cm2 from outcome_label where patient_key = any (?)")) {
            select.setArray(1, connection.createArrayOf("text", patientKeys.toArray()));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    DxaSite site = DxaSite.parse(row.getString("site")).orElseThrow();
                    measurements.computeIfAbsent(row.getString("patient_key"), k -> new ArrayList<>()).add(
                            new DxaMeasurement(row.getDate("measured_on").toLocalDate(), site, row.getDouble("t_score"),
                                    row.getObject("z_score", Double.class), row.getObject("bmd_g_per_cm2", Double.class)));
                }
            }
        }
        return measurements;
    }

    public long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("select count(*) from outcome_label")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void setNullable(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }
}
