package org.osteonode.clinical;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.testing.ReferencePseudonyms;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.labels.BodyPart;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class StudyWorkspaceTest {
    @TempDir
    Path temp;

    @RepeatedTest(5)
    void imagesOfANewStudyScoredAtOnceAreAllKept() throws Exception {
        StudyWorkspace workspace = new StudyWorkspace(temp.resolve("clinical"), key -> "named-" + key);
        String study = SyntheticDicom.newUid();
        int images = 8;
        ExecutorService workers = Executors.newFixedThreadPool(images);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> added = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            SyntheticDicom image = SyntheticDicom.radiograph().study(study).instance(i + 1).size(8, 8);
            double score = i / 10.0;
            added.add(workers.submit(() -> {
                start.await();
                workspace.add("study-key", "sop-key-" + image.sopInstanceUid(), image.attributes(),
                        new StudyWorkspace.ScoredImage(new OsteoporosisReport.SourceImage("1.2.840.10008.5.1.4.1.1.1.1",
                                image.sopInstanceUid(), "1.2.3"), score, BodyPart.LSPINE));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> each : added) {
            each.get();
        }
        workers.shutdown();

        assertThat(workspace.images("study-key")).hasSize(images);
        assertThat(workspace.studyHeader("study-key").get(com.pixelmed.dicom.TagFromName.StudyInstanceUID)
                .getSingleStringValueOrEmptyString()).isEqualTo(study);
        try (var files = Files.list(temp.resolve("clinical/named-study-key"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".part"))).as("no temporary file left").isEmpty();
        }
    }

    @Test
    void folderAndFilesAreNamedByTheWorkspaceNamesNotByTheKeys() throws Exception {
        ReferencePseudonyms reference = new ReferencePseudonyms(
                "a site secret of at least thirty-two bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Pseudonymizer pseudonymizer = new Pseudonymizer(
                "a site secret of at least thirty-two bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StudyWorkspace workspace = new StudyWorkspace(temp.resolve("clinical"), pseudonymizer::workspace);
        SyntheticDicom image = SyntheticDicom.radiograph().size(8, 8);
        String studyKey = pseudonymizer.uid(image.studyInstanceUid());
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());

        workspace.add(studyKey, sopKey, image.attributes(), new StudyWorkspace.ScoredImage(
                new OsteoporosisReport.SourceImage("1.2.840.10008.5.1.4.1.1.1.1", image.sopInstanceUid(), "1.2.3"),
                0.5, BodyPart.LSPINE));

        Path folder = temp.resolve("clinical").resolve(reference.workspace(studyKey));
        assertThat(folder).isDirectory();
        assertThat(folder.resolve(reference.workspace(sopKey) + ".image")).exists();
        try (var names = Files.walk(temp.resolve("clinical"))) {
            assertThat(names.map(p -> p.getFileName().toString()))
                    .as("no research key names anything in the workspace")
                    .noneMatch(name -> name.contains(studyKey) || name.contains(sopKey));
        }
        assertThat(workspace.images(studyKey)).hasSize(1);
    }
}
