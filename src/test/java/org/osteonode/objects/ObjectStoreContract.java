package org.osteonode.objects;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.osteonode.testing.SyntheticDicom;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ObjectStore} promises, run against each implementation by a subclass that says how to make
 * one and how to alter an object's bytes where the store keeps them.
 */
abstract class ObjectStoreContract {

    @TempDir
    Path temp;

    ObjectStore store;

    /** A store, empty, that lists {@link #listPageSize()} keys per request where it pages. */
    abstract ObjectStore newStore() throws Exception;

    /** Changes one byte of the stored object in place, where the store keeps it, as a disk or a server would. */
    abstract void flipAByteAtRest(String key) throws Exception;

    int listPageSize() {
        return 100;
    }

    /** How many keys the list test puts: more than one page of {@link #listPageSize()}, and than S3's own 1,000. */
    int manyKeys() {
        return 1_050;
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void aDicomFileComesBackByteForByteWithTheSha256AndSizeItWasStoredWith() throws Exception {
        Path dicom = SyntheticDicom.radiograph().size(256, 256).write(temp.resolve("in.dcm"));
        String key = "spool/0000001764600000000-000001.dcm";

        ObjectStore.Stored put = store.put(key, dicom);
        ObjectStore.Stored got = store.get(key, temp.resolve("out.dcm"));

        assertThat(Files.mismatch(dicom, temp.resolve("out.dcm"))).isEqualTo(-1);
        assertThat(put.size()).isEqualTo(Files.size(dicom));
        assertThat(put.sha256()).isEqualTo(HexFormat.of().formatHex(Transfers.sha256(dicom)));
        assertThat(got).isEqualTo(put);
    }

    @Test
    void puttingTheSameBytesAgainUnderTheSameKeyIsHarmless() throws Exception {
        Path file = write("same.bin", "the same bytes");
        ObjectStore.Stored first = store.put("outbox/a.dcm", file);

        ObjectStore.Stored again = store.put("outbox/a.dcm", file);

        assertThat(again).isEqualTo(first);
        assertThat(store.list("outbox/")).containsExactly("outbox/a.dcm");
        assertThat(store.get("outbox/a.dcm", temp.resolve("out")).sha256()).isEqualTo(first.sha256());
    }

    @Test
    void puttingOtherBytesUnderAKeyReplacesTheObject() throws Exception {
        store.put("workspace/s/header", write("one", "first version"));

        ObjectStore.Stored second = store.put("workspace/s/header", write("two", "second, longer version"));

        assertThat(store.get("workspace/s/header", temp.resolve("out"))).isEqualTo(second);
        assertThat(Files.readString(temp.resolve("out"))).isEqualTo("second, longer version");
    }

    @Test
    void existsIsTrueOnlyForAKeyThatHoldsAnObject() throws Exception {
        assertThat(store.exists("a/b/c.dcm")).isFalse();
        store.put("a/b/c.dcm", write("x", "x"));

        assertThat(store.exists("a/b/c.dcm")).isTrue();
        assertThat(store.exists("a/b")).as("a prefix of a key is not a key").isFalse();
        assertThat(store.exists("a/b/c")).isFalse();
    }

    @Test
    void deleteRemovesTheObjectAndDeletingAgainOrDeletingNothingIsNotAnError() throws Exception {
        store.put("quarantine/q1.dcm", write("q", "quarantined"));

        store.delete("quarantine/q1.dcm");
        store.delete("quarantine/q1.dcm");
        store.delete("never/put.dcm");

        assertThat(store.exists("quarantine/q1.dcm")).isFalse();
        assertThat(store.list("")).isEmpty();
        assertThatThrownBy(() -> store.get("quarantine/q1.dcm", temp.resolve("out")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deleteAllRemovesEveryObjectUnderThePrefixAndNothingElse() throws Exception {
        Path file = write("small", "s");
        store.put("workspace/s1/study.dcm", file);
        store.put("workspace/s1/i1.image", file);
        store.put("workspace/s1/deeper/i2.image", file);
        store.put("workspace/s10/study.dcm", file);
        store.put("workspace/s2/study.dcm", file);

        assertThat(store.deleteAll("workspace/s1/")).isEqualTo(3);

        assertThat(store.list("")).containsExactly("workspace/s10/study.dcm", "workspace/s2/study.dcm");
        assertThat(store.deleteAll("workspace/s1/")).as("nothing left to delete is not an error").isZero();
    }

    @Test
    void aKeyWithNoObjectIsNoSuchFileAndTheTargetIsNotTouched() throws Exception {
        Path target = write("target", "was here before");

        assertThatThrownBy(() -> store.get("spool/none.dcm", target)).isInstanceOf(NoSuchFileException.class);

        assertThat(Files.readString(target)).isEqualTo("was here before");
    }

    @Test
    void listGivesEveryKeyUnderAPrefixInOrderAcrossManyPages() throws Exception {
        Path file = write("small", "s");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < manyKeys(); i++) {
            String key = String.format("archive/p%02d/%05d.dcm", i % 7, i);
            store.put(key, file);
            expected.add(key);
        }
        store.put("archived/not-under-the-prefix.dcm", file);
        expected.sort(null);

        assertThat(store.list("archive/")).hasSize(manyKeys()).containsExactlyElementsOf(expected);
        assertThat(store.list("archive/p03/")).hasSize((manyKeys() + 3) / 7)
                .containsExactlyElementsOf(expected.stream().filter(key -> key.startsWith("archive/p03/")).toList());
        assertThat(store.list("archive/p03/0001")).as("a prefix cut inside a segment")
                .containsExactly("archive/p03/00010.dcm", "archive/p03/00017.dcm");
        assertThat(store.list("archive")).hasSize(manyKeys() + 1);
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void anObjectChangedAtRestIsRefusedOnGetAndTheTargetKeepsItsOldContent() throws Exception {
        Path dicom = SyntheticDicom.radiograph().write(temp.resolve("in.dcm"));
        store.put("spool/corrupt.dcm", dicom);
        flipAByteAtRest("spool/corrupt.dcm");
        Path downloads = Files.createDirectory(temp.resolve("downloads"));
        Path target = Files.writeString(downloads.resolve("target"), "was here before");

        assertThatThrownBy(() -> store.get("spool/corrupt.dcm", target))
                .isInstanceOf(ObjectStore.CorruptObjectException.class)
                .hasMessageContaining("spool/corrupt.dcm")
                .hasMessageContaining("SHA-256");

        assertThat(Files.readString(target)).isEqualTo("was here before");
        try (Stream<Path> left = Files.list(downloads)) {
            assertThat(left).as("no partial download left behind").containsExactly(target);
        }
    }

    @ParameterizedTest
    @MethodSource("badKeys")
    void aKeyThatBreaksTheRulesIsRefusedBeforeAnyIo(String key) throws Exception {
        Path file = write("f", "f");

        assertThatThrownBy(() -> store.put(key, file)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(key, temp.resolve("out"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.exists(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list("")).isEmpty();
    }

    static Stream<String> badKeys() {
        return Stream.of("", "/spool/a.dcm", "..", "../outside", "spool/../../outside", "spool/./a", ".hidden",
                "spool/.a.dcm.sha256", "spool//a.dcm", "spool/", "DOE^JOHN/a.dcm", "spool/a b.dcm", "spool/Müller",
                "spool\\a.dcm", "c:/a", "a=b", "x".repeat(ObjectKey.MAX_LENGTH + 1),
                "x".repeat(ObjectKey.MAX_SEGMENT + 1), "a/".repeat(ObjectKey.MAX_DEPTH) + "a", "spool/a\n.dcm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "../", "a//", ".x", "a/.b", "DOE^"})
    void aPrefixThatNoKeyCouldStartWithIsRefused(String prefix) {
        assertThatThrownBy(() -> store.list(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAtTheLimitsAreAccepted() throws Exception {
        Path file = write("f", "f");
        String segment = "y".repeat(ObjectKey.MAX_SEGMENT) + "/";
        String longest = segment.repeat(3) + "w".repeat(ObjectKey.MAX_LENGTH - 3 * segment.length());
        String deepest = "d/".repeat(ObjectKey.MAX_DEPTH - 1) + "1.2.840.10008_x-y.dcm";

        store.put(longest, file);
        store.put(deepest, file);

        assertThat(store.list("")).containsExactly(deepest, longest);
    }

    @Test
    void anObjectAboveTheSinglePutLimitIsRefusedBeforeItIsRead() throws Exception {
        Path huge = temp.resolve("huge");
        try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(ObjectStore.MAX_OBJECT_BYTES + 1); // sparse: no disk used, nothing to read
        }

        assertThatThrownBy(() -> store.put("spool/huge.dcm", huge)).isInstanceOf(IOException.class)
                .hasMessageContaining("multipart upload is not implemented");
        assertThat(store.exists("spool/huge.dcm")).isFalse();
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Flips the byte in the middle of a file, in place (same inode, same size, same extended attributes). */
    static void flipMiddleByte(Path file) throws IOException {
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = bytes.length() / 2;
            bytes.seek(middle);
            int b = bytes.read();
            bytes.seek(middle);
            bytes.write(b ^ 0xFF);
        }
    }
}
