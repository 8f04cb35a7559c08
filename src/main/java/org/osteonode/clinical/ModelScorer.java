package org.osteonode.clinical;

import io.micrometer.core.instrument.Timer;
import org.osteonode.inference.ModelCard;
import org.osteonode.inference.OnnxModel;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.InputSpec;
import org.osteonode.pixels.Preprocessor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A carded ONNX model as an {@link ImageScorer}: the card's pre-processing, in the caller's thread, then the
 * model. Model calls are batched: while one call runs, the tensors of other images wait, and the next call
 * takes all of them (up to {@code osteonode.inference.batch-size}). No image waits for a batch to fill.
 */
public final class ModelScorer implements ImageScorer {
    private final OnnxModel model;
    private final Preprocessor preprocessor;
    private final Timer inference;
    private final BlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>();
    private final Object modelCall = new Object();

    private record Waiting(float[] tensor, CompletableFuture<Double> score) {
    }

    public ModelScorer(OnnxModel model, Metrics metrics) {
        this.model = model;
        ModelCard.Input input = model.card().input();
        ModelCard.Normalization normalization = input.normalization();
        this.preprocessor = new Preprocessor(new InputSpec(input.height(), input.width(), input.channels(),
                normalization.mean(), normalization.std(), normalization.windowLowPercentile(),
                normalization.windowHighPercentile()));
        this.inference = metrics.inference(model.provider().tag());
    }

    @Override
    public double score(Path dicomFile) throws Exception {
        Waiting mine = new Waiting(preprocessor.tensor(dicomFile), new CompletableFuture<>());
        waiting.add(mine);
        synchronized (modelCall) {
            while (!mine.score().isDone()) {
                List<Waiting> batch = new ArrayList<>();
                waiting.drainTo(batch, model.maxBatch());
                run(batch);
            }
        }
        return mine.score().join();
    }

    private void run(List<Waiting> batch) {
        try {
            List<float[]> tensors = batch.stream().map(Waiting::tensor).toList();
            float[] scores = inference.recordCallable(() -> model.score(tensors));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).score().complete((double) scores[i]);
            }
        } catch (Exception e) {
            batch.forEach(w -> w.score().completeExceptionally(e));
        }
    }
}
