package org.osteonode.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import org.apache.kafka.common.utils.Utils;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.route.ClusterPipeline;
import org.osteonode.store.LocalPostgres;
import org.osteonode.testing.KafkaBroker;
import org.osteonode.testing.Haproxy;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.S3Endpoint;
import org.osteonode.testing.SrReferences;
import org.osteonode.testing.SyntheticDicom;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Issue 14's must-show (docs/scale-out.md): the cluster's throughput on 1, 2 and 3 nodes, each scoring with a fixed
 * wait ({@link FixedWaitServe}) that stands in for a GPU host, so that two cores can show scaling; then three nodes
 * with a kill -9 every ~15 s while studies arrive and are processed, counting what was lost or duplicated.
 *
 * <p>One PostgreSQL, one KRaft broker, one S3 endpoint and one Orthanc serve all runs; each run has its own nodes
 * (fresh data directories), topic, PHI and de-identified buckets and studies (fresh UIDs), so that nothing of an
 * earlier run is left in its way and its counts are its own. {@code ScaleBench WORK_DIR STUDIES WAIT_MS [RUNS]},
 * RUNS a comma-separated list of node counts and {@code kill} (default {@code 1,2,3,kill}).
 */
public final class ScaleBench {
    private static final int IMAGES = 5;
    private static final int ASSOCIATIONS = 6;
    private static final int CLINICAL_WORKERS = 2;
    private static final Duration KILL_EVERY = Duration.ofSeconds(15);
    private static final int MAX_KILLS = 6;
    private static final long CLOCK_TICKS = 100; // USER_HZ, as /proc reports CPU time on Linux
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final Path work;
    private final int studyCount;
    private final long waitMillis;
    private LocalPostgres database;
    private KafkaBroker kafka;
    private S3Endpoint s3;
    private OrthancProcess orthanc;
    private ReportWatcher reports;

    private ScaleBench(Path work, int studyCount, long waitMillis) {
        this.work = work;
        this.studyCount = studyCount;
        this.waitMillis = waitMillis;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int studies = Integer.parseInt(args[1]);
        long waitMillis = Long.parseLong(args[2]);
        List<String> runs = List.of((args.length > 3 ? args[3] : "1,2,3,kill").split(","));
        ScaleBench bench = new ScaleBench(work, studies, waitMillis);
        int status;
        try {
            bench.startInfrastructure();
            status = bench.run(runs);
        } finally {
            bench.stopInfrastructure();
        }
        System.exit(status);
    }

    private int run(List<String> runs) throws Exception {
        System.out.printf("%d studies x %d images of 256x256 per run, %d parallel storescu associations through "
                        + "haproxy; each node: %d clinical consumers, 1 research consumer, a fixed wait of %d ms per "
                        + "image's score (a timer, no CPU), so a node's clinical path is bound at ~%.0f images/s; "
                        + "study stable after 2 s; %d cores.%nStudy UIDs are drawn so that each of the topic's %d "
                        + "partitions gets the same number of studies (each consumer the same share). Before each "
                        + "timed run, one study per clinical consumer warms the nodes up (not timed). Seconds: from "
                        + "the first send to the last study's report seen in Orthanc (polled every 200 ms); "
                        + "ack→report: per study, from the Success of its last image (read from storescu's log as "
                        + "printed) to its report in Orthanc.%n%n", studyCount, IMAGES, ASSOCIATIONS, CLINICAL_WORKERS,
                waitMillis, CLINICAL_WORKERS * 1000.0 / waitMillis, CORES, ClusterPipeline.PARTITIONS);
        List<Row> rows = new ArrayList<>();
        boolean ok = true;
        for (String run : runs) {
            if (run.equals("kill")) {
                ok &= killLoop();
            } else {
                Row row = throughput(Integer.parseInt(run));
                rows.add(row);
                printTable(rows);
                ok &= row.complete;
            }
        }
        if (!rows.isEmpty()) {
            System.out.println("\nFinal throughput table:");
            printTable(rows);
        }
        return ok ? 0 : 1;
    }

