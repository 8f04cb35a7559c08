package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import java.util.ArrayList;
import java.util.List;

/** PS3.16 CID 7050 De-identification Method codes (DCM) for the profile and each option applied. */
public enum DeidentificationMethod {
    BASIC_PROFILE("113100", "Basic Application Confidentiality Profile"),
    CLEAN_DESCRIPTORS("113105", "Clean Descriptors Option"),
    RETAIN_MODIFIED_DATES("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
    RETAIN_PATIENT_CHARACTERISTICS("113108", "Retain Patient Characteristics Option"),
    RETAIN_DEVICE_IDENTITY("113109", "Retain Device Identity Option"),
    RETAIN_UIDS("113110", "Retain UIDs Option"),
    RETAIN_SAFE_PRIVATE("113111", "Retain Safe Private Option"),
    RETAIN_INSTITUTION_IDENTITY("113112", "Retain Institution Identity Option");

    private final String code;
    private final String meaning;

    DeidentificationMethod(String code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static List<DeidentificationMethod> applied(DeidOptions options) {
        List<DeidentificationMethod> applied = new ArrayList<>(List.of(BASIC_PROFILE));
        if (options.cleanDescriptors()) {
            applied.add(CLEAN_DESCRIPTORS);
        }
        if (options.retainLongitudinalModifiedDates()) {
            applied.add(RETAIN_MODIFIED_DATES);
        }
        if (options.retainPatientCharacteristics()) {
            applied.add(RETAIN_PATIENT_CHARACTERISTICS);
        }
        if (options.retainDeviceIdentity()) {
            applied.add(RETAIN_DEVICE_IDENTITY);
        }
        if (options.retainUids()) {
            applied.add(RETAIN_UIDS);
        }
        if (options.retainSafePrivate()) {
            applied.add(RETAIN_SAFE_PRIVATE);
        }
        if (options.retainInstitutionIdentity()) {
            applied.add(RETAIN_INSTITUTION_IDENTITY);
        }
        return applied;
    }
}
