package org.osteonode.clinical;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The model's probability of osteoporosis for one image file, 0 to 1. The caller is not held while the model
 * runs: the score arrives later, so that one worker can have many images waiting for the model.
 */
@FunctionalInterface
public interface ImageScorer {
    /** @throws Exception when the image cannot be prepared for the model (decoding, pre-processing) */
    CompletableFuture<Double> score(Path dicomFile) throws Exception;
}
