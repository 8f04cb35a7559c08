package org.osteonode.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCardTest {
    private static final Path DEMO = Path.of("model/demo");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void theBundledDemoCardIsValidAndSaysItIsNotClinical() {
        ModelCard card = ModelCard.readFrom(DEMO);

        assertThat(card.deviceUid()).startsWith("2.25.");
        assertThat(ModelCard.uidProblem(card.deviceUid())).isNull();
        assertThat(card.manufacturer()).isEqualTo("osteonode project");
        assertThat(card.input().name()).isEqualTo("image");
        assertThat(card.input().shape()).containsExactly(-1L, 1L, 256L, 256L);
        assertThat(card.input().normalization().std()).isPositive();
        assertThat(card.output().name()).isEqualTo("probability");
        assertThat(card.threshold()).isEqualTo(0.5);
        assertThat(card.disclaimer()).contains("Research use only").contains("not a clinical model")
                .contains("not trained on clinical data");
    }

    @Test
    void theDemoCardSaysExplicitlyThatTheModelWasNotEvaluated() {
        ModelCard card = ModelCard.readFrom(DEMO);

        assertThat(card.metrics().evaluated()).isFalse();
        assertThat(card.metrics().dataset()).startsWith("not evaluated: ").contains("synthetic noise");
        assertThat(card.metrics().patients()).isZero();
        assertThat(card.metrics().images()).isZero();
        assertThat(card.trainingDataset()).isEmpty();
        assertThat(card.intendedUse()).isNotBlank();
        assertThat(card.trainingData()).isNotBlank();
    }

    @Test
    void anEvaluatedCardCarriesItsMetricsAndTheExportItWasTrainedOn() throws IOException {
        Path file = demoCardWith(card -> {
            card.set("metrics", evaluated());
            ObjectNode dataset = card.putObject("trainingDataset");
            dataset.put("datasheetSha256", "0123456789abcdef".repeat(4));
            dataset.putObject("filters").put("body_part", "LSPINE").putArray("modality").add("CR").add("DX");
        });

        ModelCard card = ModelCard.read(file);

        assertThat(card.metrics().evaluated()).isTrue();
        assertThat(card.metrics().dataset()).isEqualTo("site A 2021-2023, temporal hold-out");
        assertThat(card.metrics().patients()).isEqualTo(412);
        assertThat(card.metrics().images()).isEqualTo(980);
        assertThat(card.metrics().performance()).hasValue(
                new ModelCard.Performance(0.87, 0.83, 0.9, 0.5, 0.81, 0.76, 0.14, 0.035));
        assertThat(card.trainingDataset()).isPresent();
        assertThat(card.trainingDataset().get().datasheetSha256()).hasSize(64);
        assertThat(card.trainingDataset().get().filters()).containsEntry("body_part", "LSPINE")
                .containsEntry("modality", java.util.List.of("CR", "DX"));
    }

    @Test
    void metricsAreRequiredAndANotEvaluatedModelMustSaySoAndClaimNothing() throws IOException {
        assertRefused(card -> card.remove("metrics"), "field 'metrics' is missing");
        assertRefused(card -> card.put("metrics", "none"), "field 'metrics' must be a JSON object");
        assertRefused(card -> metrics(card).remove("dataset"), "field 'metrics.dataset' is missing");
        assertRefused(card -> metrics(card).put("dataset", "not evaluated: "), "field 'metrics.dataset' must say why");
        assertRefused(card -> metrics(card).put("patients", 3), "field 'metrics.patients' must be 0");
        assertRefused(card -> metrics(card).put("images", 1.5), "field 'metrics.images' must be a whole number");
        assertRefused(card -> metrics(card).put("auc", 0.9), "field 'metrics.auc' must be absent");
        assertRefused(card -> metrics(card).putObject("calibration"), "field 'metrics.calibration' must be absent");
        assertRefused(card -> metrics(card).put("accuracy", 0.9), "field 'metrics.accuracy' is unknown");
        assertRefused(card -> metrics(card).put("dataset", "site A"), "field 'metrics.patients' must be at least 1");
    }

    @Test
    void theMetricsOfAnEvaluatedModelMustBeInRangeAndAtTheCardsThreshold() throws IOException {
        assertRefused(card -> evaluated(card).remove("auc"), "field 'metrics.auc' is missing");
        assertRefused(card -> evaluated(card).remove("calibration"), "field 'metrics.calibration' is missing");
        assertRefused(card -> evaluated(card).put("patients", 0), "field 'metrics.patients' must be at least 1");
        assertRefused(card -> evaluated(card).put("images", 100), "field 'metrics.images' must be at least");
        assertRefused(card -> evaluated(card).put("auc", 1.2), "field 'metrics.auc' must be between 0 and 1");
        assertRefused(card -> evaluated(card).put("auc", "0.9"), "field 'metrics.auc' must be a number");
        assertRefused(card -> ((ArrayNode) evaluated(card).get("aucCi95")).set(0, 0.88),
                "field 'metrics.aucCi95' must be [low, high] with 0 <= low <= auc");
        assertRefused(card -> ((ArrayNode) evaluated(card).get("aucCi95")).add(0.95), "field 'metrics.aucCi95'");
        assertRefused(card -> evaluated(card).put("threshold", 0.4), "field 'metrics.threshold' is 0.4 but the card's "
                + "threshold is 0.5");
        assertRefused(card -> evaluated(card).put("sensitivity", -0.1), "field 'metrics.sensitivity' must be between");
        assertRefused(card -> evaluated(card).put("specificity", 1.01), "field 'metrics.specificity' must be between");
        assertRefused(card -> ((ObjectNode) evaluated(card).get("calibration")).put("brier", 1.5),
                "field 'metrics.calibration.brier' must be between 0 and 1");
        assertRefused(card -> ((ObjectNode) evaluated(card).get("calibration")).put("expectedCalibrationError", -1),
                "field 'metrics.calibration.expectedCalibrationError' must be between 0 and 1");
        assertRefused(card -> ((ObjectNode) evaluated(card).get("calibration")).put("ece", 0.1),
                "field 'metrics.calibration.ece' is unknown");
    }

    @Test
    void aTrainingDatasetNamesItsDatasheetByItsSha256() throws IOException {
        assertRefused(card -> card.putObject("trainingDataset").put("datasheetSha256", "ABCDEF".repeat(10) + "ABCD")
                .putObject("filters"), "field 'trainingDataset.datasheetSha256' must be the SHA-256");
        assertRefused(card -> card.putObject("trainingDataset").put("datasheetSha256", "0".repeat(63))
                .putObject("filters"), "field 'trainingDataset.datasheetSha256'");
        assertRefused(card -> card.putObject("trainingDataset").put("datasheetSha256", "0".repeat(64))
                .put("filters", "LSPINE"), "field 'trainingDataset.filters' must be a JSON object");
        assertRefused(card -> card.putObject("trainingDataset").put("datasheetSha256", "0".repeat(64))
                .put("rows", 3), "field 'trainingDataset.rows' is unknown");
    }

    @Test
    void intendedUseAndTrainingDataStayRequired() throws IOException {
        assertRefused(card -> card.remove("intendedUse"), "field 'intendedUse' is missing");
        assertRefused(card -> card.put("trainingData", ""), "field 'trainingData' must be a non-empty string");
        assertRefused(card -> card.put("threshold", 0.0), "field 'threshold' must be a probability");
    }

    @Test
    void aMissingFieldIsNamedWithItsFile() throws IOException {
        Path file = demoCardWith(card -> ((ObjectNode) card.get("input")).remove("name"));

        assertThatThrownBy(() -> ModelCard.read(file))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("field 'input.name' is missing");
    }

    @Test
    void aMisspelledFieldIsRefusedRatherThanIgnored() throws IOException {
        Path file = demoCardWith(card -> card.put("treshold", 0.3));

        assertThatThrownBy(() -> ModelCard.read(file))
                .hasMessageContaining("field 'treshold' is unknown");
    }

    @Test
    void aDeviceUidThatIsNoUidIsRefused() throws IOException {
        Path file = demoCardWith(card -> card.put("deviceUid", "2.25.0123"));

        assertThatThrownBy(() -> ModelCard.read(file))
                .hasMessageContaining("field 'deviceUid'")
                .hasMessageContaining("not a DICOM UID")
                .hasMessageContaining("leading zero");
    }

    @Test
    void uidsFollowPs35() {
        assertThat(ModelCard.uidProblem("2.25.0")).isNull();
        assertThat(ModelCard.uidProblem("1.2.840.10008.1.1")).isNull();
        assertThat(ModelCard.uidProblem("2.25." + "1".repeat(60))).contains("64");
        assertThat(ModelCard.uidProblem("2..25")).isNotNull();
        assertThat(ModelCard.uidProblem("2.25.x")).isNotNull();
        assertThat(ModelCard.uidProblem("")).isNotNull();
    }

    @Test
    void wrongValuesAreRefusedNamingTheField() throws IOException {
        assertRefused(card -> card.put("threshold", 1.0), "field 'threshold' must be a probability");
        assertRefused(card -> card.put("threshold", "0.5"), "field 'threshold' must be a number");
        assertRefused(card -> card.put("name", " "), "field 'name' must be a non-empty string");
        assertRefused(card -> card.remove("disclaimer"), "field 'disclaimer' is missing");
        assertRefused(card -> ((ArrayNode) card.get("input").get("shape")).set(1, 3), "field 'input.shape'");
        assertRefused(card -> ((ObjectNode) card.get("input")).put("dataType", "uint8"), "field 'input.dataType'");
        assertRefused(card -> ((ObjectNode) card.get("input").get("normalization")).put("std", 0),
                "field 'input.normalization.std' must be greater than 0");
        assertRefused(card -> ((ArrayNode) card.get("input").get("normalization").get("windowPercentiles")).set(0, 99.5),
                "field 'input.normalization.windowPercentiles'");
        assertRefused(card -> ((ArrayNode) card.get("output").get("shape")).add(1), "field 'output.shape'");
    }

    @Test
    void aMissingOrBrokenFileSaysWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> ModelCard.readFrom(temp))
                .hasMessageContaining("model.json is missing")
                .hasMessageContaining("osteonode.model.dir");

        Path broken = Files.writeString(temp.resolve("model.json"), "{\"name\": ");
        assertThatThrownBy(() -> ModelCard.read(broken))
                .hasMessageContaining("is not valid JSON");
    }

    private void assertRefused(Consumer<ObjectNode> change, String message) throws IOException {
        Path file = demoCardWith(change);
        assertThatThrownBy(() -> ModelCard.read(file))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }

    private static ObjectNode metrics(ObjectNode card) {
        return (ObjectNode) card.get("metrics");
    }

    /** Replaces the demo's "not evaluated" with the metrics of an evaluated model, and returns them. */
    private static ObjectNode evaluated(ObjectNode card) {
        return (ObjectNode) card.set("metrics", evaluated()).get("metrics");
    }

    private static ObjectNode evaluated() {
        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("dataset", "site A 2021-2023, temporal hold-out").put("patients", 412).put("images", 980)
                .put("auc", 0.87);
        metrics.putArray("aucCi95").add(0.83).add(0.90);
        metrics.put("threshold", 0.5).put("sensitivity", 0.81).put("specificity", 0.76);
        metrics.putObject("calibration").put("brier", 0.14).put("expectedCalibrationError", 0.035);
        return metrics;
    }

    private Path demoCardWith(Consumer<ObjectNode> change) throws IOException {
        ObjectNode card = (ObjectNode) JSON.readTree(DEMO.resolve("model.json").toFile());
        change.accept(card);
        Path file = temp.resolve("model.json");
        JSON.writeValue(file.toFile(), card);
        return file;
    }
}
