package org.osteonode;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.StorageSOPClassSCU;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.DatabaseScan;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SyntheticDicom;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole node, as its own process, with dcmtk as the sending PACS and its embedded PostgreSQL. */
class NodeIT {
    @TempDir
    static Path temp;
    static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        node = new NodeProcess(temp.resolve("node")).with("osteonode.study.stable-seconds", "1").start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    @Test
    void echoIsAnswered() throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(node.dicomPort(), "STORESCU", "OSTEONODE");

        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.output()).contains("Received Echo Response (Success)");
    }

    @Test
    void threeInstanceStudyIsStoredAndRecorded() throws Exception {
        String study = SyntheticDicom.newUid();
        List<Path> files = List.of(
                SyntheticDicom.radiograph().study(study).instance(1).write(temp.resolve("study/1.dcm")),
                SyntheticDicom.radiograph().study(study).instance(2).write(temp.resolve("study/2.dcm")),
                SyntheticDicom.radiograph().study(study).instance(3).write(temp.resolve("study/3.dcm")));

        Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU", files);

        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.successes()).isEqualTo(3);
        String studyKey = node.pseudonymizer().uid(study);
        Poll.until(Duration.ofSeconds(30), "3 instances recorded",
                () -> node.count("select count(*) from instance where study_key = '" + studyKey + "'") == 3);
        assertThat(node.count("select count(*) from instance where study_key = '" + studyKey
                + "' and modality = 'DX' and calling_ae_title = 'STORESCU' and times_received = 1")).isEqualTo(3);
        Poll.until(Duration.ofSeconds(30), "the spool to be released", () -> node.spoolObjects().isEmpty());
        // the audit trail at INFO, with pseudonymous keys only
        String log = node.log();
        assertThat(log).contains("event=association.accepted calling_ae=\"STORESCU\"")
                .containsPattern("event=association.closed how=released calling_ae=\"STORESCU\" peer=\\S+ stored=3 "
                        + "refused=0");
        for (Path file : files) {
            String key = node.pseudonymizer().uid(read(file).get(com.pixelmed.dicom.TagFromName.SOPInstanceUID)
                    .getSingleStringValueOrEmptyString());
            assertThat(log).contains("event=object.archived key=" + key);
        }
    }

    private static com.pixelmed.dicom.AttributeList read(Path file) throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(file.toFile());
        return list;
    }

    @Test
    void resentInstanceIsRecordedOnce() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph();
        Path file = image.write(temp.resolve("resend.dcm"));
        String key = node.pseudonymizer().uid(image.sopInstanceUid());

        assertThat(Dcmtk.storescu(node.dicomPort(), "PACS", List.of(file)).successes()).isEqualTo(1);
        Poll.until(Duration.ofSeconds(30), "first receipt recorded",
                () -> node.count("select count(*) from instance where sop_instance_key = '" + key + "'") == 1);
        assertThat(Dcmtk.storescu(node.dicomPort(), "PACS", List.of(file)).successes()).isEqualTo(1);

        Poll.until(Duration.ofSeconds(30), "second receipt recognised",
                () -> node.count("select times_received from instance where sop_instance_key = '" + key + "'") == 2);
        Poll.until(Duration.ofSeconds(30), "the resend processed", () -> node.spoolObjects().isEmpty());
        assertThat(node.count("select count(*) from instance where sop_instance_key = '" + key + "'")).isEqualTo(1);
        assertThat(node.count("select count(*) from image_label where sop_instance_key = '" + key + "'")).isEqualTo(1);
        assertThat(node.count("select count(*) from image_score where sop_instance_key = '" + key + "'")).isEqualTo(1);
        assertThat(node.count("select instances from clinical_study where study_key = '"
                + node.pseudonymizer().uid(image.studyInstanceUid()) + "'")).isEqualTo(1);
        assertThat(metric("osteonode_instances_resent_total")).isEqualTo(1);
    }

    @Test
    void noTableHoldsAnIdentifierRawOrHashedWithoutTheSecret() throws Exception {
        String patientId = "PLANTMRN90417";
        String issuer = "PLANTISSUER";
        SyntheticDicom image = SyntheticDicom.radiograph().patient(patientId, "PLANTSURNAME^PLANTGIVEN");
        AttributeList attributes = image.attributes();
        SyntheticDicom.put(attributes, new LongStringAttribute(TagFromName.IssuerOfPatientID), issuer);
        SyntheticDicom.put(attributes, new ShortStringAttribute(TagFromName.AccessionNumber), "PLANTACC3318");
        SyntheticDicom.put(attributes, new DateAttribute(TagFromName.PatientBirthDate), "19470312");
        String series = Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.SeriesInstanceUID);
        Path file = temp.resolve("planted.dcm");
        FileMetaInformation.addFileMetaInformation(attributes, TransferSyntax.ExplicitVRLittleEndian, "OSTEONODETEST");
        attributes.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        ReferencePseudonyms reference = node.pseudonymizer();
        String studyKey = reference.uid(image.studyInstanceUid());

        assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(file)).successes()).isEqualTo(1);
        // every table that can hold something of it: index, labels, score, study state, the queued report
        Poll.until(Duration.ofSeconds(60), "the image indexed, labelled, scored and its report queued", () ->
                node.count("select count(*) from image_label where study_key = '" + studyKey + "'") == 1
                        && node.count("select count(*) from outbox where item_key like '%" + studyKey + "%'") == 1);

        assertThat(node.count("select count(*) from instance where patient_key = '" + reference.patient(issuer, patientId)
                + "' and study_key = '" + studyKey + "' and series_key = '" + reference.uid(series)
                + "' and sop_instance_key = '" + reference.uid(image.sopInstanceUid()) + "'"))
                .as("keys are the keyed HMACs of SECURITY.md").isEqualTo(1);
        assertThat(node.count("select count(*) from image_label where patient_key = '" + reference.patient(issuer, patientId)
                + "'")).isEqualTo(1);
        List<String> identifiers = List.of(patientId, issuer, "PLANTSURNAME", "PLANTGIVEN", "PLANTACC3318", "19470312",
                "1947-03-12", image.studyInstanceUid(), series, image.sopInstanceUid());
        Set<String> needles = new LinkedHashSet<>(identifiers);
        for (String value : List.of(patientId, issuer + "\u0000" + patientId, issuer + patientId,
                "patient\u0000" + issuer + "\u0000" + patientId, image.studyInstanceUid(), "uid\u0000" + image.studyInstanceUid(),
                series, image.sopInstanceUid(), "uid\u0000" + image.sopInstanceUid())) {
            needles.addAll(DatabaseScan.unkeyedForms(value));
        }
        try (Connection connection = node.database()) {
            assertThat(DatabaseScan.tables(connection, "public"))
                    .contains("instance", "image_label", "image_score", "clinical_study", "outbox");
            assertThat(DatabaseScan.find(connection, "public", needles)).isEmpty();
            // the scan can see: the keyed pseudonym it must find is found
            assertThat(DatabaseScan.find(connection, "public", Set.of(reference.patient(issuer, patientId))))
                    .contains("instance.patient_key: " + reference.patient(issuer, patientId));
        }
    }

    @Test
    void unknownCallingAeTitleIsRefusedAndTheLogSaysWhichKeyToChange() throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(node.dicomPort(), "INTRUDER", "OSTEONODE");

        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).contains("Association Rejected").contains("Calling AE Title Not Recognized");
        Poll.until(Duration.ofSeconds(5), "the refusal in the log", () -> node.log()
                .contains("calling AE 'INTRUDER' is not in osteonode.dicom.allowed-calling-ae-titles"));
    }

    @Test
    void wrongCalledAeTitleIsRefused() throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(node.dicomPort(), "STORESCU", "SOMEONEELSE");

        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).contains("Called AE Title Not Recognized");
    }

    @Test
    void objectWithoutStudyInstanceUidIsAnsweredWithFailureAndQuarantined() throws Exception {
        Path bad = SyntheticDicom.radiograph().withoutStudyInstanceUid().write(temp.resolve("no-study.dcm"));
        Path good = SyntheticDicom.radiograph().write(temp.resolve("after-bad.dcm"));

        Dcmtk.Result refused = Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(bad));
        Dcmtk.Result following = Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(good));

        assertThat(refused.output()).contains("Error: CannotUnderstand").doesNotContain("Store Response (Success)");
        assertThat(following.successes()).isEqualTo(1);
        assertThat(reasonFiles()).anyMatch(text -> text.contains("reason=unparseable")
                && text.contains("no Study Instance UID"));
    }

    @Test
    void garbageDataSetIsAnsweredWithFailureAndQuarantinedWhileTheNodeKeepsServing() throws Exception {
        // A valid File Meta Information followed by bytes that are no data set. dcmtk will not send such a
        // file, so PixelMed's SCU does: it sends the data set bytes as they are.
        Path garbage = temp.resolve("garbage.dcm");
        Path template = SyntheticDicom.radiograph().size(16, 16).write(temp.resolve("template.dcm"));
        byte[] bytes = Files.readAllBytes(template);
        int metaEnd = 132 + 12 + littleEndianInt(bytes, 140);
        Arrays.fill(bytes, metaEnd, bytes.length, (byte) 0xEE);
        try (OutputStream out = Files.newOutputStream(garbage)) {
            out.write(bytes);
        }
        double before = rejected("unparseable");

        new StorageSOPClassSCU("localhost", node.dicomPort(), "OSTEONODE", "STORESCU", garbage.toString(),
                SOPClass.DigitalXRayImageStorageForPresentation, SyntheticDicom.newUid(), 0);

        Poll.until(Duration.ofSeconds(10), "the failure counted", () -> rejected("unparseable") == before + 1);
        assertThat(Dcmtk.echoscu(node.dicomPort(), "STORESCU", "OSTEONODE").exitCode()).isZero();
        assertThat(node.health().statusCode()).isEqualTo(200);
    }

    @Test
    void theEmbeddedDatabaseCommitsDurably() throws Exception {
        // A commit is acknowledged only once its WAL is fsync'ed: after a label commit the spool file goes.
        try (Connection connection = node.database(); var statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (var row = statement.executeQuery("show " + setting)) {
                    row.next();
                    assertThat(row.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        assertThat(node.health().statusCode()).isEqualTo(200);
        assertThat(node.health().body()).contains("\"status\":\"UP\"").contains("\"database\":\"UP\"");
        assertThat(node.metrics()).contains("osteonode_spool_bytes").contains("osteonode_spool_oldest_seconds")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void outboxRetryIsAnActionForThisMachineAndItsGaugesAreServed() throws Exception {
        java.net.http.HttpResponse<String> retry = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + node.httpPort()
                        + "/outbox/retry")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo("{\"requeued\":0}");
        // Reports of the other tests' spine images wait in the outbox (delivery is off): the gauge counts them.
        Poll.until(Duration.ofSeconds(10), "the pending gauge to match the outbox", () -> metric("osteonode_outbox_pending")
                == node.count("select count(*) from outbox where state = 'pending'"));
        assertThat(metric("osteonode_outbox_dead")).isZero();
        assertThat(node.log()).contains("event=delivery.off");
    }

    private double metric(String name) throws Exception {
        return node.metrics().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private double rejected(String reason) throws Exception {
        return node.metrics().lines()
                .filter(l -> l.startsWith("osteonode_instances_rejected_total{") && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> reasonFiles() throws Exception {
        try (var files = Files.list(node.dataDir().resolve("quarantine"))) {
            return files.filter(p -> p.toString().endsWith(".reason")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
    }

    private static int littleEndianInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16
                | (bytes[offset + 3] & 0xff) << 24;
    }
}
