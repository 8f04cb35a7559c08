package org.osteonode.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Looks for identifiers in every cell of every table of a PostgreSQL schema: the identifiers themselves (any
 * letter case, "^" also as a space) and what an unkeyed hash of them would look like in a key column (the
 * first 64 bits of SHA-256, SHA-1 or MD5 as hex, and a {@code 2.25.} UID of the first 128 bits), so that a
 * key computed without the site secret is found as surely as a raw one.
 */
public final class DatabaseScan {
    private DatabaseScan() {
    }

    /** The hash-derived forms of a value that an unkeyed pseudonym would take. */
    public static Set<String> unkeyedForms(String value) {
        Set<String> forms = new LinkedHashSet<>();
        for (String algorithm : List.of("SHA-256", "SHA-1", "MD5")) {
            byte[] digest = digest(algorithm, value);
            forms.add(HexFormat.of().formatHex(digest, 0, 8));
            forms.add("2.25." + new BigInteger(1, Arrays.copyOf(digest, 16)));
        }
        return forms;
    }

    /**
     * Every "table.column: needle" where a cell contains a needle (case-insensitive).
     *
     * @param needles values to look for; none may be blank
     */
    public static List<String> find(Connection connection, String schema, Set<String> needles) throws SQLException {
        List<String> originals = new ArrayList<>(needles);
        List<String> upperNeedles = new ArrayList<>();
        for (String needle : originals) {
            if (needle.isBlank()) {
                throw new IllegalArgumentException("a blank needle would be found everywhere");
            }
            upperNeedles.add(needle.toUpperCase(Locale.ROOT));
        }
        List<String> hits = new ArrayList<>();
        for (String table : tables(connection, schema)) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select * from " + schema + "." + table)) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    for (int c = 1; c <= columns; c++) {
                        String cell = rows.getString(c);
                        if (cell == null) {
                            continue;
                        }
                        String upper = cell.toUpperCase(Locale.ROOT);
                        for (int n = 0; n < upperNeedles.size(); n++) {
                            String needle = upperNeedles.get(n);
                            if (upper.contains(needle) || upper.contains(needle.replace('^', ' '))) {
                                hits.add(table + "." + rows.getMetaData().getColumnName(c) + ": "
                                        + originals.get(n));
                            }
                        }
                    }
                }
            }
        }
        return hits;
    }

    public static List<String> tables(Connection connection, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    private static byte[] digest(String algorithm, String value) {
        try {
            return MessageDigest.getInstance(algorithm).digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
