package org.osteonode.route;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.osteonode.clinical.ClinicalPath;
import org.osteonode.config.Settings;
import org.osteonode.research.ResearchArchiver;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.ReceivedObjectSink;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.UnreadableObjectException;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.observe.Metrics;
import org.osteonode.store.DatabaseUnavailableException;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two independent paths from the spool. Research: read the header, count the receipt, de-identify into
 * the archive, write the proxy labels in batches. Clinical: score the object if it is an eligible radiograph.
 * The receiver offers each acknowledged object to both and waits for neither ({@link PathQueue}); an object
 * leaves the spool when both are done with it. Failures are retried with exponential back-off; then a copy
 * goes to the quarantine with its reason and the path is done with it. A database outage is waited out.
 */
public final class IngestRoutes extends RouteBuilder implements ReceivedObjectSink {
    private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
    static final String QUARANTINE = "direct:quarantine";
    private static final String LABELS = "direct:labels";

    private static final String PATH = "osteonode.path";
    /** Labels are written in batches of up to this many, or what arrived within the wait. */
    private static final int LABEL_BATCH = 100;
    private static final long LABEL_BATCH_WAIT_MILLIS = 250;
    private static final long SPOOL_SCAN_MILLIS = 1000;
    private static final Duration DATABASE_RETRY_CAP = Duration.ofSeconds(30);

    private final Settings.Processing settings;
    private final Spool spool;
    private final Quarantine quarantine;
    private final InstanceIndex index;
    private final ClinicalPath clinical;
    private final ResearchArchiver research;
    private final LabelStore labels;
    private final Metrics metrics;
    private final Map<ProcessingPath, PathQueue> queues;
    private final String scoredEndpoint;

    public IngestRoutes(Settings.Processing settings, Spool spool, Quarantine quarantine, InstanceIndex index,
            ClinicalPath clinical, ResearchArchiver research, LabelStore labels, Metrics metrics) {
        this.settings = settings;
        this.spool = spool;
        this.quarantine = quarantine;
        this.index = index;
        this.clinical = clinical;
        this.research = research;
        this.labels = labels;
        this.metrics = metrics;
        // Images whose score arrived from the model: no more than the clinical path has in flight.
        this.scoredEndpoint = "seda:clinical-scored?size=" + PathQueue.room(settings.queueSize());
        this.queues = Map.of(
                ProcessingPath.RESEARCH, new PathQueue(ProcessingPath.RESEARCH, spool, settings.queueSize(), false),
                // A backfill must not delay the report of a study that arrived a minute ago.
                ProcessingPath.CLINICAL, new PathQueue(ProcessingPath.CLINICAL, spool, settings.queueSize(), true));
    }

    /** An object after the research path, and what became of it. */
    record Researched(ReceivedObject object, ResearchArchiver.Outcome outcome) {
    }

    /** An image the model answered for: its score, or why it has none. */
    record Scored(ReceivedObject object, ClinicalPath.Image image, Double score, Throwable failure) {
    }

    /** How often the spool is checked for objects waiting longer than {@code osteonode.spool.stale-minutes}. */
    private static final long STALE_CHECK_MILLIS = 10 * 60 * 1000;

    /** Takes of one object by one path, counted across restarts, before it is quarantined as a poison pill. */
    static final int TAKES_BEFORE_QUARANTINE = 5;

    private volatile ProducerTemplate producer;

    /** Called once the routes run; until then objects wait in the spool. */
    void connect(ProducerTemplate producer) {
        this.producer = producer;
        queues.values().forEach(queue -> queue.connect(producer));
    }

