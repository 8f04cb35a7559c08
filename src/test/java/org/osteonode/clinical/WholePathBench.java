package org.osteonode.clinical;

import com.pixelmed.dicom.AttributeList;
import org.osteonode.config.ProviderRequest;
import org.osteonode.dicom.EncodedHeader;
import org.osteonode.inference.OnnxModel;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.MonochromeFrame;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.pixels.Preprocessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code WholePathBench MODEL_DIR DICOM_DIR RUNS}: per-image latency of the clinical path over the DICOM files of a
 * folder, each file's header read first as the receiver reads it ({@link EncodedHeader}). Prints two lines:
 * <ul>
 *   <li>{@code PREPROCESS files p50_ms p95_ms}: the header parsed from memory, Pixel Data decoded, rescaled,
 *   windowed, resized, normalised into the model's tensor, as a clinical worker does it;</li>
 *   <li>{@code WHOLE files p50_ms p95_ms images_per_s}: the same, then the model's score ({@link ModelScorer},
 *   one image per call).</li>
 * </ul>
 */
public final class WholePathBench {
    public static void main(String[] args) throws Exception {
        List<EncodedHeader> headers = new ArrayList<>();
        try (Stream<Path> list = Files.list(Path.of(args[1]))) {
            for (Path file : list.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
                headers.add(EncodedHeader.read(file));
            }
        }
        int runs = Integer.parseInt(args[2]);
        try (OnnxModel model = OnnxModel.load(Path.of(args[0]), ProviderRequest.CPU, 1)) {
            ModelScorer scorer = ModelScorer.of(model, Duration.ZERO, new Metrics());
            Preprocessor preprocessor = new Preprocessor(ModelScorer.inputSpec(model.card()));
            for (EncodedHeader header : headers.subList(0, Math.min(10, headers.size()))) {
                preprocessor.tensor(frame(header)); // warm-up
                scorer.score(frame(header)).get();
            }
            double[] preprocess = new double[headers.size() * runs];
            double[] whole = new double[headers.size() * runs];
            int i = 0;
            long start = System.nanoTime();
            for (int run = 0; run < runs; run++) {
                for (EncodedHeader header : headers) {
                    long t0 = System.nanoTime();
                    preprocessor.tensor(frame(header));
                    long t1 = System.nanoTime();
                    scorer.score(frame(header)).get();
                    long t2 = System.nanoTime();
                    preprocess[i] = (t1 - t0) / 1e6;
                    whole[i++] = (t2 - t1) / 1e6;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "PREPROCESS %d %.2f %.2f%n", headers.size(), percentile(preprocess, 50),
                    percentile(preprocess, 95));
            System.out.printf(Locale.ROOT, "WHOLE %d %.2f %.2f %.2f%n", headers.size(), percentile(whole, 50),
                    percentile(whole, 95), whole.length / (seconds - Arrays.stream(preprocess).sum() / 1e3));
            scorer.close();
        }
    }

    private static MonochromeFrame frame(EncodedHeader header) throws Exception {
        AttributeList attributes = header.attributes();
        return PixelDataDecoder.firstFrame(attributes, header.file(), header.pixelDataOffset());
    }

    private static double percentile(double[] values, int percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }
}
