package org.osteonode.clinical;

import java.nio.file.Path;

/** The model's probability of osteoporosis for one image file, 0 to 1. */
@FunctionalInterface
public interface ImageScorer {
    double score(Path dicomFile) throws Exception;
}
