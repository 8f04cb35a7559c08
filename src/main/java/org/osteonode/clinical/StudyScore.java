package org.osteonode.clinical;

import java.util.List;

/**
 * A study's result from its images' scores: the most suspicious image decides, since screening must not
 * average a finding away; it is "likely" at or above the model's operating threshold.
 */
public record StudyScore(double probability, boolean likely) {

    public static StudyScore of(List<Double> imageScores, double threshold) {
        double probability = imageScores.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return new StudyScore(probability, probability >= threshold);
    }
}
