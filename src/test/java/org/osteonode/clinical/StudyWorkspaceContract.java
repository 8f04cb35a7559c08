package org.osteonode.clinical;

import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.ObjectStore;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.testing.SyntheticDicom;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the workspace promises over any {@link ObjectStore}, run by a subclass per store: two workspaces over one
 * store are two nodes sharing it, each with its own scratch directory.
 */
abstract class StudyWorkspaceContract {
    @TempDir
    Path temp;

    ObjectStore store;

    /** An empty store. */
    abstract ObjectStore newStore() throws Exception;

    /** The key prefix the workspace is given over this store, as the node gives it. */
    abstract String keyPrefix();

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    StudyWorkspace node(String name) {
        return new StudyWorkspace(store, keyPrefix(), temp.resolve("scratch-" + name), key -> "named-" + key);
    }

    @RepeatedTest(3)
    void imagesOfANewStudyScoredAtOnceOnTwoNodesAreAllSeenByEach() throws Exception {
        List<StudyWorkspace> nodes = List.of(node("a"), node("b"));
        String study = SyntheticDicom.newUid();
        int images = 8;
        ExecutorService workers = Executors.newFixedThreadPool(images);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> added = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            SyntheticDicom image = SyntheticDicom.radiograph().study(study).instance(i + 1).size(8, 8);
            StudyWorkspace node = nodes.get(i % 2);
            double score = i / 10.0;
            added.add(workers.submit(() -> {
                start.await();
                node.add("study-key", "sop-key-" + image.sopInstanceUid(), image.attributes(), scored(image, score));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> each : added) {
            each.get();
        }
        workers.shutdown();

        for (StudyWorkspace node : nodes) {
            assertThat(node.images("study-key")).hasSize(images);
            assertThat(node.studyHeader("study-key").get(TagFromName.StudyInstanceUID)
                    .getSingleStringValueOrEmptyString()).isEqualTo(study);
        }
        assertThat(store.list("")).as("one study header, whichever node put it last, and every image")
                .hasSize(images + 1).allMatch(key -> key.startsWith(keyPrefix() + "named-study-key/"));
        assertThat(temp.resolve("scratch-a")).as("no temporary file left").isEmptyDirectory();
        assertThat(temp.resolve("scratch-b")).as("no temporary file left").isEmptyDirectory();
    }

    @Test
    void forgetOnOneNodeDeletesEverythingOfTheStudyAndNothingOfAnother() throws Exception {
        StudyWorkspace a = node("a");
        StudyWorkspace b = node("b");
        SyntheticDicom first = SyntheticDicom.radiograph().size(8, 8);
        SyntheticDicom second = SyntheticDicom.radiograph().study(first.studyInstanceUid()).instance(2).size(8, 8);
        SyntheticDicom other = SyntheticDicom.radiograph().size(8, 8);
        a.add("study-key", "sop-key-1", first.attributes(), scored(first, 0.2));
        b.add("study-key", "sop-key-2", second.attributes(), scored(second, 0.4));
        a.add("other-study-key", "sop-key-3", other.attributes(), scored(other, 0.6));

        assertThat(b.forget("study-key")).isTrue();

        assertThat(a.images("study-key")).isEmpty();
        assertThatThrownBy(() -> a.studyHeader("study-key")).isInstanceOf(NoSuchFileException.class);
        assertThat(store.list(keyPrefix() + "named-study-key/")).isEmpty();
        assertThat(a.images("other-study-key")).hasSize(1);
        assertThat(a.forget("study-key")).as("nothing left to forget").isFalse();
    }

    static StudyWorkspace.ScoredImage scored(SyntheticDicom image, double score) {
        return new StudyWorkspace.ScoredImage(new OsteoporosisReport.SourceImage("1.2.840.10008.5.1.4.1.1.1.1",
                image.sopInstanceUid(), "1.2.3"), score, BodyPart.LSPINE);
    }
}