    // ---- the throughput runs ----

    private record Row(int nodes, int images, double seconds, double sendSeconds, double p50, double p95,
                       double machineCpu, double ownCpu, boolean complete) {
        double rate() {
            return images / seconds;
        }
    }

    private Row throughput(int nodeCount) throws Exception {
        String name = "n" + nodeCount;
        try (Cluster cluster = startCluster(name, nodeCount)) {
            Studies studies = Studies.generate(work.resolve(name).resolve("images"), name, studyCount, pseudonyms());
            // Not timed: one study per clinical consumer first (the consumers hold contiguous ranges of the 12
            // partitions), so that what a fresh JVM does once (class loading, the JIT, the first connections) is not
            // counted as throughput.
            int consumers = CLINICAL_WORKERS * nodeCount;
            Studies warmUp = Studies.generate(work.resolve(name).resolve("warm-up"), name + "W", consumers,
                    pseudonyms(), ClusterPipeline.PARTITIONS / consumers);
            send(cluster.port(), warmUp.associations(warmUp.all()));
            if (!awaitReports(warmUp, Duration.ofMinutes(3))) {
                System.out.printf("n=%d: the warm-up studies were not all reported within 3 minutes%n", nodeCount);
            }
            Cpu before = Cpu.sample();
            long start = System.nanoTime();
            Map<Path, Long> acks = send(cluster.port(), studies.associations(studies.all()));
            long sent = System.nanoTime();
            boolean complete = awaitReports(studies, Duration.ofMinutes(15));
            Cpu after = Cpu.sample();
            long end = studies.uids.stream().mapToLong(s -> reportedAt(studies, s)).max().orElse(System.nanoTime());
            List<Double> latencies = new ArrayList<>();
            for (String study : studies.uids) {
                long ack = studies.files.get(study).stream().mapToLong(f -> acks.getOrDefault(f, Long.MAX_VALUE))
                        .max().orElseThrow();
                long reported = reportedAt(studies, study);
                if (ack != Long.MAX_VALUE && reported != Long.MAX_VALUE) {
                    latencies.add((reported - ack) / 1e9);
                }
            }
            Row row = new Row(nodeCount, studies.count(), (end - start) / 1e9, (sent - start) / 1e9,
                    percentile(latencies, 50), percentile(latencies, 95), before.machineBusyUntil(after),
                    before.ownBusyUntil(after), complete && acks.size() == studies.count());
            if (!row.complete) {
                System.out.printf("n=%d: INCOMPLETE: %d of %d objects acknowledged, %d of %d studies reported in "
                                + "full; see the logs in target/node-logs/%s-*.log%n", nodeCount, acks.size(),
                        studies.count(), latencies.size(), studies.uids.size(), name);
            }
            return row;
        }
    }

