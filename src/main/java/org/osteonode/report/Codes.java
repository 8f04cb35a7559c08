package org.osteonode.report;

import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;

/**
 * The coded concepts of the osteoporosis report: DICOM (DCM, PS3.16 Annex D), SNOMED CT (SCT), UCUM, and
 * osteonode's own private scheme {@value #PRIVATE_SCHEME} where the standard has no concept (declared in the
 * report's Coding Scheme Identification Sequence).
 */
public final class Codes {
    public static final String PRIVATE_SCHEME = "99OSTEONODE";

    static final CodedSequenceItem MEASUREMENT_REPORT = code("126000", "DCM", "Imaging Measurement Report");
    static final CodedSequenceItem LANGUAGE = code("121049", "DCM", "Language of Content Item and Descendants");
    static final CodedSequenceItem ENGLISH = code("eng", "RFC5646", "English");
    static final CodedSequenceItem COUNTRY_OF_LANGUAGE = code("121046", "DCM", "Country of Language");
    static final CodedSequenceItem UNITED_STATES = code("US", "ISO3166_1", "United States");
    static final CodedSequenceItem OBSERVER_TYPE = code("121005", "DCM", "Observer Type");
    static final CodedSequenceItem DEVICE = code("121007", "DCM", "Device");
    static final CodedSequenceItem DEVICE_OBSERVER_UID = code("121012", "DCM", "Device Observer UID");
    static final CodedSequenceItem DEVICE_OBSERVER_NAME = code("121013", "DCM", "Device Observer Name");
    static final CodedSequenceItem DEVICE_OBSERVER_MANUFACTURER = code("121014", "DCM", "Device Observer Manufacturer");
    static final CodedSequenceItem DEVICE_OBSERVER_MODEL_NAME = code("121015", "DCM", "Device Observer Model Name");
    static final CodedSequenceItem PROCEDURE_REPORTED = code("121058", "DCM", "Procedure reported");
    static final CodedSequenceItem IMAGING_PROCEDURE = code("363679005", "SCT", "Imaging procedure");
    static final CodedSequenceItem IMAGE_LIBRARY = code("111028", "DCM", "Image Library");
    static final CodedSequenceItem IMAGE_LIBRARY_GROUP = code("126200", "DCM", "Image Library Group");
    static final CodedSequenceItem IMAGING_MEASUREMENTS = code("126010", "DCM", "Imaging Measurements");
    static final CodedSequenceItem MEASUREMENT_GROUP = code("125007", "DCM", "Measurement Group");
    static final CodedSequenceItem TRACKING_IDENTIFIER = code("112039", "DCM", "Tracking Identifier");
    static final CodedSequenceItem TRACKING_UID = code("112040", "DCM", "Tracking Unique Identifier");
    static final CodedSequenceItem FINDING = code("121071", "DCM", "Finding");
    static final CodedSequenceItem OSTEOPOROSIS = code("64859006", "SCT", "Osteoporosis");
    static final CodedSequenceItem FINDING_SITE = code("363698007", "SCT", "Finding Site");
    static final CodedSequenceItem ALGORITHM_NAME = code("111001", "DCM", "Algorithm Name");
    static final CodedSequenceItem ALGORITHM_VERSION = code("111003", "DCM", "Algorithm Version");
    static final CodedSequenceItem SOURCE_OF_MEASUREMENT = code("121112", "DCM", "Source of Measurement");
    static final CodedSequenceItem NO_UNITS = code("1", "UCUM", "no units");
    static final CodedSequenceItem PROCESSING_EQUIPMENT = code("109102", "DCM", "Processing Equipment");
    static final CodedSequenceItem PROBABILITY_OF_OSTEOPOROSIS =
            code("OSTEOPOROSIS-P", PRIVATE_SCHEME, "Probability of osteoporosis");
    static final CodedSequenceItem OSTEOPOROSIS_ASSESSMENT =
            code("OSTEOPOROSIS-A", PRIVATE_SCHEME, "Osteoporosis assessment");
    static final CodedSequenceItem OSTEOPOROSIS_LIKELY = code("OSTEOPOROSIS-L", PRIVATE_SCHEME, "Osteoporosis likely");
    static final CodedSequenceItem OSTEOPOROSIS_UNLIKELY =
            code("OSTEOPOROSIS-U", PRIVATE_SCHEME, "Osteoporosis unlikely");

    /** The anatomy the clinical path screens, as SNOMED CT finding sites (PS3.16 CID 4031). */
    public enum Anatomy {
        LSPINE("122496007", "Lumbar spine"),
        TSPINE("122495006", "Thoracic spine"),
        PELVIS("816092008", "Pelvis"),
        HIP("24136001", "Hip joint");

        private final CodedSequenceItem code;

        Anatomy(String value, String meaning) {
            this.code = Codes.code(value, "SCT", meaning);
        }

        CodedSequenceItem code() {
            return code;
        }

        /** The finding site of a screened body part, or null for one this enum does not code. */
        public static Anatomy of(org.osteonode.labels.BodyPart bodyPart) {
            for (Anatomy anatomy : values()) {
                if (anatomy.name().equals(bodyPart.name())) {
                    return anatomy;
                }
            }
            return null;
        }
    }

    private Codes() {
    }

    static CodedSequenceItem code(String value, String scheme, String meaning) {
        try {
            return new CodedSequenceItem(value, scheme, meaning);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }
}
