package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpoolTest {
    @TempDir
    Path temp;

    @Test
    void committedObjectIsCompleteAndPending() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path object;
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[] {1, 2, 3});
            entry.write(new byte[] {4});
            object = entry.commit();
        }

        assertThat(Files.readAllBytes(object)).containsExactly(1, 2, 3, 4);
        assertThat(spool.pending()).containsExactly(object);
        assertThat(spool.bytes()).isEqualTo(4);
    }

    @Test
    void objectClosedBeforeCommitLeavesNothingBehind() throws Exception {
        Spool spool = new Spool(temp, 0);
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[100]);
        }

        try (var files = Files.walk(temp)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void pendingListsOldestFirstAndDeletesPartsLeftByACrash() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path first = commit(spool);
        Path second = commit(spool);
        Path crashed = temp.resolve("incoming/1700000000000-000001.part");
        Files.write(crashed, new byte[10]);

        List<Path> pending = new Spool(temp, 0).pending();

        assertThat(pending).containsExactly(first, second);
        assertThat(crashed).doesNotExist();
    }

    @Test
    void roomFollowsTheWatermark() {
        assertThat(new Spool(temp, 0).hasRoom()).isTrue();
        assertThat(new Spool(temp, Long.MAX_VALUE).hasRoom()).isFalse();
    }

    private static Path commit(Spool spool) throws Exception {
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[] {42});
            return entry.commit();
        }
    }
}
