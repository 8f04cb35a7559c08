package org.osteonode;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.network.StorageSOPClassSCU;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole node, as its own process, with dcmtk as the sending PACS and its embedded PostgreSQL. */
class NodeIT {
    @TempDir
    static Path temp;
    static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        node = new NodeProcess(temp.resolve("node")).start();
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
        assertThat(node.count("select count(*) from instance where sop_instance_key = '" + key + "'")).isEqualTo(1);
        assertThat(node.metrics()).contains("osteonode_instances_resent_total");
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
    void healthAndMetricsAreServed() throws Exception {
        assertThat(node.health().statusCode()).isEqualTo(200);
        assertThat(node.health().body()).contains("\"status\":\"UP\"").contains("\"database\":\"UP\"");
        assertThat(node.metrics()).contains("osteonode_spool_bytes").contains("jvm_memory_used_bytes");
    }

    @Test
    void outboxRetryIsAnActionForThisMachineAndItsGaugesAreServed() throws Exception {
        java.net.http.HttpResponse<String> retry = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + node.httpPort()
                        + "/outbox/retry")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo("{\"requeued\":0}");
        assertThat(node.metrics()).contains("osteonode_outbox_pending 0.0").contains("osteonode_outbox_dead 0.0");
        assertThat(node.log()).contains("event=delivery.off");
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
