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
                .hasMessageContaining(message);
    }

    private Path demoCardWith(Consumer<ObjectNode> change) throws IOException {
        ObjectNode card = (ObjectNode) JSON.readTree(DEMO.resolve("model.json").toFile());
        change.accept(card);
        Path file = temp.resolve("model.json");
        JSON.writeValue(file.toFile(), card);
        return file;
    }
}
