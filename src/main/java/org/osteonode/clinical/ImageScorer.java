package org.osteonode.clinical;

import org.osteonode.pixels.MonochromeFrame;

import java.util.concurrent.CompletableFuture;

/**
 * The model's probability of osteoporosis for one decoded image, 0 to 1. The caller is not held while the model
 * runs: the score arrives later, so that one worker can have many images waiting for the model.
 */
@FunctionalInterface
public interface ImageScorer {
    /** @throws Exception when the image cannot be prepared for the model (pre-processing) */
    CompletableFuture<Double> score(MonochromeFrame frame) throws Exception;
}
