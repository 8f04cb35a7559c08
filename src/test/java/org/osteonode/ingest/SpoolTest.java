package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void anObjectLeavesTheSpoolOnlyWhenBothPathsAreDoneWithIt() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path object = commit(spool);

        assertThat(spool.done(object, ProcessingPath.CLINICAL)).isFalse();
        assertThat(object).exists();
        assertThat(spool.waiting(ProcessingPath.CLINICAL)).isEmpty();
        assertThat(spool.waiting(ProcessingPath.RESEARCH)).containsExactly(object);
        assertThat(spool.bytes()).as("a marker is no object").isEqualTo(1);

        assertThat(spool.done(object, ProcessingPath.RESEARCH)).isTrue();
        assertThat(object).doesNotExist();
        try (var files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("markers gone too").containsOnly("incoming");
        }
        assertThat(spool.done(object, ProcessingPath.RESEARCH)).as("done again: nothing left to release").isFalse();
    }

    @Test
    void aPathDoneTwiceDoesNotReleaseTheObjectForTheOther() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path object = commit(spool);

        spool.done(object, ProcessingPath.RESEARCH);
        spool.done(object, ProcessingPath.RESEARCH);

        assertThat(object).exists();
        assertThat(spool.waiting(ProcessingPath.CLINICAL)).containsExactly(object);
    }

    @Test
    void takesAreCountedAcrossRestartsPerPathAndForgottenWhenTheObjectLeaves() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path object = commit(spool);

        assertThat(spool.taken(object, ProcessingPath.RESEARCH)).isEqualTo(1);
        assertThat(spool.taken(object, ProcessingPath.RESEARCH)).isEqualTo(2);
        assertThat(new Spool(temp, 0).taken(object, ProcessingPath.RESEARCH)).as("after a restart").isEqualTo(3);
        assertThat(spool.taken(object, ProcessingPath.CLINICAL)).as("each path its own count").isEqualTo(1);
        assertThat(spool.pending()).as("counters are no objects").containsExactly(object);

        spool.done(object, ProcessingPath.RESEARCH);
        spool.done(object, ProcessingPath.CLINICAL);

        try (var left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsOnly("incoming");
        }
    }

    @Test
    void theTakeCounterOfAnObjectThatIsGoneIsClearedAtStart() throws Exception {
        Path orphan = Files.writeString(temp.resolve("1700000000000-000009.dcm.research-taken"), "3");

        assertThat(new Spool(temp, 0).pending()).isEmpty();

        assertThat(orphan).doesNotExist();
    }

    @Test
    void theOldestArrivalIsReadFromTheNamesOfWhatWaits() throws Exception {
        Spool spool = new Spool(temp, 0);
        assertThat(spool.oldestArrival()).isEmpty();
        Files.writeString(temp.resolve("1700000000000-000002.dcm"), "later");
        Files.writeString(temp.resolve("1600000000000-000001.dcm"), "earlier");
        Files.writeString(temp.resolve("1500000000000-000001.dcm.research"), ""); // a marker, not an object

        assertThat(spool.oldestArrival()).contains(java.time.Instant.ofEpochMilli(1600000000000L));
    }

    @Test
    void anObjectWaitingLongerThanTheLimitMakesTheSpoolStaleWithWhatEachPathStillHasToDo() throws Exception {
        Spool spool = new Spool(temp, 0);
        java.time.Instant arrived = java.time.Instant.ofEpochMilli(1700000000000L);
        java.time.Duration limit = java.time.Duration.ofMinutes(60);
        Path old = temp.resolve("1700000000000-000001.dcm");
        Files.writeString(old, "old");
        Files.writeString(temp.resolve("1700000000001-000002.dcm"), "also old");
        spool.done(old, ProcessingPath.RESEARCH);

        assertThat(spool.stale(limit, arrived.plus(limit))).as("exactly the limit is not stale yet").isEmpty();
        assertThat(spool.stale(limit, arrived.plus(java.time.Duration.ofMinutes(90))))
                .contains(new Spool.Stale(java.time.Duration.ofMinutes(90), 2, 1, 2));
        assertThat(new Spool(temp.resolve("empty"), 0).stale(limit, arrived.plus(limit.multipliedBy(100)))).isEmpty();
    }

    @Test
    void markersOfObjectsThatAreGoneAreClearedAtStart() throws Exception {
        Spool spool = new Spool(temp, 0);
        Path kept = commit(spool);
        spool.done(kept, ProcessingPath.RESEARCH);
        Path orphan = temp.resolve("1700000000000-000009.dcm.clinical");
        Files.createFile(orphan);

        assertThat(new Spool(temp, 0).pending()).containsExactly(kept);

        assertThat(orphan).doesNotExist();
        assertThat(spool.isDone(kept, ProcessingPath.RESEARCH)).as("a live object's marker stays").isTrue();
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

    @Test
    void commitForcesTheBytesBeforeTheRenameAndTheDirectoryAfterIt() throws Exception {
        List<String> events = new ArrayList<>();
        Spool spool = new Spool(temp, 0, new Spool.Fsync() {
            @Override
            public void file(FileChannel channel, Path file) throws IOException {
                // what is forced is the open file being written, and nothing is visible as .dcm yet
                events.add("file " + file.getFileName().toString().endsWith(".part") + " size=" + channel.size()
                        + " visible=" + !spool().isEmpty());
            }

            @Override
            public void directory(Path directory) throws IOException {
                events.add("directory " + directory.equals(temp) + " visible=" + !spool().isEmpty());
            }
        });
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[] {1, 2, 3});
            entry.commit();
        }

        assertThat(events).containsExactly("file true size=3 visible=false", "directory true visible=true");
    }

    @Test
    void anObjectPutBackIsForcedBeforeItsRenameAndItsDirectoryAfterAsAReceivedOne() throws Exception {
        List<String> events = new ArrayList<>();
        Spool spool = new Spool(temp, 0, new Spool.Fsync() {
            @Override
            public void file(FileChannel channel, Path file) throws IOException {
                events.add("file " + file.getFileName() + " size=" + channel.size() + " visible=" + !spool().isEmpty());
            }

            @Override
            public void directory(Path directory) throws IOException {
                events.add("directory " + directory.equals(temp) + " visible=" + !spool().isEmpty());
            }
        });

        Path back = spool.putBack("1700000000000-000001-0badc0de.dcm", file -> Files.writeString(file, "back"));

        assertThat(events).containsExactly("file 1700000000000-000001-0badc0de.part size=4 visible=false",
                "directory true visible=true");
        assertThat(spool.pending()).containsExactly(back);
        assertThat(back).hasContent("back");
    }

    @Test
    void anObjectWhosePutBackFailsLeavesNothingBehind() throws Exception {
        Spool spool = new Spool(temp, 0);

        assertThatThrownBy(() -> spool.putBack("1700000000000-000001.dcm", file -> {
            Files.writeString(file, "half");
            throw new IOException("the store went away");
        })).hasMessageContaining("went away");

        assertThat(spool.pending()).isEmpty();
        assertThat(temp.resolve("incoming")).isEmptyDirectory();
    }

    @Test
    void aFailedFsyncFailsTheCommitAndLeavesNothingBehind() throws Exception {
        Spool spool = new Spool(temp, 0, failing(true));
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[] {1});
            assertThatThrownBy(entry::commit).isInstanceOf(IOException.class).hasMessageContaining("fsync");
        }

        assertThat(spool.pending()).isEmpty();
        try (var files = Files.walk(temp)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aFailedDirectoryFsyncFailsTheCommitAndTheRenamedObjectIsNotLeftToBeProcessed() throws Exception {
        Spool spool = new Spool(temp, 0, failing(false));
        try (Spool.Entry entry = spool.create()) {
            entry.write(new byte[] {1});
            assertThatThrownBy(entry::commit).isInstanceOf(IOException.class).hasMessageContaining("fsync");
        }

        assertThat(spool.pending()).isEmpty();
    }

    /** An Fsync that fails like a disk that reports EIO: on the file, or on the directory. */
    static Spool.Fsync failing(boolean onFile) {
        return new Spool.Fsync() {
            @Override
            public void file(FileChannel channel, Path file) throws IOException {
                if (onFile) {
                    throw new IOException("fsync: Input/output error");
                }
            }

            @Override
            public void directory(Path directory) throws IOException {
                if (!onFile) {
                    throw new IOException("fsync: Input/output error");
                }
            }
        };
    }

    private List<Path> spool() throws IOException {
        try (var files = Files.list(temp)) {
            return files.filter(p -> p.toString().endsWith(".dcm")).toList();
        }
    }
}
