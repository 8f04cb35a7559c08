package org.osteonode.labels;

import org.osteonode.deid.DescriptorCleaner;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

import static org.osteonode.labels.BodyPart.*;

/**
 * Reads the body part of a radiograph from its header, into the {@link BodyPart} vocabulary.
 * <p>
 * The attributes are asked in this order, and the first that names one body part decides:
 * <ol>
 * <li>Anatomic Region Sequence: a code is exact, and a modality that writes codes chose them.</li>
 * <li>Body Part Examined: a code string from a defined list, though often left at the modality default.</li>
 * <li>Protocol Name: free text, but picked from the modality's protocol list for this acquisition.</li>
 * <li>Series Description: free text describing this series.</li>
 * <li>Study Description: free text describing the order, which may cover several body parts.</li>
 * </ol>
 * An attribute that names two body parts ("KNEE AND ANKLE") decides nothing and the next one is asked;
 * only where one of the two contains the other is a choice made (PELVIS over HIP, LSPINE over SACRUM, a
 * segment over SPINE).
 * Free text is matched after the Clean Descriptors Option, so that what the matching sees, and the hints
 * kept for an undecided image, are the same identifier-free words.
 */
public final class BodyPartNormalizer {
    private final DescriptorCleaner cleaner;

    public BodyPartNormalizer() {
        this(new DescriptorCleaner());
    }

    public BodyPartNormalizer(DescriptorCleaner cleaner) {
        this.cleaner = cleaner;
    }

    public BodyPartDecision normalize(BodyPartHints hints) {
        Optional<BodyPart> coded = oneBodyPart(codedBodyParts(hints.anatomicRegions()));
        if (coded.isPresent()) {
            return BodyPartDecision.decided(coded.get(), BodyPartDecision.ANATOMIC_REGION_SEQUENCE);
        }
        // Vendors also write free text here ("HIP JOINT", "CHEST_PA", "LUMBAR"): read it as a description.
        Optional<BodyPart> examined = BodyPartExaminedTerms.bodyPart(hints.bodyPartExamined())
                .or(() -> described(hints.bodyPartExamined()));
        if (examined.isPresent()) {
            return BodyPartDecision.decided(examined.get(), BodyPartDecision.BODY_PART_EXAMINED);
        }
        Optional<BodyPart> protocol = described(hints.protocolName());
        if (protocol.isPresent()) {
            return BodyPartDecision.decided(protocol.get(), BodyPartDecision.PROTOCOL_NAME);
        }
        Optional<BodyPart> series = described(hints.seriesDescription());
        if (series.isPresent()) {
            return BodyPartDecision.decided(series.get(), BodyPartDecision.SERIES_DESCRIPTION);
        }
        Optional<BodyPart> study = described(hints.studyDescription());
        if (study.isPresent()) {
            return BodyPartDecision.decided(study.get(), BodyPartDecision.STUDY_DESCRIPTION);
        }
        return BodyPartDecision.unknown(cleanedHints(hints));
    }

    private static Set<BodyPart> codedBodyParts(List<CodedConcept> regions) {
        Set<BodyPart> found = EnumSet.noneOf(BodyPart.class);
        for (CodedConcept region : regions) {
            AnatomicRegionCodes.bodyPart(region).ifPresent(found::add);
        }
        return found;
    }

    private Optional<BodyPart> described(String text) {
        String cleaned = cleaner.clean(text);
        if (cleaned.isEmpty()) {
            return Optional.empty();
        }
        return oneBodyPart(DescriptionPhrases.bodyParts(List.of(cleaned.split(" "))));
    }

    /**
     * The body part that one attribute names, if it names one. Where it names two and one contains the
     * other, the choice is made by what the image shows: a view of the pelvis shows both hips, so PELVIS
     * over HIP; a lumbo-sacral study is a lumbar spine study, so LSPINE over SACRUM; the generic SPINE
     * next to a segment ("SPINE: C-SPINE 2 VIEWS") is the segment.
     */
    private static Optional<BodyPart> oneBodyPart(Set<BodyPart> named) {
        Set<BodyPart> parts = EnumSet.noneOf(BodyPart.class);
        parts.addAll(named);
        if (parts.contains(PELVIS)) {
            parts.remove(HIP);
        }
        if (parts.contains(LSPINE)) {
            parts.remove(SACRUM);
        }
        if (parts.contains(LSPINE) || parts.contains(TSPINE) || parts.contains(CSPINE) || parts.contains(SACRUM)) {
            parts.remove(SPINE);
        }
        return parts.size() == 1 ? Optional.of(parts.iterator().next()) : Optional.empty();
    }

    private String cleanedHints(BodyPartHints hints) {
        StringJoiner regionMeanings = new StringJoiner(" ");
        hints.anatomicRegions().forEach(region -> regionMeanings.add(region.codeMeaning()));
        StringJoiner kept = new StringJoiner("; ");
        addCleaned(kept, "region", regionMeanings.toString());
        addCleaned(kept, "BPE", hints.bodyPartExamined());
        addCleaned(kept, "protocol", hints.protocolName());
        addCleaned(kept, "series", hints.seriesDescription());
        addCleaned(kept, "study", hints.studyDescription());
        addCleaned(kept, "view", hints.viewPosition());
        return kept.toString();
    }

    private void addCleaned(StringJoiner kept, String name, String text) {
        String cleaned = cleaner.clean(text);
        if (!cleaned.isEmpty()) {
            kept.add(name + "=" + cleaned);
        }
    }
}
