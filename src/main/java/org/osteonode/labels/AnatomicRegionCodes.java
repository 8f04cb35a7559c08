package org.osteonode.labels;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;
import static org.osteonode.labels.BodyPart.*;

/**
 * The coded anatomic regions that name one body part: SNOMED CT codes (scheme SCT) and the SNOMED-RT
 * codes (scheme SRT) of objects made before DICOM moved to SNOMED CT. Each code is taken from PS3.16
 * CID 4031 "Common Anatomic Region", current or 2019 edition (the 2019 edition had other codes for chest,
 * abdomen, pelvis and the multi-segment spines, and objects made then still carry them), except tibia, radius
 * and ulna, which CID 4031 lacks and which come from CID 7304 "Implant Target Anatomy", and the SNOMED-RT
 * codes the current edition no longer lists (T-D3000, T-D4000, T-D6000, T-D00F7 to T-D00F9), which are as
 * PixelMed's ProjectionXRayAnatomy uses them. Codes for regions that span several body parts (Extremity,
 * Chest and Abdomen, Upper limb, ...) are left out on purpose. docs/body-part-vocabulary.md lists them all.
 */
final class AnatomicRegionCodes {
    private static final Map<String, BodyPart> BODY_PART_BY_CODE = Map.ofEntries(
            sct("122496007", LSPINE), srt("T-11503", LSPINE),   // Lumbar spine
            sct("1217253001", LSPINE), sct("297173004", LSPINE), // Lumbo-sacral spine (current, 2019)
            srt("T-D00F9", LSPINE),                             // Lumbo-sacral spine
            sct("122495006", TSPINE), srt("T-11502", TSPINE),   // Thoracic spine
            sct("122494005", CSPINE), srt("T-11501", CSPINE),   // Cervical spine
            sct("421060004", SPINE), srt("T-D04FF", SPINE),     // Spine
            sct("1217256009", SPINE), sct("297172009", SPINE),  // Thoraco-lumbar spine (current, 2019)
            srt("T-D00F8", SPINE),                              // Thoraco-lumbar spine
            sct("1217257000", SPINE), sct("297171002", SPINE),  // Cervico-thoracic spine (current, 2019)
            srt("T-D00F7", SPINE),                              // Cervico-thoracic spine
            sct("54735007", SACRUM), srt("T-11AD0", SACRUM),    // Sacrum
            sct("1217254007", SACRUM),                          // Sacro-coccygeal spine
            sct("64688005", SACRUM), srt("T-11BF0", SACRUM),    // Coccyx
            sct("39723000", SACRUM), srt("T-15680", SACRUM),    // Sacroiliac joint
            sct("816092008", PELVIS), sct("12921003", PELVIS),  // Pelvis (current, 2019)
            srt("T-D6000", PELVIS),                             // Pelvis
            sct("22356005", PELVIS), srt("T-12340", PELVIS),    // Ilium
            sct("29836001", HIP), srt("T-D2500", HIP),          // Hip ("Hip joint" in the 2019 edition)
            sct("24136001", HIP), srt("T-15710", HIP),          // Hip joint
            sct("71341001", FEMUR), srt("T-12710", FEMUR),      // Femur
            sct("68367000", FEMUR), srt("T-D9100", FEMUR),      // Thigh
            sct("72696002", KNEE), srt("T-D9200", KNEE),        // Knee
            sct("64234005", KNEE), srt("T-12730", KNEE),        // Patella
            sct("30021000", TIBIA), srt("T-D9400", TIBIA),      // Lower leg
            sct("12611008", TIBIA), srt("T-12740", TIBIA),      // Tibia (CID 7304)
            sct("87342007", TIBIA), srt("T-12750", TIBIA),      // Fibula
            sct("70258002", ANKLE), srt("T-15750", ANKLE),      // Ankle joint
            sct("56459004", FOOT), srt("T-D9700", FOOT),        // Foot
            sct("29707007", FOOT), srt("T-D9800", FOOT),        // Toe
            sct("80144004", FOOT), srt("T-12770", FOOT),        // Calcaneus
            sct("58742003", FOOT), srt("T-12980", FOOT),        // Sesamoid bones of foot
            sct("27949001", FOOT), srt("T-15770", FOOT),        // Tarsal joint
            sct("16982005", SHOULDER), srt("T-D2220", SHOULDER), // Shoulder
            sct("79601000", SHOULDER), srt("T-12280", SHOULDER), // Scapula
            sct("85856004", SHOULDER), srt("T-15420", SHOULDER), // Acromioclavicular joint
            sct("85050009", HUMERUS), srt("T-12410", HUMERUS),  // Humerus
            sct("40983000", HUMERUS), srt("T-D8200", HUMERUS),  // Upper arm
            sct("16953009", ELBOW), srt("T-15430", ELBOW),      // Elbow joint
            srt("T-D8300", ELBOW),                              // Elbow joint in earlier editions of CID 4031
            sct("14975008", FOREARM), srt("T-D8500", FOREARM),  // Forearm
            sct("62413002", FOREARM), srt("T-12420", FOREARM),  // Radius (CID 7304)
            sct("23416004", FOREARM), srt("T-12430", FOREARM),  // Ulna (CID 7304)
            sct("74670003", WRIST), srt("T-15460", WRIST),      // Wrist joint
            sct("85562004", HAND), srt("T-D8700", HAND),        // Hand
            sct("7569003", HAND), srt("T-D8800", HAND),         // Finger
            sct("76505004", HAND), srt("T-D8810", HAND),        // Thumb
            sct("816094009", CHEST), sct("51185008", CHEST),    // Chest (current, 2019)
            srt("T-D3000", CHEST),                              // Chest
            sct("818981001", ABDOMEN), sct("113345001", ABDOMEN), // Abdomen (current, 2019)
            srt("T-D4000", ABDOMEN),                            // Abdomen
            sct("89546000", SKULL), srt("T-11100", SKULL),      // Skull
            sct("69536005", SKULL), srt("T-D1100", SKULL),      // Head: a radiograph of the head is of the skull
            sct("91397008", FACE), srt("T-11196", FACE),        // Facial bones
            sct("91609006", FACE), srt("T-11180", FACE),        // Mandible
            sct("70925003", FACE), srt("T-11170", FACE),        // Maxilla
            sct("661005", FACE), srt("T-D1213", FACE),          // Jaw region
            sct("13881006", FACE), srt("T-11166", FACE),        // Zygoma
            sct("74386004", FACE), srt("T-11149", FACE),        // Nasal bone
            sct("363654007", FACE), srt("T-D14AE", FACE),       // Orbital structure
            sct("2095001", FACE), srt("T-22000", FACE),         // Paranasal sinus
            sct("53620006", FACE), srt("T-15290", FACE),        // Temporomandibular joint
            sct("45048000", NECK), srt("T-D1600", NECK),        // Neck
            sct("51299004", CLAVICLE), srt("T-12310", CLAVICLE), // Clavicle
            sct("7844006", CLAVICLE), srt("T-15610", CLAVICLE), // Sternoclavicular joint
            sct("113197003", RIBS), srt("T-11300", RIBS),       // Rib
            sct("76752008", BREAST), srt("T-04000", BREAST));   // Breast

    private AnatomicRegionCodes() {
    }

    /** The body part the concept names, if it is one of the codes above. */
    static Optional<BodyPart> bodyPart(CodedConcept concept) {
        String scheme = concept.codingSchemeDesignator().toUpperCase(Locale.ROOT);
        // SNM3 is the older designator for the same SNOMED-RT codes; PixelMed and old modalities still write it.
        if (scheme.equals("SNM3")) {
            scheme = "SRT";
        }
        return Optional.ofNullable(BODY_PART_BY_CODE.get(key(scheme, concept.codeValue().toUpperCase(Locale.ROOT))));
    }

    private static Map.Entry<String, BodyPart> sct(String code, BodyPart bodyPart) {
        return entry(key("SCT", code), bodyPart);
    }

    private static Map.Entry<String, BodyPart> srt(String code, BodyPart bodyPart) {
        return entry(key("SRT", code), bodyPart);
    }

    private static String key(String scheme, String code) {
        return scheme + ":" + code;
    }
}
