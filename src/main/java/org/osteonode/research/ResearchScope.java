package org.osteonode.research;

import org.osteonode.config.ConfigException;
import org.osteonode.config.Settings;
import org.osteonode.labels.BodyPart;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a data steward lets into the research archive: modalities, body parts ({@link BodyPart} vocabulary) and
 * SOP Classes, each a set where empty means any. Objects outside it are indexed, never archived.
 */
public record ResearchScope(Set<String> modalities, Set<BodyPart> bodyParts, Set<String> sopClasses) {
    /** Everything: for tools (and tests) that de-identify whatever they are given. */
    public static final ResearchScope ANY = new ResearchScope(Set.of(), Set.of(), Set.of());

    /** The scope of {@code osteonode.research.*}; a body part outside the vocabulary is a configuration error. */
    public static ResearchScope of(Settings.Research settings) {
        Set<BodyPart> parts = new LinkedHashSet<>();
        for (String name : settings.bodyParts()) {
            try {
                parts.add(BodyPart.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("osteonode.research.body-parts",
                        "'" + name + "' is not a body part of docs/body-part-vocabulary.md");
            }
        }
        return new ResearchScope(Set.copyOf(settings.modalities()), Set.copyOf(parts), Set.copyOf(settings.sopClasses()));
    }

    /** Why an object is outside the scope (the reason counted and logged), or empty when it is inside. */
    public Optional<String> exclusion(String modality, BodyPart bodyPart, String sopClassUid) {
        if (!sopClasses.isEmpty() && !sopClasses.contains(sopClassUid)) {
            return Optional.of("out-of-scope-sop-class");
        }
        if (!modalities.isEmpty() && !modalities.contains(modality)) {
            return Optional.of("out-of-scope-modality");
        }
        if (!bodyParts.isEmpty() && !bodyParts.contains(bodyPart)) {
            return Optional.of("out-of-scope-body-part");
        }
        return Optional.empty();
    }
}
