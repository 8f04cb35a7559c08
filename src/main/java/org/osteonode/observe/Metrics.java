package org.osteonode.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;

import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/** osteonode's meters; the Prometheus names (DESIGN.md) are in each method's comment. */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /** osteonode_instances_received_total: C-STOREs answered Success. */
    public void instanceReceived() {
        registry.counter("osteonode.instances.received").increment();
    }

    /** osteonode_instances_rejected_total{reason}: C-STOREs answered with a failure status. */
    /** osteonode_research_skipped_total{reason}: objects indexed but not archived for research, and why. */
    public void researchSkipped(String reason) {
        registry.counter("osteonode.research.skipped", "reason", reason).increment();
    }

    public void instanceRejected(String reason) {
        registry.counter("osteonode.instances.rejected", "reason", reason).increment();
    }

    /** osteonode_instances_resent_total: instances received again after they were recorded. */
    public void instanceResent() {
        registry.counter("osteonode.instances.resent").increment();
    }

    /** osteonode_instances_recorded_total: instances recorded in PostgreSQL for the first time. */
    public void instanceRecorded() {
        registry.counter("osteonode.instances.recorded").increment();
    }

    /** osteonode_associations_rejected_total{reason}: A-ASSOCIATE-RJ sent. */
    public void associationRejected(String reason) {
        registry.counter("osteonode.associations.rejected", "reason", reason).increment();
    }

    /** osteonode_quarantined_total{reason}. */
    public void quarantined(String reason) {
        registry.counter("osteonode.quarantined", "reason", reason).increment();
    }

    /** osteonode_deid_seconds: de-identification of one object into the archive, labels included. */
    public Timer deidentification() {
        return Timer.builder("osteonode.deid").description("research path: read, de-identify, archive one object")
                .register(registry);
    }

    /** osteonode_sr_sent_total: reports the PACS accepted. */
    public void reportSent() {
        registry.counter("osteonode.sr.sent").increment();
    }

    /** osteonode_spool_oldest_seconds: how long the oldest object in the spool has waited (0 when none). */
    public void spoolOldest(Supplier<Number> seconds) {
        Gauge.builder("osteonode.spool.oldest.seconds", () -> seconds.get().doubleValue())
                .description("age of the oldest acknowledged object not yet processed by both paths")
                .register(registry);
    }

    /** The node's TLS certificate: seconds until it expires (alert well before 0), and its reloads. */
    public void tls(Supplier<Number> expirySeconds, Supplier<Number> reloads, Supplier<Number> failedReloads) {
        Gauge.builder("osteonode.tls.certificate.expiry.seconds", () -> expirySeconds.get().doubleValue())
                .description("seconds until the node's TLS certificate expires").register(registry);
        Gauge.builder("osteonode.tls.reloads", () -> reloads.get().doubleValue())
                .description("times the TLS files were read again and taken into use").register(registry);
        Gauge.builder("osteonode.tls.reload.failures", () -> failedReloads.get().doubleValue())
                .description("times the TLS files changed but could not be used (the previous ones stay)")
                .register(registry);
    }

    /** osteonode_database_restarts: how often the node has had to start its own PostgreSQL again. */
    public void databaseRestarts(Supplier<Number> restarts) {
        Gauge.builder("osteonode.database.restarts", () -> restarts.get().doubleValue())
                .description("times the embedded PostgreSQL died and was started again by the node").register(registry);
    }

    /** osteonode_outbox_pending and osteonode_outbox_dead: what waits for the PACS, and what gave up. */
    public void outbox(Supplier<Number> pending, Supplier<Number> dead) {
        Gauge.builder("osteonode.outbox.pending", () -> pending.get().doubleValue())
                .description("reports waiting to be sent to the PACS").register(registry);
        Gauge.builder("osteonode.outbox.dead", () -> dead.get().doubleValue())
                .description("reports that ran out of attempts; bin/osteonode outbox retry re-queues them")
                .register(registry);
    }

    /**
     * osteonode_inference_seconds{provider}: the model's time per image (its share of the batch's call).
     *
     * @param provider the execution provider in use, {@code ExecutionProvider.tag()}: cpu or cuda
     */
    public Timer inference(String provider) {
        return Timer.builder("osteonode.inference").description("clinical path: model time per image")
                .tag("provider", provider)
                .register(registry);
    }

    /** osteonode_inference_batch_size{provider}: images per model call. */
    public DistributionSummary inferenceBatchSize(String provider) {
        return DistributionSummary.builder("osteonode.inference.batch.size").description("images per model call")
                .tag("provider", provider)
                .register(registry);
    }

    /**
     * osteonode_inference_score{model,version}: the model's output per image, a histogram (_bucket, _count, _sum)
     * for drift monitoring. Its buckets are fixed, 0.05 to 1.0 in steps of 0.05, so that histograms of different
     * times, nodes and model versions compare bucket by bucket (docs/inference.md).
     *
     * <p>The Prometheus client's own histogram, registered beside Micrometer's meters in the same registry: a
     * Micrometer DistributionSummary rounds each value up to a whole number before it finds its bucket
     * (TimeWindowFixedBoundaryHistogram, Micrometer 1.17), so every score between 0 and 1 would count as 1.0.
     */
    private final Histogram scores = Histogram.builder()
            .name("osteonode_inference_score")
            .help("clinical path: the model's score per image; compare over time and between model versions")
            .labelNames("model", "version")
            .classicOnly()
            .classicUpperBounds(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8,
                    0.85, 0.9, 0.95, 1.0)
            .withoutExemplars()
            .register(registry.getPrometheusRegistry());

    /**
     * Where each of a model's scores goes: {@code osteonode_inference_score{model,version}}.
     *
     * @param model   the model card's name
     * @param version the model card's version
     */
    public DoubleConsumer inferenceScore(String model, String version) {
        return scores.labelValues(model, version)::observe;
    }

    /** osteonode_clinical_scored_total: images the model scored. */
    public void clinicalScored() {
        registry.counter("osteonode.clinical.scored").increment();
    }

    /** osteonode_clinical_skipped_total{reason}: images not scored (not CR/DX, for processing, body part, no decoder). */
    public void clinicalSkipped(String reason) {
        registry.counter("osteonode.clinical.skipped", "reason", reason).increment();
    }

    /** osteonode_spool_bytes: acknowledged objects waiting to be processed. */
    public void spoolBytes(Supplier<Number> bytes) {
        Gauge.builder("osteonode.spool.bytes", () -> bytes.get().doubleValue())
                .description("bytes of acknowledged objects waiting in the spool")
                .register(registry);
    }

    public double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
