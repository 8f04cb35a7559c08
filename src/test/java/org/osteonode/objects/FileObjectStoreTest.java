package org.osteonode.objects;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileObjectStoreTest extends ObjectStoreContract {
    @Override
    ObjectStore newStore() {
        return new FileObjectStore(temp.resolve("objects"));
    }

    /** No pages to cross here, and each put is four fsyncs (about 18 ms on this disk): a tenth of S3's count. */
    @Override
    int manyKeys() {
        return 105;
    }

    @Override
    void flipAByteAtRest(String key) throws Exception {
        flipMiddleByte(temp.resolve("objects").resolve(key));
    }

    @Test
    void anObjectIsAPlainFileUnderItsKeyWithItsRecordHiddenBesideIt() throws Exception {
        ObjectStore.Stored stored = store.put("spool/a.dcm", write("a", "abc"));

        Path root = temp.resolve("objects");
        assertThat(Files.readString(root.resolve("spool/a.dcm"))).isEqualTo("abc");
        assertThat(Files.readString(root.resolve("spool/.a.dcm.sha256")))
                .isEqualTo(stored.sha256() + " 3\n");
        try (Stream<Path> files = Files.list(root.resolve("spool"))) {
            assertThat(files).as("no file being written is left").hasSize(2);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("spool"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("spool/a.dcm"))))
                .isEqualTo("rw-------");
    }

    @Test
    void deleteAllRemovesTheDirectoriesItEmptiedButNotTheOnesAboveThePrefix() throws Exception {
        Path file = write("small", "s");
        store.put("workspace/s1/study.dcm", file);
        store.put("workspace/s1/deeper/i2.image", file);
        store.put("workspace/s2/study.dcm", file);
        Path root = temp.resolve("objects");

        store.deleteAll("workspace/s1/");

        assertThat(root.resolve("workspace/s1")).doesNotExist();
        assertThat(root.resolve("workspace/s2/study.dcm")).exists();

        store.deleteAll("workspace/s2/");

        assertThat(root.resolve("workspace")).as("above the prefix: not the deleteAll's to remove").isEmptyDirectory();
    }

    @Test
    void aDirectoryThatIsNotEmptyAfterDeleteAllStaysWithoutAnError() throws Exception {
        store.put("workspace/s1/study.dcm", write("small", "s"));
        Path being = Files.createFile(temp.resolve("objects/workspace/s1/.i1.image.123.part"));

        assertThat(store.deleteAll("workspace/s1/")).isEqualTo(1);

        assertThat(being).as("a put's file being written, which deleteAll leaves to it").exists();
    }

    @Test
    void anObjectWhoseRecordIsLostIsRefusedNotTrusted() throws Exception {
        store.put("spool/a.dcm", write("a", "abc"));
        Files.delete(temp.resolve("objects/spool/.a.dcm.sha256"));

        assertThatThrownBy(() -> store.get("spool/a.dcm", temp.resolve("out")))
                .isInstanceOf(ObjectStore.CorruptObjectException.class)
                .hasMessageContaining("no SHA-256 was recorded");
        assertThat(temp.resolve("out")).doesNotExist();
    }

    @Test
    void filesAnOlderOsteonodeWroteWithoutRecordsAreAdoptedOnceAndThenReadAsObjects() throws Exception {
        Path root = temp.resolve("objects");
        store.put("recorded.dcm", write("r", "kept as it was"));
        String recordedBefore = Files.readString(root.resolve(".recorded.dcm.sha256"));
        Files.writeString(root.resolve("3f2a.dcm"), "an older report");
        Files.createDirectories(root.resolve("nested"));
        Files.writeString(root.resolve("nested/b.dcm"), "another");
        Files.writeString(root.resolve(".hidden"), "not an object");
        assertThatThrownBy(() -> store.get("3f2a.dcm", temp.resolve("out")))
                .isInstanceOf(ObjectStore.CorruptObjectException.class);

        assertThat(((FileObjectStore) store).adoptUnrecorded()).isEqualTo(2);

        ObjectStore.Stored adopted = store.get("3f2a.dcm", temp.resolve("out"));
        assertThat(Files.readString(temp.resolve("out"))).isEqualTo("an older report");
        assertThat(adopted.size()).isEqualTo("an older report".length());
        assertThat(Files.readString(root.resolve(".3f2a.dcm.sha256"))).isEqualTo(adopted.sha256() + " 15\n");
        assertThat(store.get("nested/b.dcm", temp.resolve("out")).size()).isEqualTo(7);
        assertThat(Files.readString(root.resolve(".recorded.dcm.sha256"))).as("a record is never rewritten")
                .isEqualTo(recordedBefore);
        assertThat(root.resolve("..hidden.sha256")).as("hidden files are the store's own").doesNotExist();
        assertThat(((FileObjectStore) store).adoptUnrecorded()).as("nothing left to adopt").isZero();
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no file being written is left")
                    .containsExactlyInAnyOrder("recorded.dcm", ".recorded.dcm.sha256", "3f2a.dcm", ".3f2a.dcm.sha256",
                            "nested", ".hidden");
        }
    }

    @Test
    void anObjectCutShortAtRestIsRefused() throws Exception {
        store.put("spool/a.dcm", write("a", "abcdef"));
        Files.writeString(temp.resolve("objects/spool/a.dcm"), "abc");

        assertThatThrownBy(() -> store.get("spool/a.dcm", temp.resolve("out")))
                .isInstanceOf(ObjectStore.CorruptObjectException.class)
                .hasMessageContaining("read 3 bytes");
    }
}
