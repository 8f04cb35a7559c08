package org.osteonode.deid;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Moves DA and DT values back by a whole number of days (Retain Longitudinal Temporal Information with
 * Modified Dates): intervals within one patient are preserved, times of day and DT time zones kept.
 * A value that cannot be read as a date is not kept: {@code null} tells the caller to empty it.
 */
public final class DateShifter {
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private final int daysBack;

    public DateShifter(int daysBack) {
        this.daysBack = daysBack;
    }

    public int daysBack() {
        return daysBack;
    }

    /** DA: YYYYMMDD (also the retired YYYY.MM.DD). */
    public String shiftDate(String value) {
        String digits = value.trim().replace(".", "");
        if (digits.length() != 8) {
            return null;
        }
        try {
            return LocalDate.parse(digits, DA).minusDays(daysBack).format(DA);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * DT: YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]. The date part moves; a partial date (YYYY or YYYYMM) is
     * shifted from its first day and keeps its precision; the time and the offset suffix stay as they are.
     */
    public String shiftDateTime(String value) {
        String trimmed = value.trim();
        int zone = Math.max(trimmed.indexOf('+'), trimmed.indexOf('-'));
        String dateTime = zone >= 0 ? trimmed.substring(0, zone) : trimmed;
        String suffix = zone >= 0 ? trimmed.substring(zone) : "";
        if (dateTime.length() < 4 || !dateTime.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return null;
        }
        int precision = Math.min(dateTime.length(), 8);
        if (precision != 4 && precision != 6 && precision != 8) {
            return null;
        }
        String shifted = shiftDate(padToFullDate(dateTime.substring(0, precision)));
        if (shifted == null) {
            return null;
        }
        return shifted.substring(0, precision) + dateTime.substring(precision) + suffix;
    }

    private static String padToFullDate(String partial) {
        return switch (partial.length()) {
            case 4 -> partial + "0101";
            case 6 -> partial + "01";
            default -> partial;
        };
    }
}
