package org.osteonode.store;

import java.time.LocalDate;
import java.util.Set;

/**
 * Which labelled images a data steward asks for; an empty set or a null bound means any. Patients who opted
 * out of research are never among them.
 *
 * @param from first shifted study date, inclusive
 * @param to   last shifted study date, inclusive
 */
public record LabelQuery(Set<String> bodyParts, Set<String> modalities, Set<String> sopClasses, String view,
        String sex, Integer minAge, Integer maxAge, LocalDate from, LocalDate to) {
}
