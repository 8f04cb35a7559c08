package org.osteonode.ingest;

import java.util.Locale;

/**
 * The independent consumers of every received object. An object leaves the spool once each path is done with
 * it; neither path waits for the other.
 */
public enum ProcessingPath {
    /** De-identify into the archive and harvest the proxy labels. */
    RESEARCH,
    /** Score eligible radiographs for the study's report. */
    CLINICAL;

    /** The suffix of the spool's marker file that says this path is done with an object. */
    String marker() {
        return "." + name().toLowerCase(Locale.ROOT);
    }

    /** The suffix of the spool's file that counts how often this path took an object. */
    String takenMarker() {
        return marker() + "-taken";
    }
}
