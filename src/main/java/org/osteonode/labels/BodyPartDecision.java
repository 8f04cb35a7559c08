package org.osteonode.labels;

/**
 * The normalised body part and the header attribute it was read from.
 *
 * @param bodyPart the body part, {@link BodyPart#UNKNOWN} when nothing in the header was conclusive
 * @param source   which attribute decided: one of the constants below
 * @param hints    for {@link BodyPart#UNKNOWN} only, what the header said, built from cleaned descriptors
 *                 (PS3.15 Clean Descriptors) so that it holds no identifiers; empty otherwise
 */
public record BodyPartDecision(BodyPart bodyPart, String source, String hints) {
    public static final String ANATOMIC_REGION_SEQUENCE = "AnatomicRegionSequence";
    public static final String BODY_PART_EXAMINED = "BodyPartExamined";
    public static final String PROTOCOL_NAME = "ProtocolName";
    public static final String SERIES_DESCRIPTION = "SeriesDescription";
    public static final String STUDY_DESCRIPTION = "StudyDescription";
    public static final String NONE = "none";

    static BodyPartDecision decided(BodyPart bodyPart, String source) {
        return new BodyPartDecision(bodyPart, source, "");
    }

    static BodyPartDecision unknown(String cleanedHints) {
        return new BodyPartDecision(BodyPart.UNKNOWN, NONE, cleanedHints);
    }
}