    private static void printTable(List<Row> rows) {
        System.out.println("| nodes | images | seconds | images/s | speedup vs 1 node | send s | ack→report p50 s "
                + "| p95 s | CPU % (machine) | CPU % (bench's processes) | valid |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Double single = rows.stream().filter(r -> r.nodes == 1).map(Row::rate).findFirst().orElse(null);
        for (Row r : rows) {
            String speedup = single == null ? "–" : String.format("%.2f×", r.rate() / single);
            String valid = !r.complete ? "INCOMPLETE" : r.machineCpu >= 80 ? "INVALID (CPU ≥ 80 %)" : "VALID";
            System.out.printf("| %d | %d | %.1f | %.1f | %s | %.1f | %.1f | %.1f | %.0f | %.0f | %s |%n", r.nodes,
                    r.images, r.seconds, r.rate(), speedup, r.sendSeconds, r.p50, r.p95, r.machineCpu, r.ownCpu, valid);
        }
    }

    // ---- the kill loop ----

    private boolean killLoop() throws Exception {
        String name = "kill";
        try (Cluster cluster = startCluster(name, 3)) {
            Studies studies = Studies.generate(work.resolve(name).resolve("images"), name, studyCount, pseudonyms());
            System.out.printf("%nkill loop: 3 nodes, %d studies sent in 8 rounds ~4 s apart (what a killed node "
                    + "did not acknowledge is sent again in the next round, as a PACS retries); a node killed -9 "
                    + "(round robin) every ~%d s while work remains (at most %d kills; while rounds are being sent, "
                    + "as a round's associations begin) and started again%n",
                    studyCount, KILL_EVERY.toSeconds(), MAX_KILLS);
            Map<Path, Long> acks = new ConcurrentHashMap<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            // released as each round begins: a kill waits for it, so that it lands while associations are open
            java.util.concurrent.Semaphore roundBegins = new java.util.concurrent.Semaphore(0);
            ExecutorService sending = Executors.newSingleThreadExecutor();
            Future<?> sender = sending.submit(() -> {
                List<List<String>> rounds = split(studies.uids, 8);
                List<Path> retry = new ArrayList<>();
                for (int r = 0; r < rounds.size() || !retry.isEmpty(); r++) {
                    long roundStart = System.nanoTime();
                    List<Path> files = new ArrayList<>(retry);
                    if (r < rounds.size()) {
                        files.addAll(studies.filesOf(rounds.get(r)));
                    }
                    roundBegins.release();
                    Map<Path, Long> acked = send(cluster.port(), studies.associations(files));
                    acks.putAll(acked);
                    retry = files.stream().filter(f -> !acked.containsKey(f)).toList();
                    if (!retry.isEmpty()) {
                        failures.add(retry.size() + " not acknowledged in round " + (r + 1));
                    }
                    if (r > 100) {
                        throw new IllegalStateException("still not acknowledged after 100 rounds: " + retry.size());
                    }
                    Thread.sleep(Math.max(0, 4000 - (System.nanoTime() - roundStart) / 1_000_000));
                }
                return null;
            });
            List<String> kills = new ArrayList<>();
            long nextKill = start + KILL_EVERY.toNanos();
            long deadline = start + Duration.ofMinutes(15).toNanos();
            while (System.nanoTime() < deadline && !(sender.isDone() && allReported(studies))) {
                if (System.nanoTime() >= nextKill && kills.size() < MAX_KILLS) {
                    roundBegins.drainPermits();
                    boolean whileSending = !sender.isDone() && roundBegins.tryAcquire(6, TimeUnit.SECONDS);
                    NodeProcess victim = cluster.nodes.get(kills.size() % cluster.nodes.size());
                    long at = System.nanoTime();
                    victim.kill();
                    int inSpool = victim.spoolObjects().size();
                    victim.start();
                    kills.add(String.format("node%d at %.0f s, %s (%d objects in its spool, healthy again after "
                            + "%.1f s)", cluster.nodes.indexOf(victim) + 1, (at - start) / 1e9,
                            whileSending ? "as a round of associations began" : "while the paths consumed", inSpool,
                            (System.nanoTime() - at) / 1e9));
                    nextKill = at + KILL_EVERY.toNanos();
                }
                Thread.sleep(200);
            }
            sender.get(1, TimeUnit.MINUTES);
            sending.shutdown();
            kills.forEach(k -> System.out.println("  killed " + k));
            failures.forEach(f -> System.out.println("  " + f));

            ReferencePseudonyms pseudonyms = pseudonyms();
            String inStudies = studies.uids.stream().map(u -> "'" + pseudonyms.uid(u) + "'")
                    .collect(Collectors.joining(",", "(", ")"));
            int acknowledged = acks.size();
            // both paths done with every acknowledged object, or the deadline: then count what is there
            boolean settled = true;
            try {
                Poll.until(Duration.ofMinutes(5), "both paths done with every acknowledged object", () ->
                        allReported(studies) && count("select count(*) from instance where research_done and "
                                + "clinical_done and study_key in " + inStudies) >= acknowledged);
            } catch (AssertionError e) {
                settled = false;
                System.out.println("  " + e.getMessage());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long recorded = count("select count(*) from instance where study_key in " + inStudies);
            long receivedTwice = count("select count(*) from instance where times_received > 1 and study_key in "
                    + inStudies);
            long labelled = count("select count(*) from image_label where study_key in " + inStudies);
            long deidentified;
            long phiLeft;
            try (S3ObjectStore deid = new S3ObjectStore(s3.settings(cluster.deidBucket));
                 S3ObjectStore phi = new S3ObjectStore(s3.settings(cluster.phiBucket))) {
                deidentified = deid.list("").stream().filter(key -> key.endsWith(".dcm")).count();
                try {
                    Poll.until(Duration.ofSeconds(60), "the PHI bucket's objects/ empty", () -> phi.list("objects/").isEmpty());
                } catch (AssertionError e) {
                    System.out.println("  " + e.getMessage());
                }
                phiLeft = phi.list("objects/").size();
            }
            long spooled = 0;
            for (NodeProcess node : cluster.nodes) {
                spooled += node.spoolObjects().size();
            }

            int complete = 0;
            int reReported = 0;
            int duplicated = 0;
            for (String study : studies.uids) {
                List<Report> made = reports.of(study);
                Set<String> all = studies.sops(study);
                List<Report> full = made.stream().filter(r -> r.referenced.containsAll(all)).toList();
                complete += full.isEmpty() ? 0 : 1;
                if (made.size() > 1) {
                    // the same images reported twice is a duplicate; a partial report followed by a full one is a
                    // second version of the study (an image arrived after the first was made)
                    Set<Set<String>> distinct = made.stream().map(r -> r.referenced).collect(Collectors.toSet());
                    duplicated += made.size() - distinct.size();
                    reReported += distinct.size() > 1 ? 1 : 0;
                }
            }
            long lost = acknowledged - deidentified;
            long duplicateObjects = deidentified - recorded;
            System.out.printf("%n| objects sent | acknowledged | recorded (instance rows) | labelled | de-identified "
                    + "objects | lost | duplicated objects | received twice (resends) | studies | reported in full "
                    + "| duplicated reports | re-reported studies | PHI objects/ left | spooled left | kills | seconds |%n");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf("| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.0f |%n",
                    studies.count(), acknowledged, recorded, labelled, deidentified, lost, Math.max(0, duplicateObjects),
                    receivedTwice, studies.uids.size(), complete, duplicated, reReported, phiLeft, spooled, kills.size(),
                    seconds);
            boolean pass = settled && lost == 0 && duplicateObjects == 0 && recorded == acknowledged
                    && complete == studies.uids.size() && duplicated == 0 && phiLeft == 0 && spooled == 0;
            System.out.println(pass ? "kill loop: PASS (0 lost, 0 duplicated)" : "kill loop: FAIL");
            if (reReported > 0) {
                System.out.println("  re-reported: a study had been stable for 2 s with every recorded image scored "
                        + "while another of its images was not recorded yet (not acknowledged by the killed node and "
                        + "sent again with the next round, ~4 s later; or its reference in a partition whose "
                        + "consumers were on the killed node until the groups moved it; or the object in a killed "
                        + "node's spool), so a first version named fewer images and a second version, naming all "
                        + "five, followed: a new version of the study's report, not a duplicate");
            }
            return pass;
        }
    }

    private static <T> List<List<T>> split(List<T> items, int parts) {
        List<List<T>> result = new ArrayList<>();
        int size = (items.size() + parts - 1) / parts;
        for (int i = 0; i < items.size(); i += size) {
            result.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return result;
    }

    // ---- sending ----

    /**
     * The associations in parallel through the balancer; returns when each storescu has exited, with the time
     * each object's Success was read from storescu's log (line-buffered: read as it is printed).
     */
    private static Map<Path, Long> send(int port, List<List<Path>> associations) throws Exception {
        Map<Path, Long> acks = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(associations.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<Path> files : associations) {
                if (!files.isEmpty()) {
                    running.add(senders.submit(() -> storescu(port, files, acks)));
                }
            }
            for (Future<?> association : running) {
                association.get(10, TimeUnit.MINUTES);
            }
        } finally {
            senders.shutdownNow();
        }
        return acks;
    }

    private static Void storescu(int port, List<Path> files, Map<Path, Long> acks) throws Exception {
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "-eL", "storescu", "-v", "-aet", "STORESCU",
                "-aec", "OSTEONODE", "localhost", Integer.toString(port)));
        files.forEach(f -> command.add(f.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Path current = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                int sending = line.indexOf("Sending file: ");
                if (sending >= 0) {
                    current = Path.of(line.substring(sending + "Sending file: ".length()).trim());
                } else if (line.contains("Received Store Response (Success)") && current != null) {
                    acks.put(current, System.nanoTime());
                }
            }
        }
        process.waitFor(1, TimeUnit.MINUTES);
        return null;
    }

