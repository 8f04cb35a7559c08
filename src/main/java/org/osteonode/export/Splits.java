package org.osteonode.export;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training, validation and test splits by patient: each pseudonymous patient falls where SHA-256 of the seed and
 * its key falls among the fractions, so that no patient is in two splits, a seed always gives the same splits, and
 * a patient exported once never changes split when more data arrives.
 */
public record Splits(Map<String, Double> fractions, long seed) {
    public Splits {
        double sum = fractions.values().stream().mapToDouble(Double::doubleValue).sum();
        if (fractions.isEmpty() || Math.abs(sum - 1) > 1e-6 || fractions.values().stream().anyMatch(f -> f < 0)) {
            throw new IllegalArgumentException("split fractions must be at least 0 and add up to 1: " + fractions);
        }
        fractions = Collections.unmodifiableMap(new LinkedHashMap<>(fractions)); // in order: the cumulative bounds
    }

    /** {@code train=0.8,val=0.1,test=0.1}: names and fractions, in that order. */
    public static Splits parse(String spec, long seed) {
        Map<String, Double> fractions = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] nameAndFraction = part.trim().split("=");
            if (nameAndFraction.length != 2 || !nameAndFraction[0].matches("[a-z][a-z0-9_-]*")) {
                throw new IllegalArgumentException("'" + part + "' is not name=fraction, as in train=0.8");
            }
            fractions.put(nameAndFraction[0], Double.parseDouble(nameAndFraction[1]));
        }
        return new Splits(fractions, seed);
    }

    /** The split of a patient. */
    public String of(String patientKey) {
        double u = uniform(patientKey);
        double cumulative = 0;
        String last = null;
        for (Map.Entry<String, Double> split : fractions.entrySet()) {
            cumulative += split.getValue();
            last = split.getKey();
            if (u < cumulative) {
                return last;
            }
        }
        return last;
    }

    double uniform(String patientKey) {
        return draw(seed, patientKey);
    }

    /** A number in [0, 1) from SHA-256 of the seed and the key: the same for the same two, whatever else there is. */
    public static double draw(long seed, String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) ':');
            sha256.update(key.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(sha256.digest()).getLong() >>> 11;
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
