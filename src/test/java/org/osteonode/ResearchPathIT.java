package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.PhiCorpus;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every received image de-identified into the archive and labelled in PostgreSQL, through a running node. */
class ResearchPathIT {
    @TempDir
    Path temp;

    @Test
    void imagesAreArchivedDeidentifiedAndLabelledOnceEvenWhenResent() throws Exception {
        String spineStudy = SyntheticDicom.newUid();
        List<Path> spine = List.of(
                SyntheticDicom.radiograph().patient("MRN4711", "SPINE^PATIENT").study(spineStudy).instance(1)
                        .write(temp.resolve("spine1.dcm")),
                SyntheticDicom.radiograph().patient("MRN4711", "SPINE^PATIENT").study(spineStudy).instance(2)
                        .write(temp.resolve("spine2.dcm")));
        Path chest = SyntheticDicom.radiograph().computedRadiography().bodyPart("CHEST").patient("MRN4712", "CHEST^PATIENT")
                .write(temp.resolve("chest.dcm"));
        Path ultrasound = PhiCorpus.write(temp.resolve("corpus")).ultrasoundFile();

        // Every modality in scope, so that the ultrasound meets the burned-in rule, not the scope.
        try (NodeProcess node = new NodeProcess(temp.resolve("node")).with("osteonode.research.modalities", "*").start()) {
            ReferencePseudonyms pseudonyms = node.pseudonymizer();
            Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU",
                    List.of(spine.get(0), spine.get(1), chest, ultrasound));
            assertThat(sent.successes()).as(sent.output()).isEqualTo(4);

            Path archive = node.dataDir().resolve("archive");
            Poll.until(Duration.ofSeconds(60), "3 images labelled",
                    () -> node.count("select count(*) from image_label") == 3);
            Poll.until(Duration.ofSeconds(30), "the spool released", () -> node.spoolObjects().isEmpty());
            String studyKey = pseudonyms.uid(spineStudy);
            assertThat(node.count("select count(*) from image_label where study_key = '" + studyKey
                    + "' and body_part = 'LSPINE' and modality = 'DX' and age_band = '70-79' and sex = 'F'"
                    + " and patient_key = '" + pseudonyms.patient("", "MRN4711") + "'")).isEqualTo(2);
            assertThat(node.count("select count(*) from image_label where body_part = 'CHEST' and modality = 'CR'"))
                    .isEqualTo(1);
            List<Path> archived = archivedFiles(archive);
            assertThat(archived).hasSize(3)
                    .allMatch(p -> archive.relativize(p).getNameCount() == 4 && p.toString().endsWith(".dcm"));
            assertThat(PhiScanner.leaks(archived, List.of("MRN4711", "MRN4712", "SPINE^PATIENT", "CHEST^PATIENT",
                    spineStudy))).isEmpty();
            assertThat(Files.readString(node.dataDir().resolve("quarantine").resolve(quarantined(node)
                    .getFileName() + ".reason"))).contains("reason=burned-in-modality");

            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", spine).successes()).isEqualTo(2);
            Poll.until(Duration.ofSeconds(30), "the re-sent images recognised",
                    () -> node.count("select count(*) from instance where times_received = 2") == 2);
            Poll.until(Duration.ofSeconds(30), "the spool released again", () -> node.spoolObjects().isEmpty());
            assertThat(node.count("select count(*) from image_label")).isEqualTo(3);
            assertThat(archivedFiles(archive)).hasSize(3);
            assertThat(node.metrics()).contains("osteonode_deid_seconds_count");
        }
    }

    private static List<Path> archivedFiles(Path archive) throws Exception {
        try (var files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !archive.relativize(p).startsWith(org.osteonode.store.Archive.CLAIMS)).toList();
        }
    }

    private static Path quarantined(NodeProcess node) throws Exception {
        try (var files = Files.list(node.dataDir().resolve("quarantine"))) {
            return files.filter(p -> p.toString().endsWith(".dcm")).findFirst().orElseThrow();
        }
    }
}
