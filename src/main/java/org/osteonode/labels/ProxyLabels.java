package org.osteonode.labels;

import java.time.LocalDate;

/**
 * The easy labels of one archived image, for pre-training on anatomy before pathology. Every field is
 * free of PHI: keys are pseudonyms, the age is capped at 90, the study date is shifted, free-text hints
 * have been through the descriptor cleaner. Null means the object did not say.
 */
public record ProxyLabels(
        String sopInstanceKey,
        String seriesKey,
        String studyKey,
        String patientKey,
        String modality,
        String sopClassUid,
        BodyPart bodyPart,
        String bodyPartSource,
        String bodyPartHints,
        Integer ageYears,
        String ageBand,
        String sex,
        String viewPosition,
        String laterality,
        String manufacturer,
        String model,
        int rows,
        int columns,
        Double pixelSpacingRowMm,
        Double pixelSpacingColumnMm,
        int bitsStored,
        String photometricInterpretation,
        LocalDate shiftedStudyDate) {
}
