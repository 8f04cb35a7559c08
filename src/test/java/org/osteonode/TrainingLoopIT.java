package org.osteonode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.labels.DxaCsv;
import org.osteonode.testing.DatabaseScan;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.PlantedPhi;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop the project exists for, end to end on synthetic phantoms: radiographs through the node, DXA results
 * imported, an export with outcomes, the training kit's pretrain, fine-tune and ONNX conversion on its tiny
 * configuration, the node restarted with the new model, and a study sent afterwards reported in Orthanc under the
 * new model's name and version. Nothing identified from the DXA file reaches PostgreSQL, the export, the model or
 * the logs.
 */
class TrainingLoopIT {
    private static final String MODEL_NAME = "osteonode phantom screening model";
    private static final String MODEL_VERSION = "0.9.0-e2e";

    @TempDir
    Path temp;

    @Test
    void phantomsThroughTheNodeTrainAModelThatTheNodeThenRunsAndNamesInItsReports() throws Exception {
        Path phantoms = temp.resolve("phantoms");
        python("training/phantoms.py", "--dicom", phantoms.toString(), "--patients", "100", "--seed", "11");
        Path dxa = phantoms.resolve("dxa.csv");
        List<DxaCsv.Row> dxaRows = DxaCsv.parse(Files.readAllLines(dxa), LocalDate.now()).rows();
        Set<String> identified = new LinkedHashSet<>();
        dxaRows.forEach(row -> identified.add(row.patientId()));
        PlantedPhi.add(identified);
        List<Path> images;
        try (Stream<Path> files = Files.walk(phantoms)) {
            images = files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }
        Path later = temp.resolve("later");
        python("training/phantoms.py", "--dicom", later.toString(), "--patients", "1", "--seed", "12");
        List<Path> laterStudy;
        try (Stream<Path> files = Files.walk(later)) {
            laterStudy = files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }

        Path dataDir = temp.resolve("node");
        // A fixed site secret: the patient-level splits follow from the pseudonyms, so with it the test split always
        // holds both classes for these phantoms (to_onnx.py refuses to report metrics on one class).
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("secret.key"), "5ca1ab1e".repeat(8) + "\n");
        Path export = temp.resolve("export");
        Path model = temp.resolve("model");
        try (OrthancProcess orthanc = new OrthancProcess(temp.resolve("orthanc")).start()) {
            try (NodeProcess node = node(dataDir, orthanc).start()) {
                assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", images).successes()).isEqualTo(images.size());
                Poll.until(Duration.ofSeconds(180), "every phantom processed", () -> node.spoolObjects().isEmpty());

                assertThat(NodeProcess.command(dataDir, "labels", "import", "--dxa", dxa.toString()))
                        .contains("imported: " + dxaRows.size() + " new");
                ReferencePseudonyms reference = node.pseudonymizer();
                DxaCsv.Row first = dxaRows.get(0);
                LocalDate shifted = first.measuredOn().minusDays(
                        reference.dateShiftDays(first.issuerOfPatientId(), first.patientId(), 365));
                assertThat(node.count("select count(*) from outcome_label where patient_key = '"
                        + reference.patient(first.issuerOfPatientId(), first.patientId()) + "' and measured_on = date '"
                        + shifted + "' and site = '" + first.site().code() + "'")).as("keyed and date-shifted").isEqualTo(1);
                try (Connection connection = node.database()) {
                    assertThat(DatabaseScan.find(connection, "public", identified)).isEmpty();
                }

                NodeProcess.command(dataDir, "export", "--out", export.toString(), "--format", "png", "--size", "64",
                        "--bits", "16", "--split", "train=0.6,val=0.2,test=0.2", "--seed", "3");
            }
            List<String> labels = Files.readAllLines(export.resolve("labels.csv"));
            assertThat(labels.stream().filter(row -> row.endsWith(",osteoporosis"))).isNotEmpty();

            long started = System.nanoTime();
            Path pretrained = temp.resolve("pretrained");
            Path finetuned = temp.resolve("finetuned");
            python("training/pretrain.py", "--export", export.toString(), "--config", "tiny", "--out", pretrained.toString());
            python("training/finetune.py", "--export", export.toString(), "--config", "tiny", "--pretrained",
                    pretrained.resolve("backbone.pt").toString(), "--out", finetuned.toString());
            python("training/to_onnx.py", "--export", export.toString(), "--checkpoint",
                    finetuned.resolve("model.pt").toString(), "--config", "tiny", "--name", MODEL_NAME, "--version",
                    MODEL_VERSION, "--out", model.toString());
            System.out.printf("training-loop: pretrain + finetune + to_onnx took %.1f s%n", (System.nanoTime() - started) / 1e9);

            JsonNode card = new ObjectMapper().readTree(model.resolve("model.json").toFile());
            assertThat(card.path("trainingDataset").path("datasheetSha256").asText())
                    .isEqualTo(sha256(export.resolve("dataset.json")));
            assertThat(card.path("metrics").path("auc").isNumber()).isTrue();
            assertThat(NodeProcess.command(dataDir, "model", "check", model.toString())).contains(MODEL_VERSION);

            try (NodeProcess node = node(dataDir, orthanc).with("osteonode.model.dir", model.toString()).start()) {
                int before = orthanc.instancesOfModality("SR").size();
                assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", laterStudy).successes())
                        .isEqualTo(laterStudy.size());
                Poll.until(Duration.ofSeconds(90), "the later study's report", () -> reportsNaming(orthanc).size() > 0);
                AttributeList report = reportsNaming(orthanc).get(0);
                assertThat(report.get(TagFromName.ManufacturerModelName).getSingleStringValueOrEmptyString())
                        .isEqualTo(MODEL_NAME);
                assertThat(report.get(TagFromName.DeviceSerialNumber).getSingleStringValueOrEmptyString())
                        .isEqualTo(card.path("deviceUid").asText());
                assertThat(orthanc.instancesOfModality("SR").size()).isGreaterThan(before);
                assertThat(node.metrics()).contains("osteonode_inference_score_bucket{model=\"" + MODEL_NAME + "\"");

                List<Path> outputs = new ArrayList<>();
                for (Path dir : List.of(export, model)) {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.filter(Files::isRegularFile).forEach(outputs::add);
                    }
                }
                assertThat(PhiScanner.leaks(outputs, identified)).as("the export and the model").isEmpty();
                Path log = Files.writeString(temp.resolve("node.log"), node.log());
                assertThat(PhiScanner.leaks(List.of(log), identified)).as("the node's log").isEmpty();
            }
        }
    }

    private static NodeProcess node(Path dataDir, OrthancProcess orthanc) {
        return new NodeProcess(dataDir)
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                .with("osteonode.study.stable-seconds", "2")
                .with("osteonode.clinical.max-study-age-days", "0");
    }

    /** Reports in Orthanc written by the trained model (the demo model's are there too). */
    private static List<AttributeList> reportsNaming(OrthancProcess orthanc) throws Exception {
        return orthanc.structuredReports().stream().filter(report -> report.get(TagFromName.ManufacturerModelName)
                .getSingleStringValueOrEmptyString().equals(MODEL_NAME)).toList();
    }

    /** A training-kit script with Debian's Python; fails the test with its output when it fails. */
    private static void python(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(arguments));
        Dcmtk.Result result = Dcmtk.run(command);
        Path log = Path.of("target", "node-logs", "training.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "$ " + String.join(" ", command) + "\n" + result.output(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }
}
