package org.osteonode.testing;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every identifying value the tests of this JVM planted in the objects they made (patient names and IDs, UIDs, the
 * PHI corpora's values), for {@code LogPhiScanIT}, which runs after the rest of the integration suite and looks for
 * each of them in every log line the suite captured.
 */
public final class PlantedPhi {
    /** Shorter values ("P1", "MRN1") would be found in unrelated text: the tests' longer values cover the same paths. */
    public static final int SHORTEST = 5;
    private static final Set<String> VALUES = new TreeSet<>();

    private PlantedPhi() {
    }

    public static synchronized void add(String... values) {
        add(List.of(values));
    }

    public static synchronized void add(Collection<String> values) {
        for (String value : values) {
            if (value != null && value.strip().length() >= SHORTEST) {
                VALUES.add(value.strip());
            }
        }
    }

    public static synchronized List<String> values() {
        return List.copyOf(VALUES);
    }
}
