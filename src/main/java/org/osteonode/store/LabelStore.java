package org.osteonode.store;

import org.osteonode.labels.ProxyLabels;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes proxy labels in batches, one transaction each; an image already labelled is left as it is, and a patient
 * who opted out of research gets none (checked again here, for an opt-out recorded while the image was on its way).
 */
public final class LabelStore {
    private static final String INSERT = """
            insert into image_label (sop_instance_key, series_key, study_key, patient_key, modality, sop_class_uid,
                body_part, body_part_source, body_part_hints, age_years, age_band, sex, view_position, laterality,
                manufacturer, model, rows, columns, pixel_spacing_row_mm, pixel_spacing_column_mm, bits_stored,
                photometric_interpretation, study_date_shifted)
            select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
            where not exists (select 1 from research_opt_out o where o.patient_key = ?)
            on conflict (sop_instance_key) do nothing
            """;

    private final DataSource dataSource;

    public LabelStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return how many images were labelled for the first time */
    public int write(List<ProxyLabels> batch) throws SQLException {
        try {
            return insert(batch);
        } catch (SQLException e) {
            throw DatabaseUnavailableException.classify(e);
        }
    }

    private int insert(List<ProxyLabels> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            for (ProxyLabels labels : batch) {
                bind(statement, labels);
                statement.addBatch();
            }
            int inserted = 0;
            for (int count : statement.executeBatch()) {
                inserted += Math.max(count, 0);
            }
            connection.commit();
            return inserted;
        }
    }

    /** The labelled images the query asks for, of patients who have not opted out, by SOP Instance key. */
    public List<ProxyLabels> matching(LabelQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("select * from image_label l where not exists "
                + "(select 1 from research_opt_out o where o.patient_key = l.patient_key)");
        List<Object> values = new ArrayList<>();
        in(sql, values, "body_part", query.bodyParts());
        in(sql, values, "modality", query.modalities());
        in(sql, values, "sop_class_uid", query.sopClasses());
        equal(sql, values, "view_position", query.view());
        equal(sql, values, "sex", query.sex());
        bound(sql, values, "age_years >= ?", query.minAge());
        bound(sql, values, "age_years <= ?", query.maxAge());
        bound(sql, values, "study_date_shifted >= ?", query.from() == null ? null : Date.valueOf(query.from()));
        bound(sql, values, "study_date_shifted <= ?", query.to() == null ? null : Date.valueOf(query.to()));
        sql.append(" order by sop_instance_key");
        List<ProxyLabels> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(labels(row));
                }
            }
        }
        return rows;
    }

    private static void in(StringBuilder sql, List<Object> values, String column, java.util.Set<String> allowed) {
        if (!allowed.isEmpty()) {
            sql.append(" and ").append(column).append(" in (").append("?, ".repeat(allowed.size() - 1)).append("?)");
            values.addAll(new java.util.TreeSet<>(allowed));
        }
    }

    private static void equal(StringBuilder sql, List<Object> values, String column, String value) {
        bound(sql, values, column + " = ?", value);
    }

    private static void bound(StringBuilder sql, List<Object> values, String condition, Object value) {
        if (value != null) {
            sql.append(" and ").append(condition);
            values.add(value);
        }
    }

    private static ProxyLabels labels(ResultSet row) throws SQLException {
        Date studyDate = row.getDate("study_date_shifted");
        return new ProxyLabels(row.getString("sop_instance_key"), row.getString("series_key"),
                row.getString("study_key"), row.getString("patient_key"), row.getString("modality"),
                row.getString("sop_class_uid"), org.osteonode.labels.BodyPart.valueOf(row.getString("body_part")),
                row.getString("body_part_source"), row.getString("body_part_hints"),
                (Integer) row.getObject("age_years", Integer.class), row.getString("age_band"), row.getString("sex"),
                row.getString("view_position"), row.getString("laterality"), row.getString("manufacturer"),
                row.getString("model"), row.getInt("rows"), row.getInt("columns"),
                row.getObject("pixel_spacing_row_mm", Double.class), row.getObject("pixel_spacing_column_mm", Double.class),
                row.getInt("bits_stored"), row.getString("photometric_interpretation"),
                studyDate == null ? null : studyDate.toLocalDate());
    }

    private static void bind(PreparedStatement statement, ProxyLabels labels) throws SQLException {
        int i = 0;
        statement.setString(++i, labels.sopInstanceKey());
        statement.setString(++i, labels.seriesKey());
        statement.setString(++i, labels.studyKey());
        statement.setString(++i, labels.patientKey());
        statement.setString(++i, labels.modality());
        statement.setString(++i, labels.sopClassUid());
        statement.setString(++i, labels.bodyPart().name());
        statement.setString(++i, labels.bodyPartSource());
        statement.setString(++i, labels.bodyPartHints());
        statement.setObject(++i, labels.ageYears(), Types.SMALLINT);
        statement.setString(++i, labels.ageBand());
        statement.setString(++i, labels.sex());
        statement.setString(++i, labels.viewPosition());
        statement.setString(++i, labels.laterality());
        statement.setString(++i, labels.manufacturer());
        statement.setString(++i, labels.model());
        statement.setInt(++i, labels.rows());
        statement.setInt(++i, labels.columns());
        statement.setObject(++i, labels.pixelSpacingRowMm(), Types.DOUBLE);
        statement.setObject(++i, labels.pixelSpacingColumnMm(), Types.DOUBLE);
        statement.setInt(++i, labels.bitsStored());
        statement.setString(++i, labels.photometricInterpretation());
        statement.setDate(++i, labels.shiftedStudyDate() == null ? null : Date.valueOf(labels.shiftedStudyDate()));
        statement.setString(++i, labels.patientKey());
    }
}
