package org.osteonode;

import org.apache.camel.builder.RouteBuilder;
import org.osteonode.clinical.ClinicalPath;
import org.osteonode.clinical.Eligibility;
import org.osteonode.clinical.ModelScorer;
import org.osteonode.clinical.StudyReporter;
import org.osteonode.clinical.StudyWorkspace;
import org.osteonode.config.ConfigException;
import org.osteonode.config.Settings;
import org.osteonode.inference.ModelCard;
import org.osteonode.inference.OnnxModel;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.pixels.ChildProcessDecoder;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.route.ReportRoutes;
import org.osteonode.store.ClinicalStudies;
import org.osteonode.store.SiteSecretRecord;
import org.osteonode.delivery.Outbox;
import org.osteonode.delivery.OutboxDelivery;
import org.osteonode.delivery.StorageScu;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.research.ResearchArchiver;
import org.osteonode.research.ResearchScope;
import org.osteonode.store.OptOutRegistry;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.StorageScp;
import org.osteonode.observe.HttpEndpoints;
import org.osteonode.observe.Metrics;
import org.osteonode.route.DeliveryRoutes;
import org.osteonode.route.IngestRoutes;
import org.osteonode.route.Pipeline;
import org.osteonode.route.ClusterPipeline;
import org.osteonode.cluster.ReferenceConsumer;
import org.osteonode.cluster.ReferencePublisher;
import org.osteonode.clinical.ClinicalWorker;
import org.osteonode.research.ResearchWorker;
import org.osteonode.ingest.Relay;
import org.osteonode.objects.ObjectStore;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.store.DatabaseUnavailableException;
import java.util.Map;
import org.osteonode.store.Archive;
import org.osteonode.store.Database;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.osteonode.tls.TlsContexts;
import org.osteonode.tls.TlsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A running osteonode: database, pipeline, DICOM receiver and HTTP endpoints, started in that order and
 * stopped in the reverse one, so that nothing is received that cannot be recorded.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    /** How often the TLS files are looked at for a renewed certificate (a Kubernetes Secret update, certbot). */
    private static final java.time.Duration TLS_WATCH_PERIOD = java.time.Duration.ofSeconds(5);

    /** How long the relay waits for the brokers to acknowledge a reference before it tries again later. */
    private static final java.time.Duration PUBLISH_TIMEOUT = java.time.Duration.ofSeconds(15);
    /** How long a consumer pauses a partition after a failed reference, or all of them in a database outage. */
    private static final java.time.Duration CONSUMER_BACK_OFF = java.time.Duration.ofSeconds(2);

    /** A node's restart with its relay's backlog, under load: the quiet period a cluster's study needs. */
    private static final java.time.Duration CLUSTER_STABLE_AT_LEAST = java.time.Duration.ofSeconds(60);

    /** This process among the nodes sharing the database: who claimed an outbox item (outbox.claimed_by). */
    private static final String NODE_ID = java.util.UUID.randomUUID().toString();

    private final Settings settings;
    private final Optional<TlsContexts> tls;
    private final Database database;
    private final Pipeline pipeline;
    private final StorageScp scp;
    private final HttpEndpoints http;
    private final OnnxModel model;
    private final ModelScorer scorer;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Node(Settings settings, Optional<TlsContexts> tls, Database database, Pipeline pipeline, StorageScp scp,
            HttpEndpoints http, OnnxModel model, ModelScorer scorer) {
        this.settings = settings;
        this.tls = tls;
        this.database = database;
        this.pipeline = pipeline;
        this.scp = scp;
        this.http = http;
        this.model = model;
        this.scorer = scorer;
    }

    /**
     * Decodes in Java, and JPEG-LS and 12-bit JPEG with dcmtk in a child process; without dcmtk those are archived
     * but not scored (skipped{reason=no-decoder}), and the log says what to install.
     */
    private static PixelDataDecoder pixelDecoder(Settings settings) {
        Settings.Clinical clinical = settings.clinical();
        try {
            ChildProcessDecoder child = ChildProcessDecoder.start(settings.decodingDir(),
                    new ChildProcessDecoder.Limits(clinical.decoderTimeout(), clinical.decoderMemoryBytes()));
            if (child.networkIsolated()) {
                log.info("event=decoder.ready transfer_syntaxes=jpeg-ls,jpeg-12-bit sandbox=\"{}\"", child.sandbox());
            } else {
                log.warn("event=decoder.ready transfer_syntaxes=jpeg-ls,jpeg-12-bit sandbox=\"{}\" network=not-isolated "
                        + "reason=\"unshare --net is refused here (a container's seccomp profile, or user namespaces "
                        + "off)\" fix=\"allow network namespaces, or keep the node's egress closed (docs/pixels.md)\"",
                        child.sandbox());
            }
            return PixelDataDecoder.withChildProcess(child);
        } catch (java.io.IOException e) {
            log.warn("event=decoder.unavailable transfer_syntaxes=jpeg-ls,jpeg-12-bit reason=\"{}\" effect=\"such "
                    + "images are archived but not scored (skipped{reason=no-decoder})\"", e.getMessage());
            return PixelDataDecoder.inJava();
        }
    }

    /**
     * A node whose site secret is not the one the database's pseudonyms were made with must not start. Except when
     * a rotation was cut off after it swapped the file: the database then names this node's secret as the next one,
     * and its recorded one is this node's newest retired secret.
     */
    static void requireTheDatabasesSecret(Settings settings, Database database, Pseudonymizer pseudonymizer)
            throws java.sql.SQLException, java.io.IOException {
        SiteSecretRecord record = new SiteSecretRecord(database.dataSource());
        String mine = pseudonymizer.fingerprint();
        Optional<SiteSecretRecord.Recorded> recorded = record.recordOrCompare(mine);
        if (recorded.isEmpty()) {
            return;
        }
        List<Pseudonymizer> retired = Pseudonymizer.retired(settings.secretFile());
        boolean rotationCutOff = mine.equals(recorded.get().nextFingerprint()) && !retired.isEmpty()
                && retired.get(retired.size() - 1).fingerprint().equals(recorded.get().fingerprint());
        if (rotationCutOff) {
            record.replace(mine);
            log.warn("event=secret.recorded fingerprint={} replaced={} reason=\"a rotation on this node stopped before "
                    + "it recorded the new secret\"", mine, recorded.get().fingerprint());
            return;
        }
        throw new ConfigException("osteonode.deid.secret-file", "the site secret " + settings.secretFile()
                + " (fingerprint " + mine + ") is not the one this database's pseudonyms were made with (fingerprint "
                + recorded.get().fingerprint() + "): every node sharing a database must use the same secret, or one "
                + "patient gets two pseudonyms. Copy the secret from a node that runs (compare with bin/osteonode "
                + "secret fingerprint); to change it, stop every node and use bin/osteonode secret rotate.");
    }

    public static Node start(Settings settings) throws Exception {
        return start(settings, scorer -> scorer);
    }

    /**
     * As {@link #start(Settings)}, with the clinical path's scorer wrapped: for {@code bench/scale}, whose stand-in
     * for a GPU host adds a fixed wait to each image's score. Not reachable from the configuration.
     */
    public static Node start(Settings settings, java.util.function.UnaryOperator<org.osteonode.clinical.ImageScorer>
            scorerWrapper) throws Exception {
        // Checked before anything starts: a misspelt body part stops start-up naming its key.
        Set<BodyPart> screened = Eligibility.screened(settings.clinical().bodyParts());
        Metrics metrics = new Metrics();
        Optional<TlsContexts> tls = loadTls(settings, metrics);
        Pseudonymizer pseudonymizer = Pseudonymizer.fromSecretFile(settings.secretFile());
        Spool spool = new Spool(settings.spoolDir(), settings.spoolMinFreeBytes());
        // In a cluster the quarantine, the reports and the workspace are in the PHI bucket, where any node can reach
        // them (and finish what another node began).
        Optional<ObjectStore> phi = settings.cluster().enabled()
                ? Optional.of(new S3ObjectStore(bucket(settings.cluster(), settings.cluster().phiBucket())))
                : Optional.empty();
        Quarantine quarantine = new Quarantine(phi.orElseGet(() -> Quarantine.folder(settings.quarantineDir())),
                phi.isPresent() ? "quarantine/" : "", settings.scratchDir(), metrics);
        if (phi.isPresent()) {
            warnOfALocalQuarantine(settings.quarantineDir());
        }
        metrics.spoolBytes(spool::bytes);
        metrics.spoolOldest(() -> oldestSeconds(spool));
        // Also clears what a crash left half-written; before the receiver opens its port.
        List<Path> pending = spool.pending();

        Settings.Inference inference = settings.inference();
        OnnxModel model = OnnxModel.load(inference.modelDir(), inference.provider(), inference.batchSize());
        ModelCard.Evaluation evaluation = model.card().metrics();
        if (!evaluation.evaluated()) {
            log.warn("event=model.not-evaluated model=\"{}\" version={} dataset=\"{}\" effect=\"its scores have no "
                    + "known clinical performance\" fix=\"install a model whose card states its evaluation "
                    + "(model/README.md, bin/osteonode model check DIR)\"", model.card().name(), model.card().version(),
                    evaluation.dataset());
        }
        ModelScorer scorer = ModelScorer.of(model, inference.maxWait(), metrics);
        Database database = Database.open(settings);
        database.embedded().ifPresent(server -> metrics.databaseRestarts(server::restarts));
        Pipeline pipeline = null;
        StorageScp scp = null;
        try {
            requireTheDatabasesSecret(settings, database, pseudonymizer);
            InstanceIndex index = new InstanceIndex(database.dataSource(), pseudonymizer);
            Archive archive = new Archive(settings.archiveDir(), settings.scratchDir(), true);
            ResearchArchiver research = ResearchArchiver.create(settings.deid(), pseudonymizer, archive,
                    settings.dicom().aeTitle(), ResearchScope.of(settings.research()),
                    new OptOutRegistry(database.dataSource())::contains);
            Outbox outbox = new Outbox(database.dataSource(), phi.orElseGet(() -> localOutbox(settings)),
                    phi.isPresent() ? "outbox/" : "", settings.scratchDir(), NODE_ID,
                    Outbox.leaseFor(settings.dicom().timeout()));
            ClinicalStudies studies = new ClinicalStudies(database.dataSource());
            StudyWorkspace workspace = new StudyWorkspace(
                    phi.orElseGet(() -> new FileObjectStore(settings.clinicalDir())),
                    phi.isPresent() ? "workspace/" : "",
                    settings.scratchDir(), pseudonymizer::workspace);
            ClinicalPath clinical = new ClinicalPath(new Eligibility(screened,
                    settings.clinical().maxStudyAgeDays(), java.time.Clock.systemDefaultZone()),
                    new BodyPartNormalizer(), scorerWrapper.apply(scorer), studies, workspace, pseudonymizer,
                    pixelDecoder(settings));
            ModelCard card = model.card();
            StudyReporter reporter = new StudyReporter(studies, workspace, outbox, pseudonymizer,
                    new OsteoporosisReport.Algorithm(card.name(), card.version(), card.deviceUid(), card.manufacturer()),
                    card.threshold(), settings.clinical().stable(), settings.clinical().retention(),
                    settings.scratchDir(), settings.dicom().aeTitle());
            metrics.outbox(() -> count(outbox, "pending"), () -> count(outbox, "dead"));
            List<RouteBuilder> routes = new ArrayList<>(List.of(new ReportRoutes(reporter)));
            Settings.Pacs pacs = settings.pacs();
            if (pacs.enabled()) {
                routes.add(new DeliveryRoutes(new OutboxDelivery(outbox,
                        new StorageScu(pacs, settings.dicom().aeTitle(), tls, settings.dicom().timeout()),
                        settings.outbox().maxAttempts(), settings.outbox().firstRetry(), metrics)));
            } else {
                log.warn("event=delivery.off reason=\"osteonode.pacs.host is empty\" effect=\"reports wait in the outbox\"");
            }
            LabelStore labels = new LabelStore(database.dataSource());
            if (settings.cluster().enabled()) {
                pipeline = new Pipeline(clusterPaths(settings, phi.get(), spool, quarantine, pseudonymizer, index,
                        clinical, research, archive, labels, metrics), routes, settings.shutdownGrace());
            } else {
                pipeline = new Pipeline(new IngestRoutes(settings.pipeline(), spool, quarantine, index, clinical,
                        research, labels, metrics), routes, settings.shutdownGrace());
            }
            scp = new StorageScp(settings.dicom(), tls, spool, quarantine, pipeline, metrics);
            HttpEndpoints http = new HttpEndpoints(settings.httpPort(), metrics);
            Node node = new Node(settings, tls, database, pipeline, scp, http, model, scorer);
            http.action("/outbox/retry", () -> "{\"requeued\":" + outbox.retryDead() + "}");
            http.check("database", database::isReachable)
                    .check("pipeline", pipeline::isRunning)
                    .check("dicom", scp::isListening)
                    .check("spool", spool::hasRoom)
                    // the node still receives and de-identifies; the radiologist's reports are not arriving
                    .warning("reports", () -> count(outbox, "dead") == 0);
            if (pacs.enabled()) {
                http.warning("pacs", () -> retrying(outbox) == 0);
            }
            scp.start();
            http.start();
            tls.ifPresent(contexts -> contexts.watch(TLS_WATCH_PERIOD));
            // Objects acknowledged before the last stop wait in the spool: the paths take them from there.
            log.info("event=node.ready node_id={} data_dir={} pending_objects={}", NODE_ID, settings.dataDir(),
                    pending.size());
            return node;
        } catch (Exception e) {
            if (scp != null) {
                scp.close();
            }
            tls.ifPresent(TlsContexts::close);
            if (pipeline != null) {
                pipeline.close();
            }
            database.close();
            if (scorer.close(ModelScorer.BATCH_WAIT)) {
                model.close();
            }
            throw e;
        }
    }

    /**
     * Cluster mode's two paths (docs/scale-out.md): the relay from this node's spool to the PHI bucket and the
     * topic, and this node's members of the two consumer groups, as many as its worker settings say.
     */
    private static ClusterPipeline clusterPaths(Settings settings, ObjectStore phi, Spool spool, Quarantine quarantine,
            Pseudonymizer pseudonymizer, InstanceIndex index, ClinicalPath clinical, ResearchArchiver research,
            Archive archive, LabelStore labels, Metrics metrics) throws InterruptedException {
        Settings.Cluster cluster = settings.cluster();
        log.info("event=cluster.starting {}", cluster);
        if (settings.clinical().stable().compareTo(CLUSTER_STABLE_AT_LEAST) < 0) {
            log.warn("event=cluster.stable-short stable_seconds={} effect=\"a node down longer than this with objects "
                    + "in its spool lets their studies be reported without them, then again with them\" "
                    + "fix=\"set osteonode.study.stable-seconds above a node's restart time ({} or more)\"",
                    settings.clinical().stable().toSeconds(), CLUSTER_STABLE_AT_LEAST.toSeconds());
        }
        ClusterPipeline.ensureTopic(cluster.bootstrapServers(), cluster.topic(), cluster.clientProperties());
        ObjectStore deidentified = new S3ObjectStore(bucket(cluster, cluster.deidBucket()));
        Map<String, Object> client = Map.copyOf(cluster.clientProperties());
        ReferencePublisher publisher = new ReferencePublisher(cluster.bootstrapServers(), cluster.topic(),
                "osteonode-" + NODE_ID, PUBLISH_TIMEOUT, client);
        Relay relay = new Relay(spool, quarantine, phi, publisher::publish, pseudonymizer, clinical::classify,
                index::ensureRecorded);
        Path work = settings.dataDir().resolve("work");
        ResearchWorker researchWorker = new ResearchWorker(phi, deidentified, work, index, research, archive, labels,
                quarantine, metrics);
        ClinicalWorker clinicalWorker = new ClinicalWorker(phi, work, index, clinical, quarantine, metrics);
        List<ReferenceConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < settings.pipeline().researchWorkers(); i++) {
            consumers.add(new ReferenceConsumer(cluster.bootstrapServers(), cluster.topic(), "research",
                    researchWorker, Node::outage, CONSUMER_BACK_OFF,
                    settings.pipeline().maxAttempts(), client));
        }
        for (int i = 0; i < settings.pipeline().clinicalWorkers(); i++) {
            consumers.add(new ReferenceConsumer(cluster.bootstrapServers(), cluster.topic(), "clinical",
                    clinicalWorker, Node::outage, CONSUMER_BACK_OFF,
                    settings.pipeline().maxAttempts(), client));
        }
        return new ClusterPipeline(relay, publisher, consumers);
    }

    /** What this node quarantined before it joined a cluster stays in its folder, out of the cluster's sight. */
    private static void warnOfALocalQuarantine(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var objects = Files.newDirectoryStream(dir, "*.dcm")) {
            if (objects.iterator().hasNext()) {
                log.warn("event=quarantine.local-left dir={} effect=\"bin/osteonode quarantine lists the PHI bucket's "
                        + "quarantine, not these\" fix=\"look at them (or retry them) with osteonode.cluster.enabled="
                        + "false on this node while it is stopped, then purge them\"", dir);
            }
        }
    }

    /**
     * What pauses the consumers rather than counting against a reference: PostgreSQL unreachable, or an I/O failure
     * (a bucket away, a full disk), which is the surroundings' and not the object's. Only bytes altered at rest
     * count, and what a worker cannot do with the object it records itself (a quarantine, a skip).
     */
    private static boolean outage(Throwable failure) {
        return failure instanceof DatabaseUnavailableException
                || failure instanceof java.io.IOException && !(failure instanceof ObjectStore.CorruptObjectException);
    }

    /** One node's outbox folder; reports an older osteonode queued there get the checksum record first. */
    private static FileObjectStore localOutbox(Settings settings) {
        FileObjectStore files = new FileObjectStore(settings.outboxDir());
        try {
            int adopted = files.adoptUnrecorded();
            if (adopted > 0) {
                log.info("event=outbox.adopted files={} note=\"reports queued by an older osteonode, now with the "
                        + "checksum record the outbox verifies before sending\"", adopted);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the outbox folder " + settings.outboxDir(), e);
        }
        return files;
    }

    public static S3ObjectStore.Settings bucket(Settings.Cluster cluster, String bucket) {
        return S3ObjectStore.Settings.of(cluster.s3Endpoint().orElse(null), cluster.s3Region(), bucket,
                cluster.accessKeyId(), cluster.secretAccessKey())
                .withServerSideEncryption(cluster.serverSideEncryption());
    }

    /**
     * TLS is loaded when the TLS port, or delivery to the PACS over TLS, or the node's certificate is configured;
     * a file that cannot be used stops start-up naming its setting.
     */
    private static Optional<TlsContexts> loadTls(Settings settings, Metrics metrics) {
        boolean wanted = settings.dicom().tlsPort() != 0 || settings.pacs().tls()
                || settings.tls().certificateFile().isPresent();
        if (!wanted) {
            return Optional.empty();
        }
        try {
            TlsContexts contexts = TlsContexts.load(settings.tls());
            metrics.tls(() -> contexts.certificateExpiry()
                    .map(expiry -> (double) java.time.Duration.between(java.time.Instant.now(), expiry).toSeconds())
                    .orElse(Double.NaN), contexts::reloads, contexts::failedReloads);
            return Optional.of(contexts);
        } catch (TlsException e) {
            throw new ConfigException(e.setting(), e.problem());
        }
    }

    /** SIGHUP: read the TLS files again now, rather than at the watcher's next look. */
    public void reloadTls() {
        tls.ifPresent(TlsContexts::reload);
    }

    private static long oldestSeconds(Spool spool) {
        try {
            return spool.oldestArrival()
                    .map(arrival -> java.time.Duration.between(arrival, java.time.Instant.now()).toSeconds())
                    .orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static long retrying(Outbox outbox) {
        try {
            return outbox.retrying();
        } catch (SQLException e) {
            return -1;
        }
    }

    /** For a gauge: a number, or NaN when the database cannot say (the scrape must not fail). */
    private static double count(Outbox outbox, String state) {
        try {
            return outbox.count(state);
        } catch (SQLException e) {
            return Double.NaN;
        }
    }

    /** Graceful stop: receiver first (open associations finish), then pipeline, HTTP and database; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("event=node.stopping grace_seconds={}", settings.shutdownGrace().toSeconds());
        scp.stop(settings.shutdownGrace());
        pipeline.close();
        http.close();
        tls.ifPresent(TlsContexts::close);
        database.close();
        if (scorer.close(ModelScorer.BATCH_WAIT)) {
            model.close();
        } else {
            log.warn("event=model.still-running wait_seconds={} effect=\"the model is left open; the process exits "
                    + "with it\"", ModelScorer.BATCH_WAIT.toSeconds());
        }
        log.info("event=node.stopped");
    }
}
