package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.DatabaseScan;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.PlantedPhi;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DXA results from the RIS, identified, become outcome labels the node can join to pseudonymous images: stored keyed
 * and date-shifted only, bad rows refused by line, opted-out patients skipped, and the export adds the nearest
 * result and its WHO label to each image.
 */
class OutcomeLabelsIT {
    private static final String HEADER = "issuer_of_patient_id,patient_id,measurement_date,site,t_score,z_score,bmd";

    @TempDir
    Path temp;

    @Test
    void dxaResultsAreStoredKeyedAndShiftedAndTheExportJoinsTheNearestWithItsWhoLabel() throws Exception {
        LocalDate studyDate = LocalDate.now().minusDays(2);
        String study = studyDate.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        List<Path> images = List.of(
                SyntheticDicom.radiograph().patient("DXAPAT-1001", "OSTEO^ONE").studyDate(study).write(temp.resolve("a.dcm")),
                SyntheticDicom.radiograph().bodyPart("HIP").patient("DXAPAT-1002", "OSTEO^TWO").studyDate(study)
                        .write(temp.resolve("b.dcm")),
                SyntheticDicom.radiograph().patient("DXAPAT-1003", "OSTEO^THREE").studyDate(study)
                        .write(temp.resolve("c.dcm")));
        PlantedPhi.add("DXAPAT-1001", "DXAPAT-1002", "DXAPAT-1003");
        Path dataDir = temp.resolve("node");
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", images).successes()).isEqualTo(3);
            Poll.until(Duration.ofSeconds(60), "the spool released", () -> node.spoolObjects().isEmpty());
            // A DXA 30 or so days before the images, never by exactly a patient's date shift: then its raw date would
            // equal the image's shifted study date, and the scans below would find it in the database.
            ReferencePseudonyms reference = node.pseudonymizer();
            int shiftOne = reference.dateShiftDays("", "DXAPAT-1001", 365);
            int shiftTwo = reference.dateShiftDays("", "DXAPAT-1002", 365);
            int offset = java.util.stream.IntStream.iterate(30, d -> d + 1)
                    .filter(d -> d != shiftOne && d != shiftTwo).findFirst().orElseThrow();
            LocalDate measured = studyDate.minusDays(offset);
            String dxaDate = measured.toString();
            // (the synthetic images have no Issuer of Patient ID, so neither have their DXA rows)
            Path bad = Files.writeString(temp.resolve("bad.csv"), String.join("\n", HEADER,
                    ",DXAPAT-1001," + dxaDate + ",lumbar spine,-2.9,-2.0,0.71",
                    ",DXAPAT-1002," + dxaDate + ",knee,-1.5,,",
                    ",DXAPAT-1002," + dxaDate + ",total hip,-1.5,,",
                    ",DXAPAT-1003," + dxaDate + ",total hip,-0.2,,") + "\n");
            NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids",
                    Files.writeString(temp.resolve("out.txt"), "DXAPAT-1003\n").toString());

            Dcmtk.Result refused = NodeProcess.run(dataDir, Map.of(), "labels", "import", "--dxa", bad.toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.output()).contains("line 3: site is not one of lumbar spine, total hip, femoral neck")
                    .contains("nothing was imported").doesNotContain("DXAPAT");
            assertThat(node.count("select count(*) from outcome_label")).isZero();

            Path wrongHeader = Files.writeString(temp.resolve("header.csv"), "patient,date,site,t\n,DXAPAT-1001,x,y,z\n");
            Dcmtk.Result header = NodeProcess.run(dataDir, Map.of(), "labels", "import", "--dxa", wrongHeader.toString(),
                    "--skip-bad-rows");
            assertThat(header.exitCode()).as("a wrong header is never skipped").isEqualTo(1);
            assertThat(header.output()).contains("the header has no column issuer_of_patient_id");
            Path latin1 = Files.write(temp.resolve("latin1.csv"), (HEADER + "\n,DXAPAT-1001," + dxaDate
                    + ",total hip,-1.0,,\n,M\u00dcLLER,x,y,z\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(NodeProcess.run(dataDir, Map.of(), "labels", "import", "--dxa", latin1.toString()).output())
                    .contains("is not UTF-8 text");

            String imported = NodeProcess.command(dataDir, "labels", "import", "--dxa", bad.toString(), "--skip-bad-rows");
            assertThat(imported).contains("rows: 3 good, 1 bad (skipped), 1 of opted-out patients (skipped)")
                    .contains("imported: 2 new, 0 changed, 0 already there");
            assertThat(NodeProcess.command(dataDir, "labels", "import", "--dxa", bad.toString(), "--skip-bad-rows"))
                    .as("again: idempotent").contains("imported: 0 new, 0 changed, 2 already there");

            String patient = reference.patient("", "DXAPAT-1001");
            assertThat(node.count("select count(*) from outcome_label where patient_key = '" + patient + "' and site = "
                    + "'lumbar-spine' and t_score = -2.9 and measured_on = date '" + dxaDate + "' - "
                    + reference.dateShiftDays("", "DXAPAT-1001", 365) + "")).isEqualTo(1);
            try (Connection connection = node.database()) {
                Set<String> needles = new LinkedHashSet<>(List.of("DXAPAT-1001", "DXAPAT-1002", "DXAPAT-1003", dxaDate));
                assertThat(DatabaseScan.find(connection, "public", needles)).isEmpty();
            }

            Path export = temp.resolve("export");
            NodeProcess.command(dataDir, "export", "--out", export.toString(), "--body-part", "LSPINE",
                    "--body-part", "HIP");
            List<String> rows = Files.readAllLines(export.resolve("labels.csv"));
            assertThat(rows.get(0)).endsWith(",study_date_shifted,dxa_days,dxa_site,dxa_t_score,who_label");
            assertThat(rows).hasSize(3); // the opted-out patient's image is not exported
            assertThat(rows.stream().filter(r -> r.endsWith("," + -offset + ",lumbar-spine,-2.9,osteoporosis"))).hasSize(1);
            assertThat(rows.stream().filter(r -> r.endsWith("," + -offset + ",total-hip,-1.5,osteopenia"))).hasSize(1);
            assertThat(Files.readString(export.resolve("dataset.json"))).contains("who_label_per_split")
                    .contains("\"outcome_window_days\" : 365");
            List<Path> exported;
            try (Stream<Path> files = Files.walk(export)) {
                exported = files.filter(Files::isRegularFile).toList();
            }
            assertThat(PhiScanner.leaks(exported, List.of("DXAPAT-1001", "DXAPAT-1002", dxaDate,
                    dxaDate.replace("-", "")))).isEmpty();
        }
    }
}
