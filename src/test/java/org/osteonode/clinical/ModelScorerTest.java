package org.osteonode.clinical;

import org.junit.jupiter.api.Test;
import org.osteonode.observe.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batcher with a model double: each image's score is its tensor's first value. */
class ModelScorerTest {
    private final Metrics metrics = new Metrics();
    private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

    private float[] echo(List<float[]> tensors) {
        batches.add(tensors.size());
        float[] scores = new float[tensors.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = tensors.get(i)[0];
        }
        return scores;
    }

    @Test
    void closingWaitsForTheBatchInTheModelSoThatTheModelCanBeClosedAfter() throws Exception {
        // ONNX Runtime crashes the JVM when its session is closed under a running batch (seen at SIGTERM).
        CountDownLatch inModel = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        ModelScorer.Model slow = tensors -> {
            inModel.countDown();
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // like native code: deaf to interrupts
            }
            finished.set(true);
            return echo(tensors);
        };
        ModelScorer scorer = new ModelScorer(slow, 8, Duration.ZERO, null, metrics, "cpu", "test model", "1");
        scorer.submit(new float[] {0.5f});
        inModel.await();

        assertThat(scorer.close(Duration.ofSeconds(10))).isTrue();
        assertThat(finished).as("the batch finished before close returned").isTrue();
    }

    @Test
    void closingGivesUpAfterItsWaitAndSaysTheModelMustStayOpen() throws Exception {
        CountDownLatch inModel = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ModelScorer.Model stuck = tensors -> {
            inModel.countDown();
            while (release.getCount() > 0) {
                Thread.onSpinWait();
            }
            return echo(tensors);
        };
        ModelScorer scorer = new ModelScorer(stuck, 8, Duration.ZERO, null, metrics, "cpu", "test model", "1");
        scorer.submit(new float[] {0.5f});
        inModel.await();

        assertThat(scorer.close(Duration.ofMillis(100))).isFalse();
        release.countDown();
    }

    @Test
    void batchesGrowWithTheBacklogNotWithTheNumberOfWorkers() throws Exception {
        CountDownLatch firstCall = new CountDownLatch(1);
        CountDownLatch modelFree = new CountDownLatch(1);
        ModelScorer.Model slow = tensors -> {
            firstCall.countDown();
            modelFree.await();
            return echo(tensors);
        };
        try (ModelScorer scorer = new ModelScorer(slow, 8, Duration.ZERO, null, metrics, "cpu", "test model", "1")) {
            List<CompletableFuture<Double>> scores = new ArrayList<>();
            scores.add(scorer.submit(new float[] {0.5f}));
            firstCall.await();
            // one worker, never waiting for a score: 16 images queue up while the model is busy
            for (int i = 1; i <= 16; i++) {
                scores.add(scorer.submit(new float[] {i / 100f}));
            }
            modelFree.countDown();

            assertThat(scores.get(0).get()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
            for (int i = 1; i <= 16; i++) {
                assertThat(scores.get(i).get()).as("image " + i).isEqualTo(i / 100.0, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(batches).containsExactly(1, 8, 8);
        assertThat(metrics.registry().find("osteonode.inference").timer().count()).as("timed per image").isEqualTo(17);
        assertThat(metrics.registry().find("osteonode.inference.batch.size").summary().max()).isEqualTo(8);
    }

    @Test
    void imagesArrivingWithinTheWaitShareACall() throws Exception {
        try (ModelScorer scorer = new ModelScorer(this::echo, 8, Duration.ofMillis(500), null, metrics, "cpu",
                "test model", "1")) {
            CompletableFuture<Double> first = scorer.submit(new float[] {0.1f});
            CompletableFuture<Double> second = scorer.submit(new float[] {0.2f});
            CompletableFuture<Double> third = scorer.submit(new float[] {0.3f});

            CompletableFuture.allOf(first, second, third).get();
        }
        assertThat(batches).containsExactly(3);
    }

    @Test
    void everyScoreGoesIntoTheHistogramOfItsModelVersionWithFixedBuckets() throws Exception {
        try (ModelScorer scorer = new ModelScorer(this::echo, 8, Duration.ZERO, null, metrics, "cpu",
                "spine model", "2.1.0")) {
            scorer.submit(new float[] {0.07f}).get();
            scorer.submit(new float[] {0.93f}).get();
        }

        String bucket = "osteonode_inference_score_bucket{model=\"spine model\",version=\"2.1.0\",le=";
        assertThat(metrics.scrape())
                .contains("osteonode_inference_score_count{model=\"spine model\",version=\"2.1.0\"} 2")
                .contains(bucket + "\"0.05\"} 0\n")
                .contains(bucket + "\"0.1\"} 1\n")
                .contains(bucket + "\"0.15\"} 1\n")
                .contains(bucket + "\"0.9\"} 1\n")
                .contains(bucket + "\"0.95\"} 2\n")
                .contains(bucket + "\"1.0\"} 2\n")
                .contains(bucket + "\"+Inf\"} 2\n");
    }

    @Test
    void aFailingCallFailsItsImagesOnlyAndTheNextCallWorks() throws Exception {
        ModelScorer.Model flaky = tensors -> {
            if (tensors.get(0)[0] < 0) {
                throw new IllegalStateException("the runtime refused the batch");
            }
            return echo(tensors);
        };
        try (ModelScorer scorer = new ModelScorer(flaky, 8, Duration.ZERO, null, metrics, "cpu", "test model", "1")) {
            CompletableFuture<Double> bad = scorer.submit(new float[] {-1f});
            assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class).hasMessageContaining("refused");

            assertThat(scorer.submit(new float[] {0.7f}).get()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void afterCloseNothingWaitsForever() throws Exception {
        ModelScorer scorer = new ModelScorer(this::echo, 8, Duration.ZERO, null, metrics, "cpu", "test model", "1");
        scorer.close();

        assertThatThrownBy(() -> scorer.submit(new float[] {0.1f}).get()).hasMessageContaining("closed");
    }
}