    // ---- reports ----

    private record Report(String sopInstanceUid, Set<String> referenced, long seenAt) {
    }

    /** Follows Orthanc's /changes every 200 ms and reads each new instance (only reports reach the PACS). */
    private static final class ReportWatcher implements Runnable {
        private final OrthancProcess orthanc;
        private final Map<String, List<Report>> byStudy = new ConcurrentHashMap<>();
        private volatile boolean stopped;

        ReportWatcher(OrthancProcess orthanc) {
            this.orthanc = orthanc;
        }

        List<Report> of(String studyUid) {
            return byStudy.getOrDefault(studyUid, List.of());
        }

        @Override
        public void run() {
            ObjectMapper json = new ObjectMapper();
            long since = 0;
            while (!stopped) {
                try {
                    JsonNode changes = json.readTree(orthanc.get("/changes?limit=200&since=" + since).body());
                    long seenAt = System.nanoTime();
                    for (JsonNode change : changes.path("Changes")) {
                        if (change.path("ChangeType").asText().equals("NewInstance")) {
                            AttributeList report = new AttributeList();
                            report.read(new DicomInputStream(new ByteArrayInputStream(
                                    orthanc.file(change.path("ID").asText()))));
                            byStudy.computeIfAbsent(value(report, TagFromName.StudyInstanceUID),
                                    k -> new CopyOnWriteArrayList<>()).add(new Report(
                                    value(report, TagFromName.SOPInstanceUID),
                                    Set.copyOf(SrReferences.referencedInstances(report)), seenAt));
                        }
                    }
                    since = changes.path("Last").asLong(since);
                    if (changes.path("Done").asBoolean(true)) {
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.err.println("report watcher: " + e);
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    /** When the first report naming all the study's images was seen in Orthanc; Long.MAX_VALUE if none yet. */
    private long reportedAt(Studies studies, String study) {
        Set<String> all = studies.sops(study);
        return reports.of(study).stream().filter(r -> r.referenced.containsAll(all)).mapToLong(Report::seenAt)
                .min().orElse(Long.MAX_VALUE);
    }

    private boolean allReported(Studies studies) {
        return studies.uids.stream().allMatch(s -> reportedAt(studies, s) != Long.MAX_VALUE);
    }

    private boolean awaitReports(Studies studies, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (allReported(studies)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    // ---- studies ----

    /** S studies of five images; each study's images on different associations, as a PACS's parallel send. */
    private record Studies(List<String> uids, Map<String, List<Path>> files, Map<Path, String> sopOf) {
        /**
         * Study UIDs drawn so that the k-th study's references go to partition k mod 12 of the topic (the default
         * partitioner's hash of the study key, as {@code Relay} makes it): every consumer gets the same share, and
         * the run measures the nodes, not the luck of the hash (with random UIDs the consumer holding the busiest
         * partitions sets the pace: 115 against 45 images over one node's two consumers in a first try).
         */
        static Studies generate(Path dir, String patientPrefix, int count, ReferencePseudonyms pseudonyms)
                throws Exception {
            return generate(dir, patientPrefix, count, pseudonyms, 1);
        }

        /** With the k-th study in partition k × stride mod 12. */
        static Studies generate(Path dir, String patientPrefix, int count, ReferencePseudonyms pseudonyms, int stride)
                throws Exception {
            Files.createDirectories(dir);
            List<String> uids = new ArrayList<>();
            Map<String, List<Path>> files = new LinkedHashMap<>();
            Map<Path, String> sopOf = new HashMap<>();
            for (int s = 0; s < count; s++) {
                String study;
                do {
                    study = SyntheticDicom.newUid();
                } while (partition(pseudonyms, study) != s * stride % ClusterPipeline.PARTITIONS);
                uids.add(study);
                List<Path> images = new ArrayList<>();
                for (int i = 1; i <= IMAGES; i++) {
                    SyntheticDicom image = SyntheticDicom.radiograph()
                            .patient(patientPrefix.toUpperCase() + s, "SCALE^PATIENT" + s).study(study).instance(i);
                    Path file = image.write(dir.resolve("s" + s + "-" + i + ".dcm"));
                    sopOf.put(file, image.sopInstanceUid());
                    images.add(file);
                }
                files.put(study, images);
            }
            return new Studies(uids, files, sopOf);
        }

        static int partition(ReferencePseudonyms pseudonyms, String studyUid) {
            String key = String.format("%032x", new java.math.BigInteger(pseudonyms.uid(studyUid).substring("2.25.".length())));
            return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % ClusterPipeline.PARTITIONS;
        }

        int count() {
            return sopOf.size();
        }

        List<Path> all() {
            return filesOf(uids);
        }

        List<Path> filesOf(List<String> studies) {
            return studies.stream().flatMap(s -> files.get(s).stream()).toList();
        }

        Set<String> sops(String study) {
            return files.get(study).stream().map(sopOf::get).collect(Collectors.toSet());
        }

        /** Image i of the k-th study in the list on association (k + i) mod 6. */
        List<List<Path>> associations(List<Path> toSend) {
            List<List<Path>> associations = new ArrayList<>();
            for (int a = 0; a < ASSOCIATIONS; a++) {
                associations.add(new ArrayList<>());
            }
            Set<Path> wanted = new HashSet<>(toSend);
            int k = 0;
            for (String study : uids) {
                List<Path> images = files.get(study);
                boolean any = false;
                for (int i = 0; i < images.size(); i++) {
                    if (wanted.contains(images.get(i))) {
                        associations.get((k + i) % ASSOCIATIONS).add(images.get(i));
                        any = true;
                    }
                }
                k += any ? 1 : 0;
            }
            return associations;
        }
    }

    // ---- CPU ----

    /** The machine's busy and idle time (/proc/stat) and the CPU time of this JVM and everything it started. */
    private record Cpu(long machineBusy, long machineTotal, long own, long at) {
        static Cpu sample() throws Exception {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]); // idle + iowait
            for (int i = 1; i <= 8; i++) { // user nice system idle iowait irq softirq steal (guest is in user)
                total += Long.parseLong(fields[i]);
            }
            long own = ticks(ProcessHandle.current().pid(), true);
            for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
                own += ticks(child.pid(), false);
            }
            return new Cpu(total - idle, total, own, System.nanoTime());
        }

        /** utime + stime, and for this JVM the reaped children's too (the nodes killed during the run). */
        private static long ticks(long pid, boolean withReapedChildren) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                return withReapedChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
            } catch (Exception e) {
                return 0; // gone between the listing and the read
            }
        }

        double machineBusyUntil(Cpu after) {
            return 100.0 * (after.machineBusy - machineBusy) / Math.max(1, after.machineTotal - machineTotal);
        }

        double ownBusyUntil(Cpu after) {
            double seconds = (after.at - at) / 1e9;
            return 100.0 * (after.own - own) / CLOCK_TICKS / (seconds * CORES);
        }
    }

    // ---- the cluster ----

    private void startInfrastructure() throws Exception {
        Files.createDirectories(work);
        database = LocalPostgres.start(work.resolve("pg"), Ports.free());
        kafka = new KafkaBroker(work.resolve("kafka")).start();
        s3 = S3Endpoint.start(Files.createDirectories(work.resolve("s3")));
        orthanc = new OrthancProcess(work.resolve("orthanc")).start();
        reports = new ReportWatcher(orthanc);
        Thread watching = new Thread(reports, "report-watcher");
        watching.setDaemon(true);
        watching.start();
    }

    private void stopInfrastructure() throws Exception {
        if (reports != null) {
            reports.stopped = true;
        }
        for (AutoCloseable closeable : new AutoCloseable[] {orthanc, s3, kafka, database}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("stopping " + closeable + ": " + e);
                }
            }
        }
    }

