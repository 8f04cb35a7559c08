package org.osteonode.clinical;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.inference.OnnxModel;
import org.osteonode.config.ProviderRequest;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Images scored at the same time share model calls, and each gets the score it would get alone. */
class ModelScorerIT {
    private static final int IMAGES = 48;
    @TempDir
    Path temp;

    @Test
    void concurrentImagesAreBatchedWithoutChangingTheirScores() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= IMAGES; i++) {
            files.add(SyntheticDicom.radiograph().instance(i).size(384, 256).write(temp.resolve(i + ".dcm")));
        }
        Metrics metrics = new Metrics();
        try (OnnxModel model = OnnxModel.load(Path.of("model/demo"), ProviderRequest.CPU, 8)) {
            ModelScorer alone = ModelScorer.of(model, java.time.Duration.ZERO, new Metrics());
            List<Double> expected = new ArrayList<>();
            for (Path file : files) {
                expected.add(alone.score(PixelDataDecoder.firstFrame(file)).get());
            }
            ModelScorer shared = ModelScorer.of(model, java.time.Duration.ofMillis(5), metrics);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Double>> scores = new ArrayList<>();
            for (Path file : files) {
                scores.add(pool.submit(() -> shared.score(PixelDataDecoder.firstFrame(file)).get()));
            }
            for (int i = 0; i < files.size(); i++) {
                assertThat(scores.get(i).get()).isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-5));
            }
            pool.shutdown();
            alone.close();
            shared.close();
        }
        assertThat(metrics.registry().find("osteonode.inference").timer().count()).as("per image").isEqualTo(IMAGES);
        long calls = metrics.registry().find("osteonode.inference.batch.size").summary().count();
        assertThat(calls).as("model calls for " + IMAGES + " images from 8 threads").isLessThan(IMAGES);
    }
}
