package org.osteonode.deid;

import com.pixelmed.dicom.AttributeList;

/**
 * A de-identified object and the pseudonymous keys it is filed under.
 *
 * @param dateShiftDays how far this patient's dates moved back (never stored: it would undo the shift)
 */
public record DeidentifiedObject(AttributeList attributes, String patientKey, String studyKey, String seriesKey,
        String sopInstanceKey, int dateShiftDays) {
}
