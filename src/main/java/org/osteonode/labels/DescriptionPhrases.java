package org.osteonode.labels;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.osteonode.labels.BodyPart.*;

/**
 * Words and phrases of free-text descriptions (Protocol Name, Series and Study Description, and Body Part
 * Examined values that are not defined terms) that name a body part: English, and the common German,
 * Dutch and French radiology terms. They are matched against whole words of the cleaned descriptor, so
 * every word here must be on the descriptor word list, and "CHIP" never matches HIP.
 */
final class DescriptionPhrases {
    private static final int LONGEST_PHRASE = 3;
    private static final Map<String, BodyPart> BODY_PART_BY_PHRASE = new HashMap<>();

    static {
        phrases(LSPINE, "LUMBAR SPINE", "LUMBAR", "L SPINE", "LSPINE", "LS SPINE", "LUMBOSACRAL", "LUMBO SACRAL",
                "LWS", "LENDENWIRBELSAEULE", "LWK", "LOMBAIRE", "RACHIS LOMBAIRE");
        phrases(TSPINE, "THORACIC SPINE", "THORACIC", "T SPINE", "TSPINE", "DORSAL SPINE",
                "BWS", "BRUSTWIRBELSAEULE", "THWK", "RACHIS DORSAL");
        phrases(CSPINE, "CERVICAL SPINE", "CERVICAL", "C SPINE", "CSPINE", "ODONTOID",
                "HWS", "HALSWIRBELSAEULE", "CWK", "RACHIS CERVICAL");
        // Two segments at once, or the whole column: which one an image shows is not known.
        phrases(SPINE, "SPINE", "WHOLE SPINE", "FULL SPINE", "SCOLIOSIS", "THORACOLUMBAR", "THORACO LUMBAR",
                "TL SPINE", "T L SPINE", "CERVICOTHORACIC", "CERVICO THORACIC", "WIRBELSAEULE", "WERVELKOLOM", "RACHIS");
        phrases(SACRUM, "SACRUM", "COCCYX", "SACROCOCCYGEAL", "SACROILIAC", "SACRO ILIAC", "SI JOINT", "SI JOINTS",
                "SIJ", "ISG", "KREUZBEIN", "STEISSBEIN");
        phrases(PELVIS, "PELVIS", "PELVIC", "BECKEN", "BECKENUEBERSICHT", "BEKKEN", "BASSIN");
        // The femoral neck is imaged with hip views; "NECK" alone is the soft tissue neck.
        phrases(HIP, "HIP", "HIPS", "FEMORAL NECK", "NECK OF FEMUR", "HUEFTE", "HUEFTEN", "HUEFTGELENK",
                "HEUP", "HANCHE");
        phrases(FEMUR, "FEMUR", "THIGH", "OBERSCHENKEL");
        phrases(KNEE, "KNEE", "KNEES", "PATELLA", "KNIE", "KNIEGELENK", "GENOU");
        phrases(TIBIA, "TIBIA", "FIBULA", "TIB FIB", "TIBFIB", "LOWER LEG", "UNTERSCHENKEL", "ONDERBEEN", "JAMBE");
        phrases(ANKLE, "ANKLE", "ANKLES", "OSG", "SPRUNGGELENK", "CHEVILLE");
        phrases(FOOT, "FOOT", "FEET", "TOE", "TOES", "FOREFOOT", "CALCANEUS", "FUSS", "VORFUSS", "PIED");
        phrases(SHOULDER, "SHOULDER", "SHOULDERS", "SCAPULA", "ACROMIOCLAVICULAR", "SCHULTER", "SCHOUDER", "EPAULE");
        phrases(HUMERUS, "HUMERUS", "UPPER ARM", "OBERARM", "BOVENARM");
        phrases(ELBOW, "ELBOW", "ELBOWS", "ELLBOGEN", "ELLENBOGEN", "ELLEBOOG", "COUDE");
        phrases(FOREARM, "FOREARM", "RADIUS", "ULNA", "UNTERARM", "ONDERARM", "AVANT BRAS");
        phrases(WRIST, "WRIST", "WRISTS", "SCAPHOID", "CARPUS", "HANDGELENK", "POIGNET");
        // A bone age study is a radiograph of the hand.
        phrases(HAND, "HAND", "HANDS", "FINGER", "FINGERS", "THUMB", "BONE AGE", "DAUMEN");
        phrases(CHEST, "CHEST", "CXR", "THORAX", "LUNGS", "TORAX");
        phrases(ABDOMEN, "ABDOMEN", "ABDOMINAL", "KUB");
        phrases(SKULL, "SKULL", "CRANIUM", "SCHAEDEL", "SCHEDEL");
        // Not "FACE": in French it is the frontal view ("EPAULE FACE PROFIL").
        phrases(FACE, "FACIAL BONES", "FACIAL", "SINUS", "SINUSES", "PARANASAL", "MANDIBLE", "MAXILLA",
                "ORBIT", "ORBITS", "NASAL BONE", "NASAL BONES", "ZYGOMA", "ZYGOMATIC", "TMJ", "NNH",
                "GESICHTSSCHAEDEL", "UNTERKIEFER");
        phrases(NECK, "NECK");
        phrases(CLAVICLE, "CLAVICLE", "CLAVICLES", "CLAVICULA", "KLAVIKULA", "STERNOCLAVICULAR", "SCHLUESSELBEIN");
        phrases(RIBS, "RIB", "RIBS", "RIPPE", "RIPPEN");
        phrases(BREAST, "BREAST", "BREASTS", "MAMMO", "MAMMOGRAM", "MAMMOGRAPHY", "MAMMOGRAPHIE");
    }

    private DescriptionPhrases() {
    }

    /**
     * Every body part the words name. At each word the longest phrase wins, so "NECK OF FEMUR" is HIP,
     * not NECK and FEMUR, and "LUMBAR SPINE" is LSPINE alone, not LSPINE and SPINE.
     */
    static Set<BodyPart> bodyParts(List<String> words) {
        Set<BodyPart> found = EnumSet.noneOf(BodyPart.class);
        int i = 0;
        while (i < words.size()) {
            int matched = 0;
            for (int length = Math.min(LONGEST_PHRASE, words.size() - i); length > 0 && matched == 0; length--) {
                BodyPart bodyPart = BODY_PART_BY_PHRASE.get(String.join(" ", words.subList(i, i + length)));
                if (bodyPart != null) {
                    found.add(bodyPart);
                    matched = length;
                }
            }
            i += Math.max(matched, 1);
        }
        return found;
    }

    /** All phrases, for tests that check each one against the descriptor word list. */
    static Map<String, BodyPart> all() {
        return Map.copyOf(BODY_PART_BY_PHRASE);
    }

    private static void phrases(BodyPart bodyPart, String... phrases) {
        for (String phrase : phrases) {
            if (phrase.split(" ").length > LONGEST_PHRASE || BODY_PART_BY_PHRASE.put(phrase, bodyPart) != null) {
                throw new IllegalStateException("phrase '" + phrase + "' is too long or listed twice");
            }
        }
    }
}
