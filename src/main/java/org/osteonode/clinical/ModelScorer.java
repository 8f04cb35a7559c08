package org.osteonode.clinical;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import org.osteonode.inference.ModelCard;
import org.osteonode.inference.OnnxModel;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.InputSpec;
import org.osteonode.pixels.MonochromeFrame;
import org.osteonode.pixels.Preprocessor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * A carded ONNX model as an {@link ImageScorer}, with one batcher. Pre-processing runs in the caller's thread (a
 * clinical worker), then the tensor waits for the batcher and the worker goes on to its next image. The batcher
 * calls the model with the tensors that are waiting, up to {@code osteonode.inference.batch-size}; once it has
 * one, it waits at most {@code osteonode.inference.max-wait-ms} for more, never for a batch to fill. So batches
 * grow with the backlog, not with the number of workers: what a GPU needs.
 */
public final class ModelScorer implements ImageScorer, AutoCloseable {
    /** The model as the batcher calls it: tensors in, one score each, in order. */
    @FunctionalInterface
    public interface Model {
        float[] score(List<float[]> tensors) throws Exception;
    }

    /** Tensors waiting for the model, at most this many batches' worth; then workers wait (memory stays bounded). */
    private static final int WAITING_BATCHES = 4;

    private final Model model;
    private final int maxBatch;
    private final Duration maxWait;
    private final Preprocessor preprocessor;
    private final Timer inference;
    private final DistributionSummary batchSizes;
    private final DoubleConsumer scoreDistribution;
    private final BlockingQueue<Waiting> waiting;
    /** How long closing waits for the batch in the model: a large model's batch on a CPU takes seconds. */
    public static final Duration BATCH_WAIT = Duration.ofSeconds(60);

    private final Thread batcher;
    private volatile boolean open = true;

    private record Waiting(float[] tensor, CompletableFuture<Double> score) {
    }

    /**
     * @param provider     the execution provider's tag, for the inference time and batch size
     * @param modelName    the card's name, and {@code modelVersion} its version: the score histogram's tags
     */
    ModelScorer(Model model, int maxBatch, Duration maxWait, Preprocessor preprocessor, Metrics metrics,
            String provider, String modelName, String modelVersion) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxWait = maxWait;
        this.preprocessor = preprocessor;
        this.inference = metrics.inference(provider);
        this.batchSizes = metrics.inferenceBatchSize(provider);
        this.scoreDistribution = metrics.inferenceScore(modelName, modelVersion);
        this.waiting = new ArrayBlockingQueue<>(maxBatch * WAITING_BATCHES);
        this.batcher = new Thread(this::batches, "model-batcher");
        batcher.setDaemon(true);
        batcher.start();
    }

    /** The model with its card's pre-processing. */
    public static ModelScorer of(OnnxModel model, Duration maxWait, Metrics metrics) {
        return new ModelScorer(model::score, model.maxBatch(), maxWait, new Preprocessor(inputSpec(model.card())),
                metrics, model.provider().tag(), model.card().name(), model.card().version());
    }

    /** What the card says the model takes. */
    static InputSpec inputSpec(ModelCard card) {
        ModelCard.Input input = card.input();
        ModelCard.Normalization normalization = input.normalization();
        return new InputSpec(input.height(), input.width(), input.channels(), normalization.mean(),
                normalization.std(), normalization.windowLowPercentile(), normalization.windowHighPercentile());
    }

    @Override
    public CompletableFuture<Double> score(MonochromeFrame frame) throws Exception {
        return submit(preprocessor.tensor(frame));
    }

    /** Queues a pre-processed tensor for the model; waits only while the batcher's queue is full. */
    CompletableFuture<Double> submit(float[] tensor) throws InterruptedException {
        Waiting mine = new Waiting(tensor, new CompletableFuture<>());
        if (!open) {
            mine.score().completeExceptionally(new IllegalStateException("the model is closed"));
        } else {
            waiting.put(mine);
        }
        return mine.score();
    }

    private void batches() {
        while (open) {
            try {
                Waiting first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Waiting> batch = new ArrayList<>(maxBatch);
                batch.add(first);
                long deadline = System.nanoTime() + maxWait.toNanos();
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Waiting next = left > 0 ? waiting.poll(left, TimeUnit.NANOSECONDS) : waiting.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(List<Waiting> batch) {
        try {
            long start = System.nanoTime();
            float[] scores = model.score(batch.stream().map(Waiting::tensor).toList());
            long perImage = (System.nanoTime() - start) / batch.size();
            batchSizes.record(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                inference.record(perImage, TimeUnit.NANOSECONDS);
                scoreDistribution.accept(scores[i]);
                batch.get(i).score().complete((double) scores[i]);
            }
        } catch (Exception | Error e) {
            // one bad batch fails its images only; the batcher goes on
            batch.forEach(w -> w.score().completeExceptionally(e));
        }
    }

    /**
     * Stops the batcher; images still waiting fail (their objects stay in the spool for the next start). Returns
     * once the batch in the model has finished, so that the model can then be closed: ONNX Runtime crashes the
     * JVM (SIGSEGV) when a session is closed under a running batch, and an interrupt does not stop native code.
     *
     * @return false when the batcher was still in the model after {@code wait}: the model must not be closed
     */
    public boolean close(Duration wait) {
        open = false;
        batcher.interrupt();
        List<Waiting> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(w -> w.score().completeExceptionally(new IllegalStateException("the model is closed")));
        try {
            batcher.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !batcher.isAlive();
    }

    @Override
    public void close() {
        close(BATCH_WAIT);
    }
}
