package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a data steward decides about the research archive: its scope, and patients who opt out. */
class ResearchGovernanceIT {
    @TempDir
    Path temp;

    @Test
    void anOptedOutPatientIsDeletedFromTheArchiveAndNeverEntersItAgainWhileOthersStay() throws Exception {
        List<Path> leaving = List.of(
                SyntheticDicom.radiograph().patient("PID-OPT-1", "LEAVING^ONE").instance(1).write(temp.resolve("a1.dcm")),
                SyntheticDicom.radiograph().patient("PID-OPT-1", "LEAVING^ONE").instance(2).write(temp.resolve("a2.dcm")));
        Path staying = SyntheticDicom.radiograph().patient("PID-STAY-2", "STAYING^TWO").write(temp.resolve("b.dcm"));
        Path ct = SyntheticDicom.radiograph().modality("CT").patient("PID-STAY-2", "STAYING^TWO")
                .write(temp.resolve("ct.dcm"));
        Path later = SyntheticDicom.radiograph().patient("PID-OPT-1", "LEAVING^ONE").instance(3)
                .write(temp.resolve("a3.dcm"));

        Path dataDir = temp.resolve("node");
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            String leavingKey = node.pseudonymizer().patient("", "PID-OPT-1");
            String stayingKey = node.pseudonymizer().patient("", "PID-STAY-2");
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(leaving.get(0), leaving.get(1), staying, ct))
                    .successes()).isEqualTo(4);
            Poll.until(Duration.ofSeconds(60), "the spool released", () -> node.spoolObjects().isEmpty());
            assertThat(node.count("select count(*) from image_label")).as("the CT is outside the default scope")
                    .isEqualTo(3);
            assertThat(node.count("select count(*) from instance")).as("but indexed").isEqualTo(4);
            assertThat(node.metrics()).contains("osteonode_research_skipped_total{reason=\"out-of-scope-modality\"} 1.0");
            assertThat(dataDir.resolve("archive").resolve(leavingKey)).isDirectory();

            Path ids = temp.resolve("withdrawn.txt");
            Files.writeString(ids, "# consent withdrawn\nPID-OPT-1\n\n");
            String output = NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids", ids.toString());

            assertThat(output).contains("new to the list: 1").contains("deleted: 2 archived images, 2 label rows")
                    .contains("patients opted out of research: 1").doesNotContain("PID-OPT-1" + " ");
            assertThat(dataDir.resolve("archive").resolve(leavingKey)).doesNotExist();
            assertThat(node.count("select count(*) from image_label where patient_key = '" + leavingKey + "'")).isZero();
            assertThat(node.count("select count(*) from image_label where patient_key = '" + stayingKey + "'")).isEqualTo(1);
            assertThat(node.count("select count(*) from research_opt_out where patient_key = '" + leavingKey + "'"))
                    .as("kept as the keyed pseudonym").isEqualTo(1);

            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(later)).successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(60), "the later image indexed but not archived", () -> node.metrics()
                    .contains("osteonode_research_skipped_total{reason=\"opted-out\"} 1.0"));
            assertThat(dataDir.resolve("archive").resolve(leavingKey)).doesNotExist();
            assertThat(node.count("select count(*) from instance where patient_key = '" + leavingKey + "'")).isEqualTo(3);

            // Again with the same file: nothing new, nothing more to delete.
            assertThat(NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids", ids.toString()))
                    .contains("new to the list: 0").contains("deleted: 0 archived images, 0 label rows");
            assertThat(NodeProcess.command(dataDir, "research", "opt-out", "--list"))
                    .contains("patients opted out of research: 1");
            assertThat(node.health().statusCode()).as("the node's database was used, not stopped").isEqualTo(200);
        }
        // With the node stopped, the command starts the database itself.
        assertThat(NodeProcess.command(dataDir, "research", "opt-out", "--list"))
                .contains("patients opted out of research: 1");
    }
}
