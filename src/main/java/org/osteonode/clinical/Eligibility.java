package org.osteonode.clinical;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.config.ConfigException;
import org.osteonode.labels.BodyPart;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Which images the osteoporosis model may see: CR, or DX for presentation (for-processing DX are raw detector
 * data the model was not made for), of a body part in {@code osteonode.clinical.body-parts}, of a study no older
 * than {@code osteonode.clinical.max-study-age-days} (a backfill of old studies must not flood the PACS with
 * reports nobody asked for; the research path archives them all the same).
 */
public final class Eligibility {
    private final Set<BodyPart> bodyParts;
    private final int maxStudyAgeDays;
    private final Clock clock;

    /** The body parts named by {@code osteonode.clinical.body-parts}. */
    public static Set<BodyPart> screened(Set<String> names) {
        Set<BodyPart> parts = new java.util.LinkedHashSet<>();
        for (String name : names) {
            try {
                parts.add(BodyPart.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("osteonode.clinical.body-parts",
                        "'" + name + "' is not a body part of docs/body-part-vocabulary.md");
            }
        }
        return Set.copyOf(parts);
    }

    /** @param maxStudyAgeDays 0 for any age */
    public Eligibility(Set<BodyPart> bodyParts, int maxStudyAgeDays, Clock clock) {
        this.bodyParts = bodyParts;
        this.maxStudyAgeDays = maxStudyAgeDays;
        this.clock = clock;
    }

    /** @return why the model may not see the image (also the metric tag); empty when it may */
    public Optional<String> refusal(AttributeList header, BodyPart bodyPart) {
        return Optional.ofNullable(reason(header, bodyPart));
    }

    private String reason(AttributeList header, BodyPart bodyPart) {
        String modality = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.Modality).trim();
        String sopClass = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID).trim();
        if (!modality.equals("CR") && !modality.equals("DX")) {
            return "not-cr-or-dx";
        }
        String intent = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.PresentationIntentType).trim();
        if (sopClass.equals(SOPClass.DigitalXRayImageStorageForProcessing) || intent.equals("FOR PROCESSING")) {
            return "for-processing";
        }
        if (!bodyParts.contains(bodyPart)) {
            return "body-part";
        }
        if (tooOld(Attribute.getSingleStringValueOrEmptyString(header, TagFromName.StudyDate).trim())) {
            return "too-old";
        }
        return null;
    }

    /** A study without a readable Study Date is not too old: nothing says so. */
    private boolean tooOld(String studyDate) {
        if (maxStudyAgeDays == 0 || studyDate.isEmpty()) {
            return false;
        }
        try {
            LocalDate date = LocalDate.parse(studyDate, DateTimeFormatter.BASIC_ISO_DATE);
            return date.isBefore(LocalDate.now(clock).minusDays(maxStudyAgeDays));
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
