package org.osteonode.clinical;

import org.osteonode.inference.OnnxModel;
import org.osteonode.config.ProviderRequest;
import org.osteonode.observe.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code WholePathBench MODEL_DIR DICOM_DIR RUNS}: per-image latency of the clinical path's scoring, decode
 * to score ({@link ModelScorer}), over the DICOM files of a folder; prints "files p50_ms p95_ms images_per_s".
 */
public final class WholePathBench {
    public static void main(String[] args) throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(args[1]))) {
            files = list.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        int runs = Integer.parseInt(args[2]);
        try (OnnxModel model = OnnxModel.load(Path.of(args[0]), ProviderRequest.CPU, 1)) {
            ModelScorer scorer = ModelScorer.of(model, java.time.Duration.ZERO, new Metrics());
            for (Path file : files.subList(0, Math.min(5, files.size()))) {
                scorer.score(file).get(); // warm-up
            }
            double[] millis = new double[files.size() * runs];
            int i = 0;
            long start = System.nanoTime();
            for (int run = 0; run < runs; run++) {
                for (Path file : files) {
                    long t0 = System.nanoTime();
                    scorer.score(file).get();
                    millis[i++] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(millis);
            System.out.printf("RESULT %d %.2f %.2f %.2f%n", files.size(), millis[millis.length / 2],
                    millis[(int) (millis.length * 0.95)], millis.length / seconds);
        }
    }
}