    /** From the receiver, right after Success is sent: never waits, whatever the paths are doing. */
    @Override
    public void accept(ReceivedObject object) {
        queues.values().forEach(queue -> queue.offer(object));
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

        // An outage is not the object's fault: keep it in the spool and wait, however long it takes. Meanwhile
        // receivers go on acknowledging into the spool; nothing is quarantined or lost.
        onException(DatabaseUnavailableException.class)
                .maximumRedeliveries(-1)
                .redeliveryDelay(settings.retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(DATABASE_RETRY_CAP.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false);

        from(queues.get(ProcessingPath.RESEARCH).endpoint() + "&concurrentConsumers=" + settings.researchWorkers())
                .routeId("research")
                .shutdownRunningTask(ShutdownRunningTask.CompleteCurrentTaskOnly)
                .setProperty(PATH, constant(ProcessingPath.RESEARCH))
                .process(this::take)
                .process(this::record)
                .process(this::deidentify)
                .choice()
                    .when(exchange -> outcome(exchange) instanceof ResearchArchiver.Outcome.Archived).to(LABELS)
                    .otherwise().process(this::researchDone)
                .end();

        // Batched so that a burst of images costs one transaction per hundred labels, not one each. The path is
        // done with an object only after its labels are committed: a crash before that repeats the work.
        from(LABELS)
                .routeId("labels")
                .aggregate(constant(true), AggregationStrategies.groupedBody())
                    .completionSize(LABEL_BATCH)
                    .completionTimeout(LABEL_BATCH_WAIT_MILLIS)
                    .forceCompletionOnStop()
                .setProperty(PATH, constant(ProcessingPath.RESEARCH))
                .process(this::writeLabels)
                .split(body())
                    .process(this::researchDone);

        from(queues.get(ProcessingPath.CLINICAL).endpoint() + "&concurrentConsumers=" + settings.clinicalWorkers())
                .routeId("clinical")
                .shutdownRunningTask(ShutdownRunningTask.CompleteCurrentTaskOnly)
                .setProperty(PATH, constant(ProcessingPath.CLINICAL))
                .process(this::take)
                .process(this::score);

        // The model answers in its own time; the worker that sent an image went on to the next one meanwhile.
        from(scoredEndpoint)
                .routeId("clinical-scored")
                .setProperty(PATH, constant(ProcessingPath.CLINICAL))
                .process(this::keepScore);

        from(QUARANTINE)
                .routeId("quarantine")
                .process(this::quarantine);

        // The sweeper: an object waiting far longer than processing takes means a path is stuck or failing.
        from("timer:spool-watch?delay=" + STALE_CHECK_MILLIS + "&period=" + STALE_CHECK_MILLIS)
                .routeId("spool-watch")
                .process(exchange -> reportStale());

        // What the paths had no room for, and what was acknowledged before a restart, waits in the spool.
        from("timer:spool?period=" + SPOOL_SCAN_MILLIS)
                .routeId("spool")
                .process(exchange -> {
                    for (PathQueue queue : queues.values()) {
                        queue.refill();
                    }
                });
    }

    /**
     * Counts the take durably; an object taken more than {@link #TAKES_BEFORE_QUARANTINE} times without the path
     * finishing it (it crashed the node, or was cut off, each time) goes to the quarantine instead of being tried
     * again. Objects taken from the spool (after a restart, or when a path was full) have no header yet: read it.
     */
    private void take(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        ProcessingPath path = exchange.getProperty(PATH, ProcessingPath.class);
        int taken = spool.taken(object.file(), path);
        if (taken > TAKES_BEFORE_QUARANTINE) {
            log.warn("event=path.gave-up path={} file={} taken={} reason=\"taken this often without finishing: "
                    + "it may stop the node each time\"", path, object.file().getFileName(), taken - 1);
            quarantine.copyOnce(object.file(), "failed-repeatedly", "taken " + (taken - 1) + " times by the "
                    + path.name().toLowerCase(java.util.Locale.ROOT) + " path without finishing");
            done(object.file(), path);
            exchange.setRouteStop(true);
            return;
        }
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
     * Sends an eligible image to the model, or finishes the object when it is not for the model or cannot be
     * prepared for it (counted and logged: only a database outage is retried). Either way the instance is
     * marked seen in the end, so that its study can be reported.
     */
    private void score(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        index.ensureRecorded(object.header(), Files.size(object.file()));
        ClinicalPath.Outcome outcome = clinical.processOrSkip(object.header().encoded(),
                object.header().transferSyntaxUid(), "file=" + object.file().getFileName(), log);
        if (outcome instanceof ClinicalPath.Outcome.Scoring scoring) {
            scoring.score().whenComplete((score, failure) -> handOn(new Scored(object, scoring.image(), score, failure)));
        } else if (outcome instanceof ClinicalPath.Outcome.Skipped skipped) {
            metrics.clinicalSkipped(skipped.reason());
            clinical.skipped(object.header().studyInstanceUid(), object.header().sopInstanceUid(), skipped.reason());
            clinicalDone(object);
        }
    }

    /** From the model's batcher thread: never waits (the queue has room for every object in flight). */
    private void handOn(Scored scored) {
        try {
            producer.sendBody(scoredEndpoint, scored);
        } catch (RuntimeException e) {
            // stopping: the object stays in the spool and is scored again on the next start
            queues.get(ProcessingPath.CLINICAL).finished(scored.object().file());
            log.warn("event=clinical.handoff-failed file={} error=\"{}\"", scored.object().file().getFileName(),
                    e.getMessage());
        }
    }

    private void keepScore(Exchange exchange) throws Exception {
        Scored scored = exchange.getIn().getBody(Scored.class);
        if (scored.failure() == null) {
            clinical.keep(scored.image(), scored.score());
            metrics.clinicalScored();
        } else {
            logClinicalFailure(scored.object(), scored.failure());
            metrics.clinicalSkipped("failed");
            clinical.skipped(scored.object().header().studyInstanceUid(), scored.object().header().sopInstanceUid(),
                    "failed");
        }
        clinicalDone(scored.object());
    }

    private void clinicalDone(ReceivedObject object) throws Exception {
        index.clinicalDone(object.header());
        done(object.file(), ProcessingPath.CLINICAL);
    }

    /** Unexpected: its stack trace, once (messages name no patient: file names are arrival numbers). */
    private static void logClinicalFailure(ReceivedObject object, Throwable failure) {
        ClinicalPath.logFailure(log, "file=" + object.file().getFileName(), failure);
    }

    private void deidentify(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        ResearchArchiver.Outcome outcome = metrics.deidentification()
                .recordCallable(() -> research.archive(object.header().encoded()));
        if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
            quarantine.copyOnce(object.file(), refused.reason(), refused.detail());
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

    private void reportStale() throws Exception {
        Optional<Spool.Stale> stale = spool.stale(settings.staleAfter(), Instant.now());
        if (stale.isPresent()) {
            log.warn("event=spool.stale oldest_waited_minutes={} waiting={} research_waiting={} "
                    + "clinical_waiting={} fix=\"a path is stuck or failing: see /health, the paths' WARN lines "
                    + "and osteonode_quarantined_total; the objects are taken again every second\"",
                    stale.get().oldestWaited().toMinutes(), stale.get().waiting(), stale.get().researchWaiting(),
                    stale.get().clinicalWaiting());
        }
    }

    /** The research path's audit line (the pseudonymous key only), then the spool marker. */
    private void researchDone(Exchange exchange) throws Exception {
        Researched researched = exchange.getIn().getBody(Researched.class);
        Path spooled = researched.object().file();
        if (researched.outcome() instanceof ResearchArchiver.Outcome.Archived archived) {
            log.info("event=object.archived key={}", archived.file().getFileName().toString().replace(".dcm", ""));
        } else if (researched.outcome() instanceof ResearchArchiver.Outcome.Skipped skipped) {
            metrics.researchSkipped(skipped.reason());
            log.info("event=object.indexed reason={} file={}", skipped.reason(), spooled.getFileName());
        } else if (researched.outcome() instanceof ResearchArchiver.Outcome.Refused refused) {
            log.info("event=object.quarantined reason={} file={}", refused.reason(), spooled.getFileName());
        }
        done(spooled, ProcessingPath.RESEARCH);
    }

    private void done(Path file, ProcessingPath path) throws Exception {
        try {
            spool.done(file, path);
        } finally {
            queues.get(path).finished(file);
        }
    }

    /**
     * The dead letter: the path gives up on what failed (one object, or a batch of labels). A copy goes to the
     * quarantine, once even when both paths give up, and the object leaves the spool when the other path is done.
     */
    private void quarantine(Exchange exchange) throws Exception {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProcessingPath path = exchange.getProperty(PATH, ProcessingPath.class);
        boolean unreadable = cause instanceof UnreadableObjectException;
        String detail = cause == null ? "unknown failure"
                : unreadable ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (cause != null && !unreadable) {
            // unexpected: its stack trace, once, when the path gives up (the retries logged one line each)
            log.warn("event=path.gave-up path={} attempts={} error=\"{}\"", path, settings.maxAttempts(), detail, cause);
        }
        for (Path file : spoolFiles(exchange.getIn().getBody())) {
            if (Files.exists(file)) {
                quarantine.copyOnce(file, unreadable ? "unparseable" : "processing-failed", detail);
            }
            done(file, path);
        }
    }

    private static List<Path> spoolFiles(Object body) {
        if (body instanceof ReceivedObject object) {
            return List.of(object.file());
        }
        if (body instanceof Researched researched) {
            return List.of(researched.object().file());
        }
        if (body instanceof Scored scored) {
            return List.of(scored.object().file());
        }
        List<Path> files = new ArrayList<>();
        if (body instanceof List<?> batch) {
            batch.forEach(each -> files.addAll(spoolFiles(each)));
        }
        return files;
    }
}
