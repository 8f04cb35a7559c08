package org.osteonode.labels;

import org.osteonode.csv.CsvLine;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A file of DXA results as a RIS exports them, one measurement per row, identified: {@code issuer_of_patient_id,
 * patient_id, measurement_date, site, t_score} and optionally {@code z_score, bmd} (g/cm²), with that header, in any
 * column order (RFC 4180 quoting). Every row is checked; a problem is reported by its line and reason, never with a
 * value from the file (a misaligned row would otherwise print a name or an ID).
 */
public final class DxaCsv {
    private static final List<String> REQUIRED = List.of("issuer_of_patient_id", "patient_id", "measurement_date",
            "site", "t_score");
    private static final List<String> OPTIONAL = List.of("z_score", "bmd");
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private DxaCsv() {
    }

    /** A measurement as the file gives it, identified. */
    public record Row(int line, String issuerOfPatientId, String patientId, LocalDate measuredOn, DxaSite site,
            double tScore, Double zScore, Double bmd) {
    }

    public record Problem(int line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    public record Parsed(List<Row> rows, List<Problem> problems) {
    }

    /** Every row of {@code lines} (the first is the header), good ones and problems. */
    public static Parsed parse(List<String> lines, LocalDate today) {
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (lines.isEmpty()) {
            problems.add(new Problem(1, "the file is empty: the first line must be the header"));
            return new Parsed(rows, problems);
        }
        Map<String, Integer> column = new HashMap<>();
        List<String> header = CsvLine.fields(lines.get(0).replace("\uFEFF", ""));
        for (int i = 0; i < header.size(); i++) {
            column.put(header.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        for (String name : REQUIRED) {
            if (!column.containsKey(name)) {
                problems.add(new Problem(1, "the header has no column " + name + " (it needs " + String.join(", ",
                        REQUIRED) + "; optional: " + String.join(", ", OPTIONAL) + ")"));
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed(rows, problems);
        }
        Map<String, Row> seen = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            int line = i + 1;
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> fields = CsvLine.fields(lines.get(i));
            if (fields.size() != header.size()) {
                problems.add(new Problem(line, "has " + fields.size() + " fields, the header has " + header.size()));
                continue;
            }
            List<String> reasons = new ArrayList<>();
            String issuer = fields.get(column.get("issuer_of_patient_id")).strip();
            String patientId = fields.get(column.get("patient_id")).strip();
            if (patientId.isEmpty()) {
                reasons.add("patient_id is empty");
            }
            LocalDate date = date(fields.get(column.get("measurement_date")), today, reasons);
            Optional<DxaSite> site = DxaSite.parse(fields.get(column.get("site")));
            if (site.isEmpty()) {
                reasons.add("site is not one of lumbar spine, total hip, femoral neck");
            }
            Double t = number(fields.get(column.get("t_score")), "t_score", -10, 10, true, reasons);
            Double z = column.containsKey("z_score")
                    ? number(fields.get(column.get("z_score")), "z_score", -10, 10, false, reasons) : null;
            Double bmd = column.containsKey("bmd")
                    ? number(fields.get(column.get("bmd")), "bmd", 0.01, 3, false, reasons) : null;
            if (!reasons.isEmpty()) {
                problems.add(new Problem(line, String.join("; ", reasons)));
                continue;
            }
            Row row = new Row(line, issuer, patientId, date, site.get(), t, z, bmd);
            Row earlier = seen.putIfAbsent(issuer + "\u0000" + patientId + "\u0000" + date + "\u0000" + site.get(), row);
            if (earlier != null && !sameValues(earlier, row)) {
                problems.add(new Problem(line, "repeats the patient, date and site of line " + earlier.line()
                        + " with other values"));
            } else if (earlier == null) {
                rows.add(row);
            }
        }
        return new Parsed(rows, problems);
    }

    private static boolean sameValues(Row a, Row b) {
        return a.tScore() == b.tScore() && java.util.Objects.equals(a.zScore(), b.zScore())
                && java.util.Objects.equals(a.bmd(), b.bmd());
    }

    private static LocalDate date(String text, LocalDate today, List<String> reasons) {
        String value = text.strip();
        try {
            LocalDate date = value.contains("-") ? LocalDate.parse(value) : LocalDate.parse(value, DA);
            if (date.isAfter(today)) {
                reasons.add("measurement_date is in the future");
            }
            return date;
        } catch (DateTimeParseException e) {
            reasons.add("measurement_date is not a date (YYYY-MM-DD or YYYYMMDD)");
            return null;
        }
    }

    private static Double number(String text, String name, double min, double max, boolean required,
            List<String> reasons) {
        String value = text.strip();
        if (value.isEmpty()) {
            if (required) {
                reasons.add(name + " is empty");
            }
            return null;
        }
        try {
            double number = Double.parseDouble(value.replace(',', '.'));
            if (!(number >= min && number <= max)) {
                reasons.add(name + " is outside " + min + ".." + max);
                return null;
            }
            return number;
        } catch (NumberFormatException e) {
            reasons.add(name + " is not a number");
            return null;
        }
    }
}
