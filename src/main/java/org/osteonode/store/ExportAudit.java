package org.osteonode.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The record of training-set exports (table {@code export_audit}). */
public final class ExportAudit {
    /** One export: filters and counts as JSON, the datasheet's SHA-256. */
    public record Entry(Instant at, String osUser, String host, String filters, String counts, String outputPath,
            String datasheetSha256) {
    }

    private final DataSource dataSource;

    public ExportAudit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void record(Entry entry) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into export_audit (exported_at, os_user, "
                     + "host, filters, counts, output_path, datasheet_sha256) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, java.sql.Timestamp.from(entry.at()));
            insert.setString(2, entry.osUser());
            insert.setString(3, entry.host());
            insert.setString(4, entry.filters());
            insert.setString(5, entry.counts());
            insert.setString(6, entry.outputPath());
            insert.setString(7, entry.datasheetSha256());
            insert.executeUpdate();
        }
    }

    /** Every export, oldest first. */
    public List<Entry> list() throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("select * from export_audit order by id")) {
            while (row.next()) {
                entries.add(new Entry(row.getTimestamp("exported_at").toInstant(), row.getString("os_user"),
                        row.getString("host"), row.getString("filters"), row.getString("counts"),
                        row.getString("output_path"), row.getString("datasheet_sha256")));
            }
        }
        return entries;
    }
}
