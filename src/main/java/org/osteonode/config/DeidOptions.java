package org.osteonode.config;

import java.util.Set;

/**
 * The PS3.15 Annex E options osteonode applies on top of the Basic Application Level Confidentiality
 * Profile, and its own policy for objects that may carry burned-in text.
 *
 * @param quarantineModalities modalities whose pixels usually carry burned-in identifying text (US, SC, OT)
 * @param maxDateShiftDays     dates move back by 1 to this many days, one offset per patient
 */
public record DeidOptions(
        boolean retainPatientCharacteristics,
        boolean retainLongitudinalModifiedDates,
        boolean cleanDescriptors,
        boolean retainDeviceIdentity,
        boolean retainInstitutionIdentity,
        boolean retainUids,
        boolean retainSafePrivate,
        Set<String> quarantineModalities,
        int maxDateShiftDays) {

    /** The research path's defaults (issue 3): what the proxy labels need, nothing more. */
    public static DeidOptions defaults() {
        return new DeidOptions(true, true, true, false, false, false, false, Set.of("US", "SC", "OT"), 365);
    }
}
