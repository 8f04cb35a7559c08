package org.osteonode.labels;

import org.osteonode.deid.PatientAge;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.deid.DeidentifiedObject;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the proxy labels of an image: what needs identified data (age from the birth date, body part from
 * descriptions) is read before de-identification, the keys and shifted date after it.
 */
public final class LabelExtractor {
    private static final Set<String> SEXES = Set.of("M", "F", "O");

    private final BodyPartNormalizer bodyParts;

    public LabelExtractor(BodyPartNormalizer bodyParts) {
        this.bodyParts = bodyParts;
    }

    /** What the original object says, read before it is de-identified. */
    public Observed observe(AttributeList original) {
        OptionalInt age = PatientAge.years(original);
        String sex = value(original, TagFromName.PatientSex).toUpperCase();
        String laterality = value(original, TagFromName.ImageLaterality);
        double[] spacing = spacing(original);
        return new Observed(
                bodyParts.normalize(hints(original)),
                age.isPresent() ? Math.min(age.getAsInt(), PatientAge.OLDEST_REPORTED) : null,
                SEXES.contains(sex) ? sex : null,
                emptyToNull(value(original, TagFromName.ViewPosition)),
                emptyToNull(laterality.isEmpty() ? value(original, TagFromName.Laterality) : laterality),
                emptyToNull(value(original, TagFromName.Manufacturer)),
                emptyToNull(value(original, TagFromName.ManufacturerModelName)),
                Attribute.getSingleIntegerValueOrDefault(original, TagFromName.Rows, 0),
                Attribute.getSingleIntegerValueOrDefault(original, TagFromName.Columns, 0),
                spacing == null ? null : spacing[0],
                spacing == null ? null : spacing[1],
                Attribute.getSingleIntegerValueOrDefault(original, TagFromName.BitsStored, 0),
                emptyToNull(value(original, TagFromName.PhotometricInterpretation)),
                value(original, TagFromName.Modality),
                value(original, TagFromName.SOPClassUID));
    }

    /** Labels read from an original object, waiting for the pseudonymous keys of its de-identified twin. */
    public record Observed(BodyPartDecision bodyPart, Integer ageYears, String sex, String viewPosition,
            String laterality, String manufacturer, String model, int rows, int columns, Double spacingRow,
            Double spacingColumn, int bitsStored, String photometric, String modality, String sopClassUid) {

        public ProxyLabels labels(DeidentifiedObject deidentified) {
            return new ProxyLabels(deidentified.sopInstanceKey(), deidentified.seriesKey(), deidentified.studyKey(),
                    deidentified.patientKey(), modality, sopClassUid, bodyPart.bodyPart(), bodyPart.source(),
                    emptyToNull(bodyPart.hints()), ageYears, ageYears == null ? null : PatientAge.band(ageYears), sex, viewPosition,
                    laterality, manufacturer, model, rows, columns, spacingRow, spacingColumn, bitsStored, photometric,
                    date(value(deidentified.attributes(), TagFromName.StudyDate)));
        }
    }

    /** What an object's header says about its anatomy, for {@link BodyPartNormalizer}. */
    public static BodyPartHints hints(AttributeList list) {
        List<CodedConcept> regions = new ArrayList<>();
        if (list.get(TagFromName.AnatomicRegionSequence) instanceof SequenceAttribute sequence) {
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                AttributeList item = sequence.getItem(i).getAttributeList();
                regions.add(new CodedConcept(value(item, TagFromName.CodeValue),
                        value(item, TagFromName.CodingSchemeDesignator), value(item, TagFromName.CodeMeaning)));
            }
        }
        return new BodyPartHints(value(list, TagFromName.BodyPartExamined), regions,
                value(list, TagFromName.ProtocolName), value(list, TagFromName.SeriesDescription),
                value(list, TagFromName.StudyDescription), value(list, TagFromName.ViewPosition));
    }

    /** Pixel Spacing, or for projection radiographs without it, Imager Pixel Spacing (row, column in mm). */
    private static double[] spacing(AttributeList list) {
        for (AttributeTag tag : List.of(TagFromName.PixelSpacing, TagFromName.ImagerPixelSpacing)) {
            double[] values = Attribute.getDoubleValues(list, tag);
            if (values != null && values.length == 2) {
                return values;
            }
        }
        return null;
    }

    private static LocalDate date(String value) {
        try {
            return value.length() == 8 ? LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
