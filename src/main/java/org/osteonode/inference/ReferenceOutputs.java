package org.osteonode.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code reference-outputs.json} beside a model: what the framework that trained it computed for a few constant
 * images. When this runtime gives the same within {@link #TOLERANCE}, the model, its pre-processing constants and
 * the runtime agree; when not, the ONNX export, the card's {@code mean}/{@code std} or the runtime is wrong.
 *
 * @param outputs each {@code pixel}, the image's 0..1 presentation value before the card's standardisation, and
 *                the {@code probability} expected for it
 */
public record ReferenceOutputs(Path file, List<Expected> outputs) {
    public static final String FILE_NAME = "reference-outputs.json";
    public static final double TOLERANCE = 1e-4;
    /** {@link #TOLERANCE} as people write it. */
    public static final String TOLERANCE_TEXT = java.math.BigDecimal.valueOf(TOLERANCE).stripTrailingZeros().toPlainString();
    /** Each output is one image of the model's size run on its own; a few are enough to catch a wrong export. */
    static final int MAX_OUTPUTS = 100;

    public record Expected(double pixel, double probability) {
    }

    /** @param actual what this runtime gave */
    public record Mismatch(Expected expected, double actual) {
    }

    /** @param compared how many reference outputs were run; {@code mismatches} those outside the tolerance */
    public record Comparison(Path file, int compared, List<Mismatch> mismatches) {
        public int reproduced() {
            return compared - mismatches.size();
        }

        /** One line per output the model does not reproduce. */
        public List<String> problems() {
            return mismatches.stream().map(m -> String.format(Locale.ROOT,
                    "pixel %s: the model gives %.6f, %s says %s (difference %.6f > %s)", m.expected().pixel(),
                    m.actual(), FILE_NAME, m.expected().probability(),
                    Math.abs(m.actual() - m.expected().probability()), TOLERANCE_TEXT)).toList();
        }
    }

    /** @return empty when the directory has no reference outputs */
    public static Optional<ReferenceOutputs> readFrom(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(file + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage());
        }
        String form = " (" + FILE_NAME + " holds {\"outputs\": [{\"pixel\": p, \"probability\": q}, ...]})";
        if (root == null || !root.isObject() || !onlyFields(root, "note", "outputs")) {
            throw new InvalidModelException(file + " must hold an object with the fields 'outputs' and, if wanted, "
                    + "'note'" + form);
        }
        JsonNode array = root.get("outputs");
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > MAX_OUTPUTS) {
            throw new InvalidModelException(file + ": field 'outputs' must be an array of 1 to " + MAX_OUTPUTS
                    + " reference outputs" + form);
        }
        List<Expected> outputs = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode output = array.get(i);
            JsonNode pixel = output.get("pixel");
            JsonNode probability = output.get("probability");
            if (!output.isObject() || !onlyFields(output, "pixel", "probability") || pixel == null
                    || !pixel.isNumber() || probability == null || !probability.isNumber()
                    || !(pixel.asDouble() >= 0 && pixel.asDouble() <= 1) || !Double.isFinite(probability.asDouble())) {
                throw new InvalidModelException(file + ": field 'outputs[" + i + "]' must be {\"pixel\": p, "
                        + "\"probability\": q} with p from 0 to 1" + form);
            }
            outputs.add(new Expected(pixel.asDouble(), probability.asDouble()));
        }
        return Optional.of(new ReferenceOutputs(file, List.copyOf(outputs)));
    }

    private static boolean onlyFields(JsonNode object, String... fields) {
        Set<String> known = Set.of(fields);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (!known.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    /** Runs each reference image through the model, one at a time (memory stays at one image). */
    public Comparison compare(OnnxModel model) {
        ModelCard.Input input = model.card().input();
        ModelCard.Normalization normalization = input.normalization();
        List<Mismatch> mismatches = new ArrayList<>();
        for (Expected expected : outputs) {
            float[] image = new float[input.height() * input.width()];
            Arrays.fill(image, (float) ((expected.pixel() - normalization.mean()) / normalization.std()));
            double actual = model.score(List.of(image))[0];
            if (!(Math.abs(actual - expected.probability()) <= TOLERANCE)) {
                mismatches.add(new Mismatch(expected, actual));
            }
        }
        return new Comparison(file, outputs.size(), List.copyOf(mismatches));
    }
}
