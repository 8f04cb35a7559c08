package org.osteonode.labels;

/**
 * The body part of a radiograph, as a proxy label. A closed vocabulary, coarser than PS3.16 Annex L:
 * one value per region a radiograph is taken of, so that labels from different sites can be pooled.
 * docs/body-part-vocabulary.md says what maps to each value.
 */
public enum BodyPart {
    /** Lumbar spine, including lumbo-sacral. */
    LSPINE,
    /** Thoracic (dorsal) spine. */
    TSPINE,
    /** Cervical spine. */
    CSPINE,
    /** Whole spine, or more than one segment (thoraco-lumbar, cervico-thoracic, scoliosis series). */
    SPINE,
    /** Sacrum, coccyx and sacroiliac joints. */
    SACRUM,
    /** Pelvis, including views of the pelvis that show both hips. */
    PELVIS,
    HIP,
    FEMUR,
    KNEE,
    /** Lower leg: tibia and fibula. */
    TIBIA,
    ANKLE,
    /** Foot, toes, calcaneus. */
    FOOT,
    /** Shoulder, scapula, acromioclavicular joint. */
    SHOULDER,
    HUMERUS,
    ELBOW,
    /** Forearm: radius and ulna. */
    FOREARM,
    /** Wrist, carpus, scaphoid. */
    WRIST,
    /** Hand, fingers, thumb. */
    HAND,
    CHEST,
    ABDOMEN,
    SKULL,
    /** Facial bones, sinuses, orbits, mandible, maxilla, temporomandibular joints. */
    FACE,
    /** Soft tissue neck. */
    NECK,
    CLAVICLE,
    RIBS,
    BREAST,
    /** Nothing in the header named a body part unambiguously. */
    UNKNOWN
}
