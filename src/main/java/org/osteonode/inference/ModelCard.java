package org.osteonode.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A model's card, {@code model.json} beside {@code model.onnx}: what the model is (for the Structured Report's
 * algorithm identification and Contributing Equipment), what it expects and what its output means.
 * model/README.md documents every field.
 *
 * @param deviceUid a DICOM UID that identifies this trained model; every retraining makes a new one
 * @param threshold probability at or above which the finding is reported as likely
 */
public record ModelCard(
        String name,
        String version,
        String deviceUid,
        String manufacturer,
        String softwareVersion,
        Input input,
        Output output,
        double threshold,
        String intendedUse,
        String trainingData,
        String disclaimer) {

    public static final String FILE_NAME = "model.json";

    /**
     * @param batch  the first dimension; -1 when the model takes a batch of any size
     * @param height rows of the image tensor
     * @param width  columns of the image tensor
     */
    public record Input(String name, long batch, int channels, int height, int width, String dataType,
                        Normalization normalization) {
        public List<Long> shape() {
            return List.of(batch, (long) channels, (long) height, (long) width);
        }
    }

    /**
     * How pixels become the input tensor: window (VOI LUT or, without one, these percentiles of the pixel
     * values) to 0..1 with bright as dense, resize keeping the aspect ratio and pad with {@code padValue},
     * then {@code (value - mean) / std}.
     */
    public record Normalization(double windowLowPercentile, double windowHighPercentile, String resize,
                                double padValue, double mean, double std) {
    }

    /** @param meaning what one output value means, in words */
    public record Output(String name, String meaning) {
    }

    /** Reads and validates {@code directory/model.json}. */
    public static ModelCard readFrom(Path directory) {
        return read(directory.resolve(FILE_NAME));
    }

    /** @throws InvalidModelException naming the file and the field when the card is missing or wrong */
    public static ModelCard read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidModelException(file + " is missing: a model directory holds model.onnx and its card "
                    + "model.json (model/README.md); check osteonode.model.dir");
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(file + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelException(file + " must hold a JSON object (model/README.md)");
        }
        return parse(new Fields(file, "", root));
    }

    private static ModelCard parse(Fields card) {
        card.allow("name", "version", "deviceUid", "manufacturer", "softwareVersion", "input", "output",
                "threshold", "intendedUse", "trainingData", "disclaimer");
        Fields input = card.object("input");
        input.allow("name", "shape", "dataType", "normalization");
        List<Long> shape = input.integers("shape");
        if (shape.size() != 4 || !(shape.get(0) == -1 || shape.get(0) >= 1) || shape.get(1) != 1
                || shape.get(2) < 1 || shape.get(2) > 16384 || shape.get(3) < 1 || shape.get(3) > 16384) {
            throw input.invalid("shape", "must be [batch, 1, height, width] with batch -1 (any) or at least 1, "
                    + "one channel and height and width from 1 to 16384, such as [-1, 1, 256, 256]");
        }
        if (!input.text("dataType").equals("float32")) {
            throw input.invalid("dataType", "must be float32, the only input type osteonode feeds");
        }
        Fields normalization = input.object("normalization");
        normalization.allow("windowPercentiles", "resize", "padValue", "mean", "std");
        List<Double> percentiles = normalization.numbers("windowPercentiles");
        if (percentiles.size() != 2 || percentiles.get(0) < 0 || percentiles.get(0) >= percentiles.get(1)
                || percentiles.get(1) > 100) {
            throw normalization.invalid("windowPercentiles", "must be [low, high] with 0 <= low < high <= 100, "
                    + "such as [1.0, 99.0]");
        }
        String resize = normalization.text("resize");
        if (!resize.equals("keep-aspect-pad")) {
            throw normalization.invalid("resize", "must be keep-aspect-pad, the only resize osteonode does");
        }
        double std = normalization.number("std");
        if (!(std > 0)) {
            throw normalization.invalid("std", "must be greater than 0");
        }
        Fields output = card.object("output");
        output.allow("name", "shape", "meaning");
        List<Long> outputShape = output.integers("shape");
        if (outputShape.size() != 2 || !(outputShape.get(0) == -1 || outputShape.get(0) >= 1) || outputShape.get(1) != 1) {
            throw output.invalid("shape", "must be [batch, 1]: one probability per image, such as [-1, 1]");
        }
        double threshold = card.number("threshold");
        if (!(threshold > 0 && threshold < 1)) {
            throw card.invalid("threshold", "must be a probability strictly between 0 and 1, such as 0.5");
        }
        String deviceUid = card.text("deviceUid");
        String uidProblem = uidProblem(deviceUid);
        if (uidProblem != null) {
            throw card.invalid("deviceUid", "'" + deviceUid + "' is not a DICOM UID: " + uidProblem
                    + "; use 2.25. followed by a random UUID as a decimal number, new for every retraining");
        }
        return new ModelCard(
                card.text("name"),
                card.text("version"),
                deviceUid,
                card.text("manufacturer"),
                card.text("softwareVersion"),
                new Input(input.text("name"), shape.get(0), 1, Math.toIntExact(shape.get(2)),
                        Math.toIntExact(shape.get(3)), "float32",
                        new Normalization(percentiles.get(0), percentiles.get(1), resize,
                                normalization.number("padValue"), normalization.number("mean"), std)),
                new Output(output.text("name"), output.text("meaning")),
                threshold,
                card.text("intendedUse"),
                card.text("trainingData"),
                card.text("disclaimer"));
    }

    /** PS3.5 9.1: 1 to 64 characters, digit components separated by dots, no leading zero; null when valid. */
    static String uidProblem(String uid) {
        if (uid.isEmpty() || uid.length() > 64) {
            return "it must have 1 to 64 characters";
        }
        if (!uid.matches("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*")) {
            return "it must be numbers separated by dots, none with a leading zero";
        }
        return null;
    }

    /** One JSON object of the card; every failure names the file and the field's dotted path. */
    private record Fields(Path file, String path, JsonNode node) {

        InvalidModelException invalid(String field, String problem) {
            return new InvalidModelException(file + ": field '" + path + field + "' " + problem);
        }

        void allow(String... fields) {
            Set<String> known = Set.of(fields);
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw invalid(name, "is unknown (a misspelling?); the fields are listed in model/README.md");
                }
            }
        }

        private JsonNode required(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw invalid(field, "is missing");
            }
            return value;
        }

        String text(String field) {
            JsonNode value = required(field);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw invalid(field, "must be a non-empty string");
            }
            return value.asText().trim();
        }

        double number(String field) {
            JsonNode value = required(field);
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw invalid(field, "must be a number");
            }
            return value.asDouble();
        }

        Fields object(String field) {
            JsonNode value = required(field);
            if (!value.isObject()) {
                throw invalid(field, "must be a JSON object");
            }
            return new Fields(file, path + field + ".", value);
        }

        List<Double> numbers(String field) {
            List<Double> values = new ArrayList<>();
            for (JsonNode element : array(field, "numbers")) {
                if (!element.isNumber()) {
                    throw invalid(field, "must be an array of numbers");
                }
                values.add(element.asDouble());
            }
            return values;
        }

        List<Long> integers(String field) {
            List<Long> values = new ArrayList<>();
            for (JsonNode element : array(field, "whole numbers")) {
                if (!element.isIntegralNumber()) {
                    throw invalid(field, "must be an array of whole numbers");
                }
                values.add(element.asLong());
            }
            return values;
        }

        private JsonNode array(String field, String of) {
            JsonNode value = required(field);
            if (!value.isArray()) {
                throw invalid(field, "must be an array of " + of);
            }
            return value;
        }
    }
}
