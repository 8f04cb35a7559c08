package org.osteonode.labels;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;
import static org.osteonode.labels.BodyPart.*;

/**
 * Body Part Examined (0018,0015) defined terms (PS3.16 Annex L) that name one body part. Terms for regions
 * that span several body parts (EXTREMITY, CHESTABDOMEN, ...) are left out on purpose.
 */
final class BodyPartExaminedTerms {
    private static final Map<String, BodyPart> BODY_PART_BY_TERM = Map.ofEntries(
            entry("LSPINE", LSPINE), entry("LSSPINE", LSPINE),
            entry("TSPINE", TSPINE),
            entry("CSPINE", CSPINE),
            entry("SPINE", SPINE), entry("TLSPINE", SPINE), entry("CTSPINE", SPINE),
            entry("SSPINE", SACRUM), entry("SACRUM", SACRUM), entry("COCCYX", SACRUM), entry("SIJOINT", SACRUM),
            entry("PELVIS", PELVIS), entry("ILIUM", PELVIS),
            entry("HIP", HIP),
            entry("FEMUR", FEMUR), entry("THIGH", FEMUR),
            entry("KNEE", KNEE), entry("PATELLA", KNEE),
            // LEG is the pre-Annex L term for the lower leg, still sent by older CR and DX modalities.
            entry("LOWERLEG", TIBIA), entry("LEG", TIBIA), entry("TIBIA", TIBIA), entry("FIBULA", TIBIA),
            entry("TIBIAFIBULA", TIBIA),
            entry("ANKLE", ANKLE),
            entry("FOOT", FOOT), entry("FOREFOOT", FOOT), entry("HINDFOOT", FOOT), entry("TOE", FOOT),
            entry("CALCANEUS", FOOT), entry("TARSUS", FOOT), entry("METATARSUS", FOOT), entry("SESAMOID", FOOT),
            entry("SHOULDER", SHOULDER), entry("SCAPULA", SHOULDER), entry("ACJOINT", SHOULDER),
            entry("HUMERUS", HUMERUS), entry("UPPERARM", HUMERUS),
            entry("ELBOW", ELBOW),
            entry("FOREARM", FOREARM), entry("RADIUS", FOREARM), entry("ULNA", FOREARM), entry("RADIUSULNA", FOREARM),
            entry("WRIST", WRIST), entry("CARPUS", WRIST),
            entry("HAND", HAND), entry("FINGER", HAND), entry("THUMB", HAND), entry("METACARPUS", HAND),
            entry("CHEST", CHEST), entry("THORAX", CHEST),
            entry("ABDOMEN", ABDOMEN),
            entry("SKULL", SKULL), entry("HEAD", SKULL),
            entry("FACE", FACE), entry("JAW", FACE), entry("MANDIBLE", FACE), entry("MAXILLA", FACE),
            entry("ZYGOMA", FACE), entry("ORBIT", FACE), entry("TMJ", FACE),
            entry("NECK", NECK),
            entry("CLAVICLE", CLAVICLE), entry("SCJOINT", CLAVICLE),
            entry("RIB", RIBS),
            entry("BREAST", BREAST));

    private BodyPartExaminedTerms() {
    }

    /**
     * The body part a Body Part Examined value names, compared without separators so that the vendor
     * spellings "L-SPINE", "L SPINE" and "L_SPINE" all find LSPINE.
     */
    static Optional<BodyPart> bodyPart(String bodyPartExamined) {
        String letters = bodyPartExamined.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
        return Optional.ofNullable(BODY_PART_BY_TERM.get(letters));
    }
}
