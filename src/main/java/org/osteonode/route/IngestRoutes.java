package org.osteonode.route;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.osteonode.config.Settings;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.UnreadableObjectException;
import org.osteonode.observe.Metrics;
import org.osteonode.clinical.ClinicalPath;
import org.osteonode.deid.ResearchArchiver;
import org.osteonode.pixels.UnsupportedTransferSyntaxException;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.store.DatabaseUnavailableException;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

/**
 * The pipeline from the spool: read the header once, record the instance, score it if it is an eligible
 * radiograph (clinical path), de-identify it into the archive (research path), write its proxy labels in
 * batches, release the spool file.
 * Failures are retried with exponential back-off; then the object goes to the quarantine with its reason.
 * An unreadable object goes there at once; a database outage is waited out, never quarantined.
 */
public final class IngestRoutes extends RouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
    static final String QUARANTINE = "direct:quarantine";
    private static final String LABELS = "direct:labels";
    /** Labels are written in batches of up to this many, or what arrived within the wait. */
    private static final int LABEL_BATCH = 100;
    private static final long LABEL_BATCH_WAIT_MILLIS = 250;
    private static final Duration DATABASE_RETRY_CAP = Duration.ofSeconds(30);

    private final Settings.Pipeline settings;
    private final Spool spool;
    private final Quarantine quarantine;
    private final InstanceIndex index;
    private final ClinicalPath clinical;
    private final ResearchArchiver research;
    private final LabelStore labels;
    private final Metrics metrics;

    public IngestRoutes(Settings.Pipeline settings, Spool spool, Quarantine quarantine, InstanceIndex index,
            ClinicalPath clinical, ResearchArchiver research, LabelStore labels, Metrics metrics) {
        this.settings = settings;
        this.spool = spool;
        this.quarantine = quarantine;
        this.index = index;
        this.clinical = clinical;
        this.research = research;
        this.labels = labels;
        this.metrics = metrics;
    }

    /** An object after the research path, and what became of it. */
    record Researched(ReceivedObject object, ResearchArchiver.Outcome outcome) {
    }

    /** The bounded queue between the receiver and the pipeline; the receiver waits while it is full. */
    public static String receivedEndpoint(Settings.Pipeline settings) {
        return "seda:received?size=" + settings.queueSize() + "&blockWhenFull=true";
    }

    @Override
    public void configure() {
        errorHandler(deadLetterChannel(QUARANTINE)
                .maximumRedeliveries(settings.maxAttempts() - 1)
                .redeliveryDelay(settings.retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false));

        onException(UnreadableObjectException.class)
                .maximumRedeliveries(0)
                .handled(true)
                .to(QUARANTINE);

        // An outage is not the object's fault: keep it in the spool and wait, however long it takes. While
        // the workers wait, the queue fills and receivers slow down; nothing is quarantined or lost.
        onException(DatabaseUnavailableException.class)
                .maximumRedeliveries(-1)
                .redeliveryDelay(settings.retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(DATABASE_RETRY_CAP.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false);

        from(receivedEndpoint(settings) + "&concurrentConsumers=" + settings.workers())
                .routeId("received")
                .shutdownRunningTask(ShutdownRunningTask.CompleteCurrentTaskOnly)
                .process(this::readHeader)
                .process(this::record)
                .process(this::score)
                .process(this::deidentify)
                .choice()
                    .when(exchange -> outcome(exchange) instanceof ResearchArchiver.Outcome.Archived).to(LABELS)
                    .when(exchange -> outcome(exchange) instanceof ResearchArchiver.Outcome.Skipped).process(this::release)
                .end();

        // Batched so that a burst of images costs one transaction per hundred labels, not one each. The spool
        // file goes only after its labels are committed: a crash before that repeats the (deterministic) work.
        from(LABELS)
                .routeId("labels")
                .aggregate(constant(true), AggregationStrategies.groupedBody())
                    .completionSize(LABEL_BATCH)
                    .completionTimeout(LABEL_BATCH_WAIT_MILLIS)
                    .forceCompletionOnStop()
                .process(this::writeLabels)
                .split(body())
                    .process(this::release);

        from(QUARANTINE)
                .routeId("quarantine")
                .process(this::quarantine);
    }

    /** Objects acknowledged before a restart arrive without a header: read it now, once. */
    private void readHeader(Exchange exchange) throws UnreadableObjectException {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        if (object.header() == null) {
            exchange.getIn().setBody(new ReceivedObject(object.file(), InstanceHeader.read(object.file())));
        }
    }

    private void record(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        boolean firstTime = index.record(object.header(), Files.size(object.file()));
        if (firstTime) {
            metrics.instanceRecorded();
        } else {
            metrics.instanceResent();
            log.info("event=instance.resent file={} sop_class={} note=\"already recorded; recorded once\"",
                    object.file().getFileName(), object.header().sopClassUid());
        }
    }

    /**
     * Clinical path first, while the object is still in the spool. A scoring failure must not cost the
     * research path its object: it is counted and logged; only a database outage is retried.
     */
    private void score(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        try {
            String skipped = clinical.process(object.file());
            if (skipped == null) {
                metrics.clinicalScored();
            } else {
                metrics.clinicalSkipped(skipped);
            }
        } catch (DatabaseUnavailableException e) {
            throw e;
        } catch (UnsupportedTransferSyntaxException e) {
            metrics.clinicalSkipped("no-decoder");
        } catch (Exception e) {
            metrics.clinicalSkipped("failed");
            log.warn("event=clinical.failed file={} error=\"{}: {}\"", object.file().getFileName(),
                    e.getClass().getSimpleName(), e.getMessage());
        }
        index.clinicalDone(object.header());
    }

    private void deidentify(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        ResearchArchiver.Outcome outcome = metrics.deidentification().recordCallable(() -> research.archive(object.file()));
        if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
            quarantine.put(object.file(), refused.reason(), refused.detail());
        }
        exchange.getIn().setBody(new Researched(object, outcome));
    }

    private static ResearchArchiver.Outcome outcome(Exchange exchange) {
        return exchange.getIn().getBody(Researched.class).outcome();
    }

    private void writeLabels(Exchange exchange) throws Exception {
        List<ProxyLabels> batch = new ArrayList<>();
        for (Object each : exchange.getIn().getBody(List.class)) {
            batch.add(((ResearchArchiver.Outcome.Archived) ((Researched) each).outcome()).labels());
        }
        labels.write(batch);
    }

    private void release(Exchange exchange) throws Exception {
        spool.remove(exchange.getIn().getBody(Researched.class).object().file());
    }

    /** The dead letter: whatever failed (one object, or a batch of labels), its spool files go to the quarantine. */
    private void quarantine(Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        boolean unreadable = cause instanceof UnreadableObjectException;
        String detail = cause == null ? "unknown failure"
                : unreadable ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        for (Path file : spoolFiles(exchange.getIn().getBody())) {
            if (Files.exists(file)) {
                quarantine.put(file, unreadable ? "unparseable" : "processing-failed", detail);
            }
        }
    }

    private static List<Path> spoolFiles(Object body) {
        if (body instanceof ReceivedObject object) {
            return List.of(object.file());
        }
        if (body instanceof Researched researched) {
            return List.of(researched.object().file());
        }
        List<Path> files = new ArrayList<>();
        if (body instanceof List<?> batch) {
            batch.forEach(each -> files.addAll(spoolFiles(each)));
        }
        return files;
    }
}