    private record Cluster(List<NodeProcess> nodes, Haproxy haproxy, String phiBucket, String deidBucket)
            implements AutoCloseable {
        /** The balancer's DICOM port. */
        int port() {
            return haproxy.port();
        }

        @Override
        public void close() throws Exception {
            haproxy.close();
            for (NodeProcess node : nodes) {
                node.close();
            }
        }
    }

    private Cluster startCluster(String name, int nodeCount) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        String phi = "phi-" + name;
        String deid = "deid-" + name;
        s3.createBucket(phi);
        s3.createBucket(deid);
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            NodeProcess node = new NodeProcess(dir.resolve("node" + i))
                    .main(FixedWaitServe.class.getName(), List.of("-Dosteonode.bench.wait-ms=" + waitMillis))
                    .with("osteonode.db.url", database.jdbcUrl("postgres"))
                    .with("osteonode.db.user", database.user())
                    .with("osteonode.db.password", database.password())
                    .with("osteonode.deid.secret-file", work.resolve("secret.key").toString())
                    .with("osteonode.cluster.enabled", "true")
                    .with("osteonode.cluster.kafka.bootstrap-servers", kafka.bootstrapServers())
                    .with("osteonode.cluster.kafka.topic", "osteonode.scale-" + name)
                    .with("osteonode.cluster.s3.endpoint", s3.uri().toString())
                    .with("osteonode.cluster.s3.phi-bucket", phi)
                    .with("osteonode.cluster.s3.deid-bucket", deid)
                    .with("osteonode.cluster.s3.access-key-id", S3Endpoint.ACCESS_KEY)
                    .with("osteonode.cluster.s3.secret-access-key", S3Endpoint.SECRET_KEY)
                    .with("osteonode.research.workers", "1")
                    .with("osteonode.clinical.workers", Integer.toString(CLINICAL_WORKERS))
                    .with("osteonode.study.stable-seconds", "2")
                    .with("osteonode.pacs.host", "localhost")
                    .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                    .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                    // the outbox lease is five of these: a killed sender's report is taken over after 25 s
                    .with("osteonode.dicom.timeout-seconds", "5")
                    .with("osteonode.outbox.retry-delay-seconds", "1");
            nodes.add(node);
            // one after the other: the first creates the site secret (first run) and the run's topic
            node.start();
        }
        return new Cluster(nodes, Haproxy.start(dir, nodes), phi, deid);
    }

    /** The site secret's pseudonyms; the first node of the first run made the secret. */
    private ReferencePseudonyms pseudonyms() throws java.io.IOException {
        return ReferencePseudonyms.fromSecretFile(work.resolve("secret.key"));
    }

    private long count(String sql) throws Exception {
        try (Connection connection = database.connect("postgres");
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
