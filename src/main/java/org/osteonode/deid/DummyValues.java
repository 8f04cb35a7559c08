package org.osteonode.deid;

/** Dummy values (action D) that are valid for their VR and say plainly that they are not data. */
final class DummyValues {
    private DummyValues() {
    }

    /** @return null for VRs where a zero-length value is the only honest dummy (binary, sequences) */
    static String forVr(String vr) {
        return switch (vr) {
            case "PN" -> "ANONYMIZED";
            case "LO", "SH", "LT", "ST", "UT", "UC", "CS", "AE" -> "ANONYMIZED";
            case "DA" -> "19000101";
            case "TM" -> "000000";
            case "DT" -> "19000101000000";
            case "AS" -> "000Y";
            case "IS", "DS" -> "0";
            case "UI" -> "2.25.0";
            default -> null;
        };
    }
}
