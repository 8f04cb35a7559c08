package org.osteonode.labels;

import java.util.List;

/**
 * What a radiograph's header says about the body part imaged. The descriptions are free text and may
 * hold identifiers; this record is an input only and is never stored as it is.
 *
 * @param bodyPartExamined  Body Part Examined (0018,0015), a code string
 * @param anatomicRegions   the items of the Anatomic Region Sequence (0008,2218)
 * @param protocolName      Protocol Name (0018,1030)
 * @param seriesDescription Series Description (0008,103E)
 * @param studyDescription  Study Description (0008,1030)
 * @param viewPosition      View Position (0018,5101); it names the projection, not the anatomy, so it
 *                          only appears in the hints of an undecided body part
 */
public record BodyPartHints(
        String bodyPartExamined,
        List<CodedConcept> anatomicRegions,
        String protocolName,
        String seriesDescription,
        String studyDescription,
        String viewPosition) {

    public BodyPartHints {
        bodyPartExamined = orEmpty(bodyPartExamined);
        anatomicRegions = anatomicRegions == null ? List.of() : List.copyOf(anatomicRegions);
        protocolName = orEmpty(protocolName);
        seriesDescription = orEmpty(seriesDescription);
        studyDescription = orEmpty(studyDescription);
        viewPosition = orEmpty(viewPosition);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Descriptions may hold identifiers: none of the text appears here, so the record is safe in logs. */
    @Override
    public String toString() {
        return "BodyPartHints[anatomicRegions=" + anatomicRegions.size() + "]";
    }
}
