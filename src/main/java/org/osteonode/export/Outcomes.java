package org.osteonode.export;

import org.osteonode.labels.DxaMeasurement;
import org.osteonode.labels.DxaSite;
import org.osteonode.labels.ProxyLabels;

import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins each image to its patient's DXA result nearest in time: both dates are shifted by the same per-patient
 * offset, so the days between them are the true days.
 */
public final class Outcomes {
    private Outcomes() {
    }

    /**
     * An image's outcome label.
     *
     * @param daysFromImage the DXA's date minus the image's study date (positive: the DXA came after)
     */
    public record Outcome(long daysFromImage, DxaSite site, double tScore) {
        /** WHO: osteoporosis at T ≤ -2.5, osteopenia at -2.5 < T < -1, else normal. */
        public String whoLabel() {
            return DxaMeasurement.whoLabel(tScore);
        }
    }

    /**
     * For each image (by SOP Instance key) that has a study date, the DXA measurement of its patient nearest to it
     * within {@code windowDays}: the nearest date (the earlier of two equally near), and of the sites measured that
     * day the lowest T-score, as ISCD classifies (lumbar spine, total hip, femoral neck). Images without one are
     * absent from the map.
     */
    public static Map<String, Outcome> nearest(List<ProxyLabels> images, Map<String, List<DxaMeasurement>> byPatient,
            int windowDays) {
        Map<String, Outcome> outcomes = new HashMap<>();
        for (ProxyLabels image : images) {
            List<DxaMeasurement> measurements = byPatient.get(image.patientKey());
            if (measurements == null || image.shiftedStudyDate() == null) {
                continue;
            }
            Comparator<DxaMeasurement> nearestFirst = Comparator
                    .comparingLong((DxaMeasurement m) -> Math.abs(days(image, m)))
                    .thenComparing(DxaMeasurement::measuredOn)
                    .thenComparingDouble(DxaMeasurement::tScore);
            measurements.stream()
                    .filter(m -> Math.abs(days(image, m)) <= windowDays)
                    .min(nearestFirst)
                    .ifPresent(m -> outcomes.put(image.sopInstanceKey(), new Outcome(days(image, m), m.site(), m.tScore())));
        }
        return outcomes;
    }

    private static long days(ProxyLabels image, DxaMeasurement measurement) {
        return ChronoUnit.DAYS.between(image.shiftedStudyDate(), measurement.measuredOn());
    }
}
