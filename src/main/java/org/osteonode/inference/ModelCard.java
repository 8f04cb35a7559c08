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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's card, {@code model.json} beside {@code model.onnx}: what the model is (for the Structured Report's
 * algorithm identification and Contributing Equipment), what it expects and what its output means.
 * model/README.md documents every field.
 *
 * @param deviceUid a DICOM UID that identifies this trained model; every retraining makes a new one
 * @param threshold probability at or above which the finding is reported as likely
 * @param trainingDataset the osteonode export the model was trained on, when it was
 * @param metrics how the model performed on its evaluation set, or that it was not evaluated
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
        Optional<TrainingDataset> trainingDataset,
        Evaluation metrics,
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

    /**
     * The export ({@code bin/osteonode export}) the model was trained on.
     *
     * @param datasheetSha256 SHA-256 of that export's {@code dataset.json}, 64 lower-case hex digits
     * @param filters         the export's filters, as its datasheet states them
     */
    public record TrainingDataset(String datasheetSha256, Map<String, Object> filters) {
    }

    /**
     * The card's {@code metrics}: where and how well the model was evaluated. A model that was not evaluated says
     * so in {@code dataset} ("not evaluated: why") with no patients, no images and no {@code performance}.
     */
    public record Evaluation(String dataset, int patients, int images, Optional<Performance> performance) {
        public static final String NOT_EVALUATED = "not evaluated:";

        public boolean evaluated() {
            return performance.isPresent();
        }
    }

    /**
     * @param threshold the operating point sensitivity and specificity were measured at: the card's threshold
     * @param brier     Brier score of the probabilities, 0 (perfect) to 1
     * @param expectedCalibrationError mean gap between predicted probability and observed frequency, 0 to 1
     */
    public record Performance(double auc, double aucLow, double aucHigh, double threshold, double sensitivity,
                              double specificity, double brier, double expectedCalibrationError) {
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
                "threshold", "intendedUse", "trainingData", "trainingDataset", "metrics", "disclaimer");
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
                card.has("trainingDataset") ? Optional.of(trainingDataset(card.object("trainingDataset")))
                        : Optional.empty(),
                evaluation(card.object("metrics"), threshold),
                card.text("disclaimer"));
    }

    private static TrainingDataset trainingDataset(Fields dataset) {
        dataset.allow("datasheetSha256", "filters");
        String sha256 = dataset.text("datasheetSha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw dataset.invalid("datasheetSha256", "must be the SHA-256 of the export's dataset.json as 64 "
                    + "lower-case hexadecimal digits (sha256sum dataset.json)");
        }
        return new TrainingDataset(sha256, dataset.object("filters").asMap());
    }

    /** Numbers are only credible with what they were measured on, so a card without them must say why. */
    private static Evaluation evaluation(Fields metrics, double cardThreshold) {
        metrics.allow("dataset", "patients", "images", "auc", "aucCi95", "threshold", "sensitivity", "specificity",
                "calibration");
        String dataset = metrics.text("dataset");
        long patients = metrics.integer("patients");
        long images = metrics.integer("images");
        List<String> performanceFields = List.of("auc", "aucCi95", "threshold", "sensitivity", "specificity",
                "calibration");
        if (dataset.toLowerCase(java.util.Locale.ROOT).startsWith(Evaluation.NOT_EVALUATED)) {
            if (dataset.substring(Evaluation.NOT_EVALUATED.length()).isBlank()) {
                throw metrics.invalid("dataset", "must say why the model was not evaluated: \"not evaluated: <why>\"");
            }
            if (patients != 0) {
                throw metrics.invalid("patients", "must be 0 for a model that was not evaluated");
            }
            if (images != 0) {
                throw metrics.invalid("images", "must be 0 for a model that was not evaluated");
            }
            for (String field : performanceFields) {
                if (metrics.has(field)) {
                    throw metrics.invalid(field, "must be absent: metrics.dataset says the model was not evaluated");
                }
            }
            return new Evaluation(dataset, 0, 0, Optional.empty());
        }
        if (patients < 1 || patients > Integer.MAX_VALUE) {
            throw metrics.invalid("patients", "must be at least 1: the patients of the evaluation set (a model "
                    + "that was not evaluated says so in metrics.dataset: \"not evaluated: <why>\")");
        }
        if (images < patients || images > Integer.MAX_VALUE) {
            throw metrics.invalid("images", "must be at least metrics.patients (" + patients + "): every patient "
                    + "of the evaluation set has an image");
        }
        for (String field : performanceFields) {
            if (!metrics.has(field)) {
                throw metrics.invalid(field, "is missing: an evaluated model states auc, aucCi95, threshold, "
                        + "sensitivity, specificity and calibration (or metrics.dataset says \"not evaluated: <why>\")");
            }
        }
        double auc = metrics.fraction("auc");
        List<Double> ci = metrics.numbers("aucCi95");
        if (ci.size() != 2 || !(ci.get(0) >= 0 && ci.get(0) <= auc && auc <= ci.get(1) && ci.get(1) <= 1)) {
            throw metrics.invalid("aucCi95", "must be [low, high] with 0 <= low <= auc (" + auc + ") <= high <= 1");
        }
        double threshold = metrics.number("threshold");
        if (Math.abs(threshold - cardThreshold) > 1e-9) {
            throw metrics.invalid("threshold", "is " + threshold + " but the card's threshold is " + cardThreshold
                    + ": sensitivity and specificity must be those of the operating point osteonode reports at");
        }
        double sensitivity = metrics.fraction("sensitivity");
        double specificity = metrics.fraction("specificity");
        Fields calibration = metrics.object("calibration");
        calibration.allow("brier", "expectedCalibrationError");
        double brier = calibration.fraction("brier");
        double ece = calibration.fraction("expectedCalibrationError");
        return new Evaluation(dataset, Math.toIntExact(patients), Math.toIntExact(images), Optional.of(
                new Performance(auc, ci.get(0), ci.get(1), threshold, sensitivity, specificity, brier, ece)));
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

        boolean has(String field) {
            JsonNode value = node.get(field);
            return value != null && !value.isNull();
        }

        Map<String, Object> asMap() {
            return java.util.Collections.unmodifiableMap(new ObjectMapper().convertValue(node,
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() { }));
        }

        long integer(String field) {
            JsonNode value = required(field);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw invalid(field, "must be a whole number");
            }
            return value.asLong();
        }

        /** A proportion, 0 to 1 inclusive. */
        double fraction(String field) {
            double value = number(field);
            if (value < 0 || value > 1) {
                throw invalid(field, "must be between 0 and 1, not " + value);
            }
            return value;
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
