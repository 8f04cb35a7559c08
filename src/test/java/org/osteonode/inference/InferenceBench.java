package org.osteonode.inference;

import org.osteonode.config.ProviderRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * bench/inference, the ONNX call alone: scores IMAGES random 256 x 256 tensors through {@link OnnxModel} on the
 * CPU, in calls of 1 and of 8 images, RUNS times each, and prints one line per batch size:
 * {@code onnx batch images_per_second call_p50_ms call_p95_ms ms_per_image} (medians over the runs).
 *
 * <p>Usage: {@code InferenceBench MODEL_DIR IMAGES RUNS}
 */
public final class InferenceBench {
    private InferenceBench() {
    }

    public static void main(String[] args) {
        Path modelDir = Path.of(args.length > 0 ? args[0] : "model/demo");
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (OnnxModel model = OnnxModel.load(modelDir, ProviderRequest.CPU, 8)) {
            int pixels = model.card().input().height() * model.card().input().width();
            List<float[]> data = randomImages(images, pixels);
            for (int batch : new int[] {1, 8}) {
                measure(model, data.subList(0, Math.min(images, 32)), batch); // warm-up: ONNX Runtime plans memory on first calls
                double[] rates = new double[runs];
                double[] p50 = new double[runs];
                double[] p95 = new double[runs];
                for (int run = 0; run < runs; run++) {
                    double[] calls = measure(model, data, batch);
                    double total = Arrays.stream(calls).sum();
                    rates[run] = images / (total / 1e3);
                    Arrays.sort(calls);
                    p50[run] = calls[calls.length / 2];
                    p95[run] = calls[Math.min(calls.length - 1, (int) Math.ceil(calls.length * 0.95) - 1)];
                }
                double rate = median(rates);
                System.out.printf(Locale.ROOT, "onnx %d %.1f %.2f %.2f %.2f%n", batch, rate, median(p50), median(p95),
                        1e3 / rate);
            }
        }
    }

    /** @return the wall time of each call, in milliseconds */
    private static double[] measure(OnnxModel model, List<float[]> data, int batch) {
        double[] calls = new double[(data.size() + batch - 1) / batch];
        for (int from = 0, call = 0; from < data.size(); from += batch, call++) {
            List<float[]> images = data.subList(from, Math.min(data.size(), from + batch));
            long start = System.nanoTime();
            model.score(images);
            calls[call] = (System.nanoTime() - start) / 1e6;
        }
        return calls;
    }

    private static List<float[]> randomImages(int count, int pixels) {
        Random random = new Random(1);
        List<float[]> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] image = new float[pixels];
            float mean = random.nextFloat() * 3 - 1.5f;
            for (int p = 0; p < pixels; p++) {
                image[p] = mean + (float) random.nextGaussian() * 0.6f;
            }
            images.add(image);
        }
        return images;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
