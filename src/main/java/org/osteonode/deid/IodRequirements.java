package org.osteonode.deid;

import java.util.Optional;
import java.util.Set;

/**
 * The attributes Table E.1-1 lets a de-identifier remove ("X/Z", "X/D", "X/Z/D", "Z/D") that an IOD nevertheless
 * requires: Type 2 there is emptied (Z), Type 1 gets a dummy (D), so that de-identification never makes an object
 * invalid. osteonode's own table, from the module tables of PS3.3 for the IODs named here, each entry checked with
 * dciodvfy on objects written by other tools (RealToolCorpusIT). An attribute or IOD not here gets the removal.
 */
final class IodRequirements {
    private static final int DEVICE_SERIAL_NUMBER = 0x00181000;
    private static final int OPERATORS_NAME = 0x00081070;
    private static final int ACQUISITION_CONTEXT_SEQUENCE = 0x00400555;
    private static final int SEGMENT_LABEL = 0x00620005;

    /** IODs with the Enhanced General Equipment module, where Device Serial Number is Type 1. */
    private static final Set<String> ENHANCED_EQUIPMENT = Set.of(
            "1.2.840.10008.5.1.4.1.1.2.1",    // Enhanced CT
            "1.2.840.10008.5.1.4.1.1.2.2",    // Legacy Converted Enhanced CT
            "1.2.840.10008.5.1.4.1.1.4.1",    // Enhanced MR
            "1.2.840.10008.5.1.4.1.1.4.2",    // MR Spectroscopy
            "1.2.840.10008.5.1.4.1.1.4.3",    // Enhanced MR Color
            "1.2.840.10008.5.1.4.1.1.4.4",    // Legacy Converted Enhanced MR
            "1.2.840.10008.5.1.4.1.1.6.2",    // Enhanced US Volume
            "1.2.840.10008.5.1.4.1.1.12.1.1", // Enhanced XA
            "1.2.840.10008.5.1.4.1.1.12.2.1", // Enhanced XRF
            "1.2.840.10008.5.1.4.1.1.13.1.1", // X-Ray 3D Angiographic
            "1.2.840.10008.5.1.4.1.1.13.1.2", // X-Ray 3D Craniofacial
            "1.2.840.10008.5.1.4.1.1.13.1.3", // Breast Tomosynthesis
            "1.2.840.10008.5.1.4.1.1.128.1",  // Legacy Converted Enhanced PET
            "1.2.840.10008.5.1.4.1.1.130",    // Enhanced PET
            "1.2.840.10008.5.1.4.1.1.66.4",   // Segmentation
            "1.2.840.10008.5.1.4.1.1.66.5",   // Surface Segmentation
            "1.2.840.10008.5.1.4.1.1.30");    // Parametric Map

    /** IODs with the Acquisition Context module, where Acquisition Context Sequence is Type 2. */
    private static final Set<String> ACQUISITION_CONTEXT = Set.of(
            "1.2.840.10008.5.1.4.1.1.1.1",    // DX for presentation
            "1.2.840.10008.5.1.4.1.1.1.1.1",  // DX for processing
            "1.2.840.10008.5.1.4.1.1.1.2",    // MG for presentation
            "1.2.840.10008.5.1.4.1.1.1.2.1",  // MG for processing
            "1.2.840.10008.5.1.4.1.1.1.3",    // IO for presentation
            "1.2.840.10008.5.1.4.1.1.1.3.1",  // IO for processing
            "1.2.840.10008.5.1.4.1.1.2.1",    // Enhanced CT
            "1.2.840.10008.5.1.4.1.1.4.1",    // Enhanced MR
            "1.2.840.10008.5.1.4.1.1.4.3",    // Enhanced MR Color
            "1.2.840.10008.5.1.4.1.1.12.1.1", // Enhanced XA
            "1.2.840.10008.5.1.4.1.1.12.2.1", // Enhanced XRF
            "1.2.840.10008.5.1.4.1.1.13.1.3", // Breast Tomosynthesis
            "1.2.840.10008.5.1.4.1.1.130");   // Enhanced PET

    /** The RT Series module (every RT IOD) makes Operators' Name Type 2. */
    private static final String RADIOTHERAPY = "1.2.840.10008.5.1.4.1.1.481.";

    private IodRequirements() {
    }

    /** What to do instead of removing a top-level attribute the SOP Class's IOD requires, if it does. */
    static Optional<ConfidentialityProfile.Action> instead(String sopClass, int tag) {
        if (tag == DEVICE_SERIAL_NUMBER && ENHANCED_EQUIPMENT.contains(sopClass)) {
            return Optional.of(ConfidentialityProfile.Action.DUMMY);
        }
        if (tag == ACQUISITION_CONTEXT_SEQUENCE && ACQUISITION_CONTEXT.contains(sopClass)) {
            return Optional.of(ConfidentialityProfile.Action.EMPTY);
        }
        if (tag == OPERATORS_NAME && sopClass.startsWith(RADIOTHERAPY)) {
            return Optional.of(ConfidentialityProfile.Action.EMPTY);
        }
        return Optional.empty();
    }

    /** Free text that is Type 1 where it occurs (Segment Label, in every Segment Sequence item): never left out. */
    static boolean isType1Text(int tag) {
        return tag == SEGMENT_LABEL;
    }
}
