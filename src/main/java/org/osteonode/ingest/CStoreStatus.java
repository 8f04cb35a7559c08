package org.osteonode.ingest;

/** The C-STORE response statuses osteonode gives (PS3.4 Table B.2-1, PS3.7 Annex C). */
public final class CStoreStatus {
    public static final int SUCCESS = 0x0000;
    /** Refused: SOP Class not supported (here: not the presentation context's abstract syntax). */
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** Refused: Out of Resources. */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: Data Set does not match SOP Class. */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Error: Cannot understand. */
    public static final int CANNOT_UNDERSTAND = 0xC000;

    private CStoreStatus() {
    }
}
