package org.osteonode.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchiveTest {
    private static final Archive.Key KEY = new Archive.Key("p", "s", "e", "i");

    @TempDir
    Path temp;

    @Test
    void theSameObjectAgainChangesNothingAndSaysSo() throws Exception {
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);

        Archive.Written first = archive.write(KEY, bytes("object"), null);
        Archive.Written second = archive.write(KEY, bytes("object"), null);

        assertThat(first.again()).isFalse();
        assertThat(second.again()).isTrue();
        assertThat(second.file()).isEqualTo(first.file()).hasContent("object");
        assertThat(Files.list(temp.resolve("scratch"))).as("nothing left beside the archive").isEmpty();
    }

    @Test
    void aDifferentObjectUnderAnArchivedKeyIsRefusedAndTheFirstKept() throws Exception {
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        archive.write(KEY, bytes("first"), null);

        assertThatThrownBy(() -> archive.write(KEY, bytes("second"), null)).isInstanceOf(Archive.ConflictException.class);
        assertThat(archive.pathOf(KEY)).hasContent("first");
        assertThat(Files.list(temp.resolve("scratch"))).isEmpty();
    }

    @Test
    void aSopInstanceArchivedUnderOnePatientIsRefusedUnderAnother() throws Exception {
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        archive.write(KEY, bytes("first"), null);

        assertThatThrownBy(() -> archive.write(new Archive.Key("other", "s", "e", "i"), bytes("first"), null))
                .isInstanceOf(Archive.ConflictException.class).hasMessageContaining("i.dcm");
        assertThat(temp.resolve("archive/other")).doesNotExist();
    }

    @Test
    void deletingAPatientDeletesTheirClaimsSoTheSopInstanceMayComeBack() throws Exception {
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        archive.write(KEY, bytes("first"), null);

        assertThat(archive.deletePatient("p")).isEqualTo(1);
        assertThat(archive.deletePatient(Archive.CLAIMS)).as("never the claims folder").isZero();
        assertThat(archive.write(new Archive.Key("other", "s", "e", "i"), bytes("second"), null).again()).isFalse();
    }

    @Test
    void ofDifferentObjectsWrittenUnderOneKeyAtOnceExactlyOneIsArchived() throws Exception {
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        ExecutorService writers = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String content = "object " + i;
            results.add(writers.submit(() -> {
                start.await();
                try {
                    archive.write(KEY, bytes(content), null);
                    return content;
                } catch (Archive.ConflictException e) {
                    return null;
                }
            }));
        }
        start.countDown();
        List<String> won = new ArrayList<>();
        for (Future<String> result : results) {
            if (result.get() != null) {
                won.add(result.get());
            }
        }
        writers.shutdown();

        assertThat(won).hasSize(1);
        assertThat(archive.pathOf(KEY)).hasContent(won.get(0));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
