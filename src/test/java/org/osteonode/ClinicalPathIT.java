package org.osteonode;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.inference.ModelCard;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.testing.SrReferences.referencedInstances;

/**
 * The whole clinical path: dcmtk sends a lumbar spine study, a chest and a hand to osteonode; Orthanc, the
 * PACS, ends up with exactly one Structured Report, in the lumbar study, referencing both lumbar images and
 * stating the higher of their scores; a resent image makes no second report.
 */
class ClinicalPathIT {
    @TempDir
    Path temp;

    @Test
    void theLumbarStudyGetsOneReportInThePacsThatStatesItsScoresAndTheOthersNone() throws Exception {
        String lumbarStudy = SyntheticDicom.newUid();
        SyntheticDicom first = SyntheticDicom.radiograph().patient("MRN5001", "LUMBAR^PATIENT").study(lumbarStudy).instance(1);
        // another size and pattern, so that the two images score differently and max tells from mean
        SyntheticDicom second = SyntheticDicom.radiograph().patient("MRN5001", "LUMBAR^PATIENT").study(lumbarStudy)
                .instance(7).size(384, 256);
        Path firstFile = first.write(temp.resolve("l1.dcm"));
        List<Path> files = List.of(firstFile, second.write(temp.resolve("l2.dcm")),
                SyntheticDicom.radiograph().computedRadiography().bodyPart("CHEST").patient("MRN5002", "CHEST^PATIENT")
                        .write(temp.resolve("chest.dcm")),
                SyntheticDicom.radiograph().bodyPart("HAND").patient("MRN5003", "HAND^PATIENT")
                        .write(temp.resolve("hand.dcm")));

        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
             NodeProcess node = new NodeProcess(temp.resolve("node"))
                     .with("osteonode.pacs.host", "localhost")
                     .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                     .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                     .with("osteonode.study.stable-seconds", "2")
                     .with("osteonode.clinical.retain-days", "0")
                     .start()) {
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", files).successes()).isEqualTo(4);

            Poll.until(Duration.ofSeconds(60), "a report in Orthanc", () -> !orthanc.instancesOfModality("SR").isEmpty());
            Poll.until(Duration.ofSeconds(30), "all four objects processed", () -> node.spoolObjects().isEmpty());
            AttributeList report = orthanc.structuredReports().get(0);
            assertThat(value(report, TagFromName.StudyInstanceUID)).isEqualTo(lumbarStudy);
            assertThat(value(report, TagFromName.PatientID)).isEqualTo("MRN5001");
            assertThat(referencedInstances(report)).containsExactlyInAnyOrder(first.sopInstanceUid(), second.sopInstanceUid());
            assertThat(value(report, TagFromName.SeriesDescription)).contains("RESEARCH USE ONLY");

            // The report states what the model said: the highest of the two images' scores, and its assessment.
            List<Double> scores = scores(node, node.pseudonymizer().uid(lumbarStudy));
            assertThat(scores).hasSize(2).doesNotHaveDuplicates();
            double highest = Math.max(scores.get(0), scores.get(1));
            ContentItem root = (ContentItem) new StructuredReport(report).getRoot();
            ContentItemFactory.NumericContentItem probability =
                    (ContentItemFactory.NumericContentItem) find(root, "OSTEOPOROSIS-P");
            assertThat(probability.getNumericValue()).isEqualTo(String.format(Locale.ROOT, "%.4f", highest));
            assertThat(probability.getUnits().getCodeValue()).isEqualTo("1");
            boolean likely = highest >= ModelCard.readFrom(Path.of("model/demo")).threshold();
            assertThat(((ContentItemFactory.CodeContentItem) find(root, "OSTEOPOROSIS-A")).getConceptCode().getCodeValue())
                    .isEqualTo(likely ? "OSTEOPOROSIS-L" : "OSTEOPOROSIS-U");

            Poll.until(Duration.ofSeconds(10), "the outbox to record it sent",
                    () -> node.metrics().contains("osteonode_sr_sent_total 1.0"));
            assertThat(node.metrics()).contains("osteonode_clinical_scored_total 2.0")
                    .contains("osteonode_inference_seconds_count{provider=\"cpu\"}")
                    .contains("osteonode_inference_score_count{model=\"osteonode demo osteoporosis model\","
                            + "version=\"1.0.0\"} 2")
                    .contains("osteonode_inference_score_bucket{model=\"osteonode demo osteoporosis model\","
                            + "version=\"1.0.0\",le=\"1.0\"} 2");
            assertThat(node.log()).contains("event=model.not-evaluated model=\"osteonode demo osteoporosis model\"");

            // The PACS sends an image again: it is recorded as re-sent, and makes no second report.
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(firstFile)).successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(30), "the resend processed", () -> node.metrics()
                    .contains("osteonode_instances_resent_total 1.0") && node.spoolObjects().isEmpty());
            // A later study is the barrier: by the time its report arrives, a report the resend wrongly caused
            // (due earlier) would have been sent before it.
            String markerStudy = SyntheticDicom.newUid();
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(SyntheticDicom.radiograph()
                    .patient("MRN5004", "MARKER^PATIENT").study(markerStudy).write(temp.resolve("marker.dcm"))))
                    .successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(60), "the later study's report", () -> orthanc.structuredReports().stream()
                    .anyMatch(r -> value(r, TagFromName.StudyInstanceUID).equals(markerStudy)));
            Poll.until(Duration.ofSeconds(10), "the outbox to record both sent",
                    () -> node.metrics().contains("osteonode_sr_sent_total 2.0"));
            assertThat(orthanc.structuredReports().stream().map(r -> value(r, TagFromName.StudyInstanceUID)))
                    .as("one report per screened study; none for the chest or the hand")
                    .containsExactlyInAnyOrder(lumbarStudy, markerStudy);
            assertThat(node.count("select count(*) from outbox")).isEqualTo(2);

            Poll.until(Duration.ofSeconds(10), "the study's identified references deleted (retain-days 0)", () -> {
                try (var studies = Files.list(node.dataDir().resolve("clinical"))) {
                    return studies.findAny().isEmpty();
                }
            });

            Path saved = temp.resolve("report.dcm");
            Files.write(saved, orthanc.instancesOfModality("SR").get(0));
            Dcmtk.Result dciodvfy = Dcmtk.run(List.of("dciodvfy", saved.toString()));
            assertThat(dciodvfy.output().lines().filter(l -> l.startsWith("Error"))).as(dciodvfy.output()).isEmpty();
            // PixelMed's compiled XSLT exceeds the JDK's default XPath limits (JAXP0801003); lift them for it.
            System.setProperty("jdk.xml.xpathExprOpLimit", "0");
            System.setProperty("jdk.xml.xpathExprGrpLimit", "0");
            System.setProperty("jdk.xml.xpathTotalOpLimit", "0");
            String pixelmed = new com.pixelmed.validate.DicomSRValidator().validate(report);
            assertThat(pixelmed).as(pixelmed).doesNotContain("Error").contains("Found Root Template TID_1500");
        }
    }

    @Test
    void aLateInstanceMakesANewVersionThatSupersedesTheFirst() throws Exception {
        String study = SyntheticDicom.newUid();
        SyntheticDicom first = SyntheticDicom.radiograph().patient("MRN6001", "LATE^PATIENT").study(study).instance(1);
        SyntheticDicom late = SyntheticDicom.radiograph().patient("MRN6001", "LATE^PATIENT").study(study).instance(2);

        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
             NodeProcess node = clinicalNode(orthanc, "10").start()) {
            Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(first.write(temp.resolve("first.dcm"))));
            Poll.until(Duration.ofSeconds(60), "the first report", () -> orthanc.instancesOfModality("SR").size() == 1);
            Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(late.write(temp.resolve("late.dcm"))));
            Poll.until(Duration.ofSeconds(60), "the second version", () -> orthanc.instancesOfModality("SR").size() == 2);

            List<AttributeList> reports = orthanc.structuredReports();
            reports.sort(java.util.Comparator.comparing(r -> value(r, TagFromName.InstanceNumber)));
            AttributeList second = reports.get(1);
            assertThat(value(second, TagFromName.InstanceNumber)).isEqualTo("2");
            assertThat(referencedInstances(second)).containsExactlyInAnyOrder(first.sopInstanceUid(), late.sopInstanceUid());
            assertThat(second.get(TagFromName.PredecessorDocumentsSequence).toString())
                    .contains(value(reports.get(0), TagFromName.SOPInstanceUID));
        }
    }

    @Test
    void aReportDeadLetteredWhileThePacsWasDownIsDeliveredByOutboxRetry() throws Exception {
        String study = SyntheticDicom.newUid();
        Path image = SyntheticDicom.radiograph().patient("MRN7001", "DOWN^PATIENT").study(study).write(temp.resolve("i.dcm"));

        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
             NodeProcess node = clinicalNode(orthanc, "2").start()) {
            orthanc.stop();
            Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(image));
            Poll.until(Duration.ofSeconds(60), "the report dead-lettered",
                    () -> node.metrics().contains("osteonode_outbox_dead 1.0"));
            // still serving (200), but saying that reports are not reaching the PACS
            assertThat(node.health().statusCode()).isEqualTo(200);
            assertThat(node.health().body()).contains("\"status\":\"DEGRADED\"").contains("\"reports\":\"DEGRADED\"");

            orthanc.start();
            ProcessBuilder retry = new ProcessBuilder("bin/osteonode", "outbox", "retry").redirectErrorStream(true);
            retry.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
            retry.environment().put("OSTEONODE_HTTP_PORT", Integer.toString(node.httpPort()));
            Process process = retry.start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains("\"requeued\":1");

            Poll.until(Duration.ofSeconds(60), "the report in Orthanc", () -> orthanc.instancesOfModality("SR").size() == 1);
            Poll.until(Duration.ofSeconds(10), "the outbox to record it sent",
                    () -> node.metrics().contains("osteonode_sr_sent_total 1.0"));
            assertThat(node.metrics()).contains("osteonode_outbox_dead 0.0").contains("osteonode_outbox_pending 0.0");
            assertThat(node.health().body()).contains("\"status\":\"UP\"").contains("\"pacs\":\"UP\"");
        }
    }

    @Test
    void eightImagesOfOneStudyOverFourParallelAssociationsMakeOneReportThatListsAllEight() throws Exception {
        // The study workspace once lost images when two were processed at once (issue 8): send them at once.
        String study = SyntheticDicom.newUid();
        List<SyntheticDicom> images = new ArrayList<>();
        List<List<Path>> perAssociation = new ArrayList<>();
        for (int association = 0; association < 4; association++) {
            perAssociation.add(new ArrayList<>());
        }
        for (int i = 1; i <= 8; i++) {
            SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN8001", "PARALLEL^PATIENT").study(study)
                    .instance(i).size(256, 192);
            images.add(image);
            perAssociation.get(i % 4).add(image.write(temp.resolve("p" + i + ".dcm")));
        }

        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
             NodeProcess node = clinicalNode(orthanc, "3").start()) {
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<Dcmtk.Result>> sent = new ArrayList<>();
            for (List<Path> files : perAssociation) {
                sent.add(senders.submit(() -> Dcmtk.storescu(node.dicomPort(), "STORESCU", files)));
            }
            int successes = 0;
            for (java.util.concurrent.Future<Dcmtk.Result> result : sent) {
                successes += result.get().successes();
            }
            senders.shutdown();
            assertThat(successes).isEqualTo(8);

            // (a version made before all eight arrived is superseded by a later one; the last lists them all)
            Poll.until(Duration.ofSeconds(90), "a report in Orthanc that lists all eight images", () -> orthanc.structuredReports()
                    .stream().anyMatch(report -> referencedInstances(report).size() == 8));
            AttributeList complete = orthanc.structuredReports().stream()
                    .filter(report -> referencedInstances(report).size() == 8).findFirst().orElseThrow();
            assertThat(referencedInstances(complete))
                    .containsExactlyInAnyOrderElementsOf(images.stream().map(SyntheticDicom::sopInstanceUid).toList());
            assertThat(value(complete, TagFromName.StudyInstanceUID)).isEqualTo(study);
        }
    }

    private NodeProcess clinicalNode(OrthancProcess orthanc, String maxAttempts) {
        return new NodeProcess(temp.resolve("node"))
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                .with("osteonode.study.stable-seconds", "2")
                .with("osteonode.outbox.max-attempts", maxAttempts)
                .with("osteonode.outbox.retry-delay-seconds", "1");
    }

    private static List<Double> scores(NodeProcess node, String studyKey) throws Exception {
        List<Double> scores = new ArrayList<>();
        try (var connection = node.database(); var rows = connection.createStatement()
                .executeQuery("select score from image_score where study_key = '" + studyKey + "'")) {
            while (rows.next()) {
                scores.add(rows.getDouble(1));
            }
        }
        return scores;
    }

    /** The one content item, anywhere in the tree, whose concept name has this code value. */
    private static ContentItem find(ContentItem item, String codeValue) {
        List<ContentItem> found = new ArrayList<>();
        collect(item, codeValue, found);
        assertThat(found).as(codeValue).hasSize(1);
        return found.get(0);
    }

    private static void collect(ContentItem item, String codeValue, List<ContentItem> found) {
        if (codeValue.equals(item.getConceptNameCodeValue())) {
            found.add(item);
        }
        for (int i = 0; i < item.getChildCount(); i++) {
            collect((ContentItem) item.getChildAt(i), codeValue, found);
        }
    }
    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
