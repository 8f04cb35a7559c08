package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SrReferences;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 at the worst moments, then restart: nothing acknowledged is lost, pending work resumes. */
class CrashRecoveryIT {
    private static final int OBJECTS = 20;

    @TempDir
    Path temp;

    @Test
    void acknowledgedObjectsSurviveTheDatabaseAndThenTheNodeKilledMinus9() throws Exception {
        String study = SyntheticDicom.newUid();
        List<Path> files = study(study);
        Path dataDir = temp.resolve("node");
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            // The database killed: the node still acknowledges (the spool is durable) while it starts it again,
            // and is itself killed before it may have recorded everything.
            killEmbeddedPostgres(dataDir);
            Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU", files);
            assertThat(sent.successes()).as(sent.output()).isEqualTo(OBJECTS);

            node.kill();
        }

        try (NodeProcess restarted = new NodeProcess(dataDir).start()) {
            assertAllRecorded(restarted, study);
        }
    }

    @Test
    void killMinus9OfTheDatabaseUnderFourSendersIsRecoveredByTheNodeAloneLosingAndRepeatingNothing() throws Exception {
        Path dataDir = temp.resolve("node");
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        for (int sender = 0; sender < 4; sender++) {
            String study = SyntheticDicom.newUid();
            List<Path> files = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                files.add(SyntheticDicom.radiograph().study(study).instance(i).size(1024, 768)
                        .write(temp.resolve("db-kill/" + sender + "/" + i + ".dcm")));
            }
            studies.put(study, files);
        }
        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
             NodeProcess node = reportingNode(dataDir, orthanc).start()) {
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<Dcmtk.Result>> results = new ArrayList<>();
            for (List<Path> files : studies.values()) {
                results.add(senders.submit(() -> Dcmtk.storescu(node.dicomPort(), "STORESCU", files)));
            }
            Poll.until(Duration.ofSeconds(60), "some objects recorded",
                    () -> node.count("select count(*) from instance") >= 4);
            java.util.Set<String> healthSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread healthWatch = new Thread(() -> {
                while (watching.get()) {
                    try {
                        var health = node.health();
                        healthSeen.add(health.statusCode() + " " + health.body());
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        healthSeen.add(e.toString());
                    }
                }
            });
            healthWatch.start();
            killEmbeddedPostgres(dataDir);
            for (java.util.concurrent.Future<Dcmtk.Result> result : results) {
                assertThat(result.get().successes()).as("received while the database was down").isEqualTo(10);
            }
            senders.shutdown();

            Poll.until(Duration.ofSeconds(60), "the node to start its database again",
                    () -> node.log().contains("event=database.restarted"));
            watching.set(false);
            healthWatch.join();
            System.out.println("health while the database restarted: " + healthSeen);
            assertThat(healthSeen).as("/health said the database was down meanwhile")
                    .anyMatch(seen -> seen.startsWith("503 ") && seen.contains("\"database\":\"DOWN\""));
            Poll.until(Duration.ofSeconds(90), "the spool to be released", () -> node.spoolObjects().isEmpty());
            assertThat(node.health().statusCode()).isEqualTo(200);
            assertThat(node.metrics()).contains("osteonode_database_restarts 1.0");
            for (Map.Entry<String, List<Path>> study : studies.entrySet()) {
                List<String> expected = new ArrayList<>();
                for (Path file : study.getValue()) {
                    String uid = sopInstanceUid(file);
                    expected.add(uid);
                    String key = node.pseudonymizer().uid(uid);
                    assertThat(node.count("select count(*) from instance where sop_instance_key = '" + key + "'"))
                            .as("recorded once: " + file).isEqualTo(1);
                    try (var archived = Files.walk(dataDir.resolve("archive"))) {
                        assertThat(archived.filter(p -> p.getFileName().toString().equals(key + ".dcm")).count())
                                .as("archived once: " + file).isEqualTo(1);
                    }
                }
                Poll.until(Duration.ofSeconds(120), "a report of study " + study.getKey() + " naming all 10 images",
                        () -> reportsOf(orthanc, study.getKey()).stream()
                                .anyMatch(referenced -> referenced.containsAll(expected)));
            }
            try (var quarantined = Files.list(dataDir.resolve("quarantine"))) {
                assertThat(quarantined).as("a database outage quarantines nothing").isEmpty();
            }
        }
    }

    @Test
    void killMinus9RightAfterAcknowledgementLosesNothing() throws Exception {
        String study = SyntheticDicom.newUid();
        List<Path> files = study(study);
        Path dataDir = temp.resolve("node");
        try (NodeProcess node = new NodeProcess(dataDir).with("osteonode.research.workers", "1").with("osteonode.clinical.workers", "1").start()) {
            Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU", files);
            assertThat(sent.successes()).as(sent.output()).isEqualTo(OBJECTS);

            // SIGKILL: no shutdown hook; the embedded PostgreSQL is orphaned and keeps the data directory.
            node.kill();
        }

        try (NodeProcess restarted = new NodeProcess(dataDir).start()) {
            assertAllRecorded(restarted, study);
            assertThat(restarted.log()).doesNotContain("ERROR");
        }
    }

    @Test
    void anUnreadableObjectFoundInTheSpoolAtStartIsQuarantinedWithItsReason() throws Exception {
        Path dataDir = temp.resolve("node");
        Files.createDirectories(dataDir.resolve("spool"));
        Files.write(dataDir.resolve("spool/1700000000000-000001.dcm"), "not DICOM".repeat(100).getBytes());

        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            Path reason = dataDir.resolve("quarantine/1700000000000-000001.dcm.reason");
            Poll.until(Duration.ofSeconds(30), "the object quarantined", () -> Files.exists(reason));
            assertThat(Files.readString(reason)).contains("reason=unparseable");
            assertThat(dataDir.resolve("quarantine/1700000000000-000001.dcm")).exists();
            Poll.until(Duration.ofSeconds(10), "the spool released", () -> node.spoolObjects().isEmpty());
            assertThat(node.metrics()).contains("osteonode_quarantined_total{reason=\"unparseable\"} 1.0");

            // The operator's view, and a retry: the node takes it again (and, still unparseable, quarantines it again).
            assertThat(NodeProcess.command(dataDir, "quarantine", "list")).contains("1700000000000-000001.dcm").contains("unparseable")
                    .contains("1 object(s)");
            assertThat(NodeProcess.command(dataDir, "quarantine", "retry", "1700000000000-000001.dcm")).contains("back in the spool");
            Poll.until(Duration.ofSeconds(30), "the retried object quarantined again", () -> node.metrics()
                    .contains("osteonode_quarantined_total{reason=\"unparseable\"} 2.0"));
            assertThat(NodeProcess.command(dataDir, "quarantine", "purge", "--older-than", "0")).contains("purged: 1");
        }
    }

    @Test
    void anObjectTakenTooOftenWithoutFinishingIsQuarantinedNotTriedAgain() throws Exception {
        // As if the research path had crashed the node five times on this object: the sixth take gives up.
        Path dataDir = temp.resolve("node");
        Files.createDirectories(dataDir.resolve("spool"));
        SyntheticDicom.radiograph().write(dataDir.resolve("spool/1700000000000-000002.dcm"));
        Files.writeString(dataDir.resolve("spool/1700000000000-000002.dcm.research-taken"), "5");

        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            Path reason = dataDir.resolve("quarantine/1700000000000-000002.dcm.reason");
            Poll.until(Duration.ofSeconds(30), "the object quarantined", () -> Files.exists(reason));
            assertThat(Files.readString(reason)).contains("reason=failed-repeatedly");
            Poll.until(Duration.ofSeconds(30), "the spool released", () -> node.spoolObjects().isEmpty());
            assertThat(node.count("select count(*) from image_label")).as("not de-identified again").isZero();
            assertThat(node.log()).contains("event=path.gave-up path=RESEARCH file=1700000000000-000002.dcm taken=5");
        }
    }

    @Test
    void killMinus9DuringFourParallelSendersLosesNothingAcknowledgedAndArchivesItOnce() throws Exception {
        Path dataDir = temp.resolve("node");
        List<List<Path>> perSender = new ArrayList<>();
        for (int sender = 0; sender < 4; sender++) {
            String study = SyntheticDicom.newUid();
            List<Path> files = new ArrayList<>();
            for (int i = 1; i <= 15; i++) {
                files.add(SyntheticDicom.radiograph().study(study).instance(i).size(1024, 1024)
                        .write(temp.resolve("senders/" + sender + "/" + i + ".dcm")));
            }
            perSender.add(files);
        }
        List<Path> acknowledged = new ArrayList<>();
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            acknowledged.addAll(sendThenKill(node, perSender, 8));
        }
        assertThat(acknowledged).as("some, not all, were acknowledged before the kill").isNotEmpty().hasSizeLessThan(60);
        System.out.printf("kill -9 under 4 senders: %d of 60 objects acknowledged before the kill%n", acknowledged.size());

        try (NodeProcess restarted = new NodeProcess(dataDir).start()) {
            Poll.until(Duration.ofSeconds(90), "the spool to be released", () -> restarted.spoolObjects().isEmpty());
            for (Path file : acknowledged) {
                com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
                list.read(file.toFile());
                String key = restarted.pseudonymizer().uid(com.pixelmed.dicom.Attribute
                        .getSingleStringValueOrEmptyString(list, com.pixelmed.dicom.TagFromName.SOPInstanceUID));
                assertThat(restarted.count("select count(*) from instance where sop_instance_key = '" + key + "'"))
                        .as("recorded once: " + file).isEqualTo(1);
                try (var archived = Files.walk(dataDir.resolve("archive"))) {
                    assertThat(archived.filter(p -> p.getFileName().toString().equals(key + ".dcm")).count())
                            .as("archived once: " + file).isEqualTo(1);
                }
            }
            try (var incoming = Files.list(dataDir.resolve("spool/incoming"))) {
                assertThat(incoming).as("no partial object left behind").isEmpty();
            }
        }
    }

    @Test
    void killMinus9DuringSendersStillGivesEveryStudyAReportOfEveryAcknowledgedImage() throws Exception {
        Path dataDir = temp.resolve("node");
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        for (int sender = 0; sender < 2; sender++) {
            String study = SyntheticDicom.newUid();
            List<Path> files = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                files.add(SyntheticDicom.radiograph().study(study).instance(i).size(1024, 768)
                        .write(temp.resolve("reports/" + sender + "/" + i + ".dcm")));
            }
            studies.put(study, files);
        }
        List<Path> acknowledged = new ArrayList<>();
        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start()) {
            try (NodeProcess node = reportingNode(dataDir, orthanc).start()) {
                acknowledged.addAll(sendThenKill(node, new ArrayList<>(studies.values()), 4));
            }
            try (NodeProcess restarted = reportingNode(dataDir, orthanc).start()) {
                for (Map.Entry<String, List<Path>> study : studies.entrySet()) {
                    List<String> expected = new ArrayList<>();
                    for (Path file : study.getValue()) {
                        if (acknowledged.contains(file)) {
                            expected.add(sopInstanceUid(file));
                        }
                    }
                    if (expected.isEmpty()) {
                        continue;
                    }
                    Poll.until(Duration.ofSeconds(120), "a report of study " + study.getKey() + " naming its "
                            + expected.size() + " acknowledged images", () -> reportsOf(orthanc, study.getKey())
                            .stream().anyMatch(referenced -> referenced.containsAll(expected)));
                }
            }
        }
    }

    private static NodeProcess reportingNode(Path dataDir, OrthancProcess orthanc) {
        return new NodeProcess(dataDir)
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                .with("osteonode.study.stable-seconds", "2");
    }

    /** For each report of the study in Orthanc, the SOP Instance UIDs it references. */
    private static List<List<String>> reportsOf(OrthancProcess orthanc, String study) throws Exception {
        List<List<String>> reports = new ArrayList<>();
        for (byte[] bytes : orthanc.instancesOfModality("SR")) {
            com.pixelmed.dicom.AttributeList report = new com.pixelmed.dicom.AttributeList();
            report.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(bytes)));
            if (!com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(report,
                    com.pixelmed.dicom.TagFromName.StudyInstanceUID).equals(study)) {
                continue;
            }
            reports.add(SrReferences.referencedInstances(report));
        }
        return reports;
    }

    private static String sopInstanceUid(Path file) throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(file.toFile());
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, com.pixelmed.dicom.TagFromName.SOPInstanceUID);
    }

    /**
     * One storescu per list, all at once; kill -9 of the node once it has acknowledged something and holds at
     * least {@code atLeast} objects (mid-transfer: some senders are cut off). Returns the files the senders heard
     * Success for.
     */
    private static List<Path> sendThenKill(NodeProcess node, List<List<Path>> perSender, int atLeast)
            throws Exception {
        java.util.concurrent.ExecutorService senders =
                java.util.concurrent.Executors.newFixedThreadPool(perSender.size());
        List<java.util.concurrent.Future<Dcmtk.Result>> results = new ArrayList<>();
        for (List<Path> files : perSender) {
            results.add(senders.submit(() -> Dcmtk.storescu(node.dicomPort(), "STORESCU", files)));
        }
        Poll.until(Duration.ofSeconds(60), "some objects acknowledged",
                () -> node.metrics().contains("osteonode_instances_received_total")
                        && !node.metrics().contains("osteonode_instances_received_total 0.0")
                        && node.spoolObjects().size() + node.count("select count(*) from instance") >= atLeast);
        node.kill();
        List<Path> acknowledged = new ArrayList<>();
        for (java.util.concurrent.Future<Dcmtk.Result> result : results) {
            acknowledged.addAll(acknowledgedFiles(result.get().output()));
        }
        senders.shutdown();
        return acknowledged;
    }

    /** The files storescu -v reports a Success response for. */
    private static List<Path> acknowledgedFiles(String output) {
        List<Path> files = new ArrayList<>();
        Path sending = null;
        for (String line : output.lines().toList()) {
            if (line.contains("Sending file: ")) {
                sending = Path.of(line.substring(line.indexOf("Sending file: ") + "Sending file: ".length()).trim());
            } else if (line.contains("Received Store Response (Success)") && sending != null) {
                files.add(sending);
                sending = null;
            }
        }
        return files;
    }

    private List<Path> study(String study) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= OBJECTS; i++) {
            files.add(SyntheticDicom.radiograph().study(study).instance(i).size(512, 512)
                    .write(temp.resolve("study/" + i + ".dcm")));
        }
        return files;
    }

    private static void killEmbeddedPostgres(Path dataDir) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("db/postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get();
    }

    private static void assertAllRecorded(NodeProcess node, String study) throws Exception {
        String studyKey = node.pseudonymizer().uid(study);
        Poll.until(Duration.ofSeconds(60), OBJECTS + " instances recorded after restart",
                () -> node.count("select count(*) from instance where study_key = '" + studyKey + "'") == OBJECTS);
        Poll.until(Duration.ofSeconds(30), "the spool to be released", () -> node.spoolObjects().isEmpty());
        try (var incoming = Files.list(node.dataDir().resolve("spool/incoming"))) {
            assertThat(incoming).as("no partial object left behind").isEmpty();
        }
        try (var quarantined = Files.list(node.dataDir().resolve("quarantine"))) {
            assertThat(quarantined).isEmpty();
        }
    }
}
