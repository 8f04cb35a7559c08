package org.osteonode.export;

import org.osteonode.labels.ProxyLabels;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * k-anonymity of a training set over its quasi-identifiers: age band × sex × manufacturer × model × shifted
 * study year. k is the size of the smallest group of rows that share them; rows in groups smaller than
 * {@code minK} are the ones a linkage attack could single out.
 *
 * @param k                the smallest group size (0 for no rows)
 * @param rowsBelowMinK    rows in groups smaller than {@code minK}
 * @param groupsBelowMinK  how many such groups
 */
public record ReidentificationRisk(int k, int minK, int rowsBelowMinK, int groupsBelowMinK) {
    public static final List<String> QUASI_IDENTIFIERS =
            List.of("age_band", "sex", "manufacturer", "model", "study_year_shifted");

    public static ReidentificationRisk of(List<ProxyLabels> rows, int minK) {
        Map<String, Integer> groups = groupSizes(rows);
        int k = groups.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int rowsBelow = 0;
        int groupsBelow = 0;
        for (int size : groups.values()) {
            if (size < minK) {
                rowsBelow += size;
                groupsBelow++;
            }
        }
        return new ReidentificationRisk(k, minK, rowsBelow, groupsBelow);
    }

    /** The rows of groups of at least {@code minK}: what {@code --suppress-below-k} keeps. */
    public static List<ProxyLabels> withoutGroupsBelow(List<ProxyLabels> rows, int minK) {
        Map<String, Integer> groups = groupSizes(rows);
        return rows.stream().filter(row -> groups.get(group(row)) >= minK).toList();
    }

    private static Map<String, Integer> groupSizes(List<ProxyLabels> rows) {
        Map<String, Integer> sizes = new HashMap<>();
        for (ProxyLabels row : rows) {
            sizes.merge(group(row), 1, Integer::sum);
        }
        return sizes;
    }

    /** The quasi-identifiers of a row; a missing value is a value of its own. */
    static String group(ProxyLabels row) {
        return String.join("\u0000", String.valueOf(row.ageBand()), String.valueOf(row.sex()),
                String.valueOf(row.manufacturer()), String.valueOf(row.model()),
                row.shiftedStudyDate() == null ? "null" : Integer.toString(row.shiftedStudyDate().getYear()));
    }
}
