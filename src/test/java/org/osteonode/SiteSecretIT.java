package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/osteonode secret rotate}: it says what rotation means before doing anything, refuses while the node
 * runs or when an opt-out would be lost, and afterwards opt-outs hold under the new secret and still find what was
 * archived under the old one.
 */
class SiteSecretIT {
    @TempDir
    Path temp;

    @Test
    void rotationSaysWhatItMeansKeepsEveryOptOutAndOptOutStillFindsImagesArchivedBefore() throws Exception {
        Path dataDir = temp.resolve("node");
        Path secret = dataDir.resolve("secret.key");
        Path leaving = Files.writeString(temp.resolve("leaving.txt"), "PID-ROT-1\n");
        Path staying = Files.writeString(temp.resolve("staying.txt"), "PID-ROT-2\n");
        String oldStayingKey;
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            oldStayingKey = node.pseudonymizer().patient("", "PID-ROT-2");
            send(node, "PID-ROT-1", "PID-ROT-2");
            NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids", leaving.toString());

            Dcmtk.Result whileRunning = NodeProcess.run(dataDir, Map.of(), "secret", "rotate", "--yes");
            assertThat(whileRunning.exitCode()).isEqualTo(1);
            assertThat(whileRunning.output()).contains("the node is running on this data-dir: stop it first");
        }
        String fingerprint = NodeProcess.command(dataDir, "secret", "fingerprint");

        Dcmtk.Result explained = NodeProcess.run(dataDir, Map.of(), "secret", "rotate");
        assertThat(explained.exitCode()).isEqualTo(1);
        assertThat(explained.output()).contains("NEW pseudonyms").contains("one patient becomes two")
                .contains("Nothing was changed");
        Dcmtk.Result withoutTheList = NodeProcess.run(dataDir, Map.of(), "secret", "rotate", "--yes");
        assertThat(withoutTheList.exitCode()).isEqualTo(1);
        assertThat(withoutTheList.output()).contains("1 of the 1 patients who opted out");
        assertThat(NodeProcess.command(dataDir, "secret", "fingerprint")).as("nothing changed").isEqualTo(fingerprint);

        String rotated = NodeProcess.command(dataDir, "secret", "rotate", "--yes", "--opt-out-list", leaving.toString());

        assertThat(rotated).contains("opt-outs recorded again under the new secret: 1 patients");
        assertThat(NodeProcess.command(dataDir, "secret", "fingerprint")).isNotEqualTo(fingerprint);
        assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        List<Path> retired;
        try (var siblings = Files.list(dataDir)) {
            retired = siblings.filter(p -> p.getFileName().toString().startsWith("secret.key.retired-")).toList();
        }
        assertThat(retired).hasSize(1);
        assertThat(Files.getPosixFilePermissions(retired.get(0))).isEqualTo(PosixFilePermissions.fromString("r--------"));
        ReferencePseudonyms before = ReferencePseudonyms.fromSecretFile(retired.get(0));
        assertThat(before.patient("", "PID-ROT-2")).isEqualTo(oldStayingKey);

        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            String newLeavingKey = node.pseudonymizer().patient("", "PID-ROT-1");
            String newStayingKey = node.pseudonymizer().patient("", "PID-ROT-2");
            assertThat(newStayingKey).isNotEqualTo(oldStayingKey);
            assertThat(node.count("select count(*) from research_opt_out")).as("only the new key").isEqualTo(1);
            send(node, "PID-ROT-1", "PID-ROT-2");

            assertThat(dataDir.resolve("archive").resolve(newLeavingKey)).as("the opt-out holds").doesNotExist();
            assertThat(dataDir.resolve("archive").resolve(oldStayingKey)).isDirectory();
            assertThat(dataDir.resolve("archive").resolve(newStayingKey)).as("one patient became two").isDirectory();

            String optedOut = NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids", staying.toString());

            assertThat(optedOut).contains("deleted: 2 archived images, 2 label rows");
            assertThat(dataDir.resolve("archive").resolve(oldStayingKey)).doesNotExist();
            assertThat(dataDir.resolve("archive").resolve(newStayingKey)).doesNotExist();
        }
    }

    /** One radiograph of each patient, processed by both paths. */
    private void send(NodeProcess node, String... patientIds) throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        for (String id : patientIds) {
            files.add(SyntheticDicom.radiograph().patient(id, "ROTATION^" + id.substring(id.length() - 1))
                    .write(temp.resolve(SyntheticDicom.newUid() + ".dcm")));
        }
        assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", files).successes()).isEqualTo(files.size());
        Poll.until(Duration.ofSeconds(60), "the spool released", () -> node.spoolObjects().isEmpty());
    }
}
