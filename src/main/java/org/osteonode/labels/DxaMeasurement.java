package org.osteonode.labels;

import java.time.LocalDate;

/**
 * One DXA result of a patient, as stored: the date already moved back by the patient's date shift.
 *
 * @param zScore null when the file gave none
 * @param bmd    bone mineral density in g/cm², null when the file gave none
 */
public record DxaMeasurement(LocalDate measuredOn, DxaSite site, double tScore, Double zScore, Double bmd) {

    /** The WHO classification of a T-score: osteoporosis at or below -2.5, osteopenia below -1, else normal. */
    public static String whoLabel(double tScore) {
        if (tScore <= -2.5) {
            return "osteoporosis";
        }
        return tScore < -1.0 ? "osteopenia" : "normal";
    }
}
