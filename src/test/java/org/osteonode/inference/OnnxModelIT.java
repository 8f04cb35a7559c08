package org.osteonode.inference;

import org.osteonode.config.ProviderRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The bundled demo model through DJL and the real ONNX Runtime, on the CPU. */
class OnnxModelIT {
    private static final Path DEMO = Path.of("model/demo");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OnnxModel model;

    @TempDir
    Path temp;

    @BeforeAll
    static void load() {
        model = OnnxModel.load(DEMO, ProviderRequest.CPU, 8);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aBatchOfThreeDifferentImagesGivesThreeDifferentProbabilities() {
        float[] scores = model.score(List.of(constant(-1.5f), noise(0f, 1), constant(1.5f)));

        assertThat(model.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(scores).hasSize(3);
        for (float score : scores) {
            assertThat(score).isBetween(0f, 1f);
        }
        assertThat(scores[0]).isNotEqualTo(scores[1]);
        assertThat(scores[1]).isNotEqualTo(scores[2]);
        assertThat(scores[0]).isNotEqualTo(scores[2]);
    }

    @Test
    void theRuntimeReproducesWhatPyTorchComputedForTheDemoModel() throws IOException {
        JsonNode reference = JSON.readTree(DEMO.resolve("reference-outputs.json").toFile()).get("outputs");
        ModelCard.Normalization normalization = model.card().input().normalization();
        List<float[]> images = new ArrayList<>();
        for (JsonNode output : reference) {
            images.add(constant((float) ((output.get("pixel").asDouble() - normalization.mean()) / normalization.std())));
        }

        float[] scores = model.score(images);

        assertThat(scores).hasSize(reference.size());
        for (int i = 0; i < scores.length; i++) {
            assertThat((double) scores[i]).isCloseTo(reference.get(i).get("probability").asDouble(), within(1e-4));
        }
    }

    @Test
    void loadingTheDemoCheckedThatItReproducesItsReferenceOutputs() {
        ReferenceOutputs.Comparison comparison = model.referenceOutputs().orElseThrow();

        assertThat(comparison.compared()).isEqualTo(5);
        assertThat(comparison.reproduced()).isEqualTo(5);
        assertThat(comparison.problems()).isEmpty();
    }

    @Test
    void batchingChangesNoScore() {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 11; i++) { // more than one batch of 8, and a short last one
            images.add(noise(i / 5f - 1f, i));
        }

        float[] together = model.score(images);

        for (int i = 0; i < images.size(); i++) {
            assertThat(model.score(List.of(images.get(i)))[0]).isCloseTo(together[i], within(1e-5f));
        }
    }

    @Test
    void threadsScoringAtOnceGetWhatOneThreadGets() throws Exception {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            images.add(noise(i / 6f - 1f, 100 + i));
        }
        float[] expected = model.score(images);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> model.score(images)));
            }
            for (Future<float[]> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).containsExactly(expected, within(1e-6f));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theDemoCardCarriesAValidDeviceUidThatMatchesTheOnnxFile() {
        assertThat(ModelCard.uidProblem(model.card().deviceUid())).isNull();
        assertThat(model.card().deviceUid()).matches("2\\.25\\.[1-9][0-9]*");
    }

    @Test
    void djlRunsOffline() {
        assertThat(ai.djl.util.Utils.isOfflineMode()).isTrue();
    }

    @Test
    void autoUsesTheCpuUnlessThisHostHasTheGpuBuildAndAGpu() {
        RuntimeProbe probe = RuntimeProbe.ofThisHost();
        try (OnnxModel auto = OnnxModel.load(DEMO, ProviderRequest.AUTO, 1)) {
            assertThat(auto.provider()).isEqualTo(probe.gpuBuildOnClassPath() && probe.cudaDeviceVisible()
                    ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
            assertThat(auto.score(List.of(constant(0f)))[0]).isBetween(0f, 1f);
        }
    }

    @Test
    void whenCudaCannotOpenAutoFallsBackToTheCpuAndCudaRefusesToStart() {
        // The probe claims a GPU; on this host ONNX Runtime then fails to open a CUDA session, as it does on a
        // GPU host whose CUDA or cuDNN libraries are missing.
        RuntimeProbe claimsAGpu = new RuntimeProbe(true, true);
        assumeFalse(RuntimeProbe.ofThisHost().equals(claimsAGpu), "this host really has CUDA");

        try (OnnxModel auto = OnnxModel.load(DEMO, ProviderRequest.AUTO, claimsAGpu, 8)) {
            assertThat(auto.providerChoice()).isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "cuda-session-failed"));
            assertThat(auto.score(List.of(constant(0f)))[0]).isBetween(0f, 1f);
        }
        assertThatThrownBy(() -> OnnxModel.load(DEMO, ProviderRequest.CUDA, claimsAGpu, 8))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("could not open a CUDA session")
                .hasMessageContaining("cuDNN 9");
    }

    @Test
    void aCardFromAnotherRunOfTheScriptIsRefused() throws IOException {
        Path dir = demoCopyWith(card -> card.put("deviceUid", "2.25.1234"));

        assertThatThrownBy(() -> OnnxModel.load(dir, ProviderRequest.CPU, 8))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("2.25.1234")
                .hasMessageContaining("belongs to another model");
    }

    @Test
    void aCardThatNamesAnotherInputOrOutputIsRefusedAtLoad() throws IOException {
        Path wrongInput = demoCopyWith(card -> ((ObjectNode) card.get("input")).put("name", "pixels"));
        assertThatThrownBy(() -> OnnxModel.load(wrongInput, ProviderRequest.CPU, 8))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("no input named 'pixels'")
                .hasMessageContaining("[image]");

        Path wrongOutput = demoCopyWith(card -> ((ObjectNode) card.get("output")).put("name", "score"));
        assertThatThrownBy(() -> OnnxModel.load(wrongOutput, ProviderRequest.CPU, 8))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("no output named 'score'");
    }

    @Test
    void aCardWithAnotherImageSizeIsRefusedAtLoad() throws IOException {
        Path dir = demoCopyWith(card -> ((ObjectNode) card.get("input")).putArray("shape").add(-1).add(1).add(128).add(100));

        assertThatThrownBy(() -> OnnxModel.load(dir, ProviderRequest.CPU, 8))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("does not run on the input model.json describes");
    }

    @Test
    void aMissingOnnxFileIsNamed() throws IOException {
        Files.copy(DEMO.resolve("model.json"), temp.resolve("model.json"));

        assertThatThrownBy(() -> OnnxModel.load(temp, ProviderRequest.CPU, 8))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("model.onnx is missing");
    }

    @Test
    void anImageOfTheWrongSizeIsRefusedAndAClosedModelScoresNothing() {
        assertThatThrownBy(() -> model.score(List.of(new float[100])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 x 256");

        OnnxModel other = OnnxModel.load(DEMO, ProviderRequest.CPU, 2);
        other.close();
        other.close();
        assertThatThrownBy(() -> other.score(List.of(constant(0f)))).isInstanceOf(IllegalStateException.class);
    }

    private Path demoCopyWith(java.util.function.Consumer<ObjectNode> change) throws IOException {
        Path dir = Files.createTempDirectory(temp, "model");
        Files.copy(DEMO.resolve("model.onnx"), dir.resolve("model.onnx"));
        ObjectNode card = (ObjectNode) JSON.readTree(DEMO.resolve("model.json").toFile());
        change.accept(card);
        JSON.writeValue(dir.resolve("model.json").toFile(), card);
        return dir;
    }

    /** An image already standardised as the card says: every value the same. */
    private static float[] constant(float value) {
        float[] image = new float[256 * 256];
        Arrays.fill(image, value);
        return image;
    }

    private static float[] noise(float mean, long seed) {
        Random random = new Random(seed);
        float[] image = new float[256 * 256];
        for (int i = 0; i < image.length; i++) {
            image[i] = mean + (float) random.nextGaussian() * 0.6f;
        }
        return image;
    }
}
