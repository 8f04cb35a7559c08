package org.osteonode.pixels;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osteonode.testing.Dcmtk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The child decoder as a crafted object meets it: a JPEG-LS code stream made by dcmcjpls, then damaged
 * ({@code src/test/pixels/malformed_jpegls.py}), a child that runs too long or out of memory. Each is a
 * {@link DecodeFailedException} with dcmtk's reason, and leaves no file behind; the child has no network.
 */
class ChildProcessDecoderIT {
    private static final ChildProcessDecoder.Limits LIMITS = new ChildProcessDecoder.Limits(Duration.ofSeconds(30),
            1L << 30);

    @TempDir
    Path temp;
    private Path jpegLs;

    @BeforeEach
    void encode() throws Exception {
        Path original = CraftedImage.of(512, 512).bits(16, 12, 11).samples(1, noise(512 * 512, 12))
                .write(temp.resolve("original.dcm"));
        jpegLs = temp.resolve("jpeg-ls.dcm");
        run("dcmcjpls", original.toString(), jpegLs.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"truncated", "corrupted", "lying-length", "lying-size"})
    void aDamagedJpegLsCodeStreamFailsToDecodeWithDcmtksReasonAndLeavesNothingBehind(String kind) throws Exception {
        Path damaged = temp.resolve(kind + ".dcm");
        run("/usr/bin/python3", "src/test/pixels/malformed_jpegls.py", jpegLs.toString(), damaged.toString(), kind);
        PixelDataDecoder decoder = PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(decoding(), LIMITS));

        assertThatThrownBy(() -> decoder.firstFrameOf(damaged)).isInstanceOf(DecodeFailedException.class)
                .hasMessageStartingWith("dcmdjpls exited with 1: F: ")
                .hasMessageEndingWith("decompressing file: in.dcm");
        assertThat(decoding()).isEmptyDirectory();
        assertThat(decoder.firstFrameOf(jpegLs).storedValues()).as("the next object decodes").hasSize(512 * 512);
    }

    @Test
    void aChildStillRunningAfterTheTimeoutIsKilledAndItsFolderDeleted() throws Exception {
        PixelDataDecoder decoder = PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(decoding(), LIMITS)
                .withLimits(new ChildProcessDecoder.Limits(Duration.ofMillis(1), 1L << 30)));

        assertThatThrownBy(() -> decoder.firstFrameOf(jpegLs)).isInstanceOf(DecodeFailedException.class)
                .hasMessage("dcmdjpls did not finish within 1 ms and was killed");
        assertThat(decoding()).isEmptyDirectory();
    }

    @Test
    void aChildThatOutgrowsItsMemoryLimitFailsAndItsFolderIsDeleted() throws Exception {
        PixelDataDecoder decoder = PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(decoding(), LIMITS)
                .withLimits(new ChildProcessDecoder.Limits(Duration.ofSeconds(30), 16L << 20)));

        assertThatThrownBy(() -> decoder.firstFrameOf(jpegLs)).isInstanceOf(DecodeFailedException.class)
                .hasMessageStartingWith("dcmdjpls ");
        assertThat(decoding()).isEmptyDirectory();
    }

    /** A sandbox the host cannot run would make every image "decode-failed", as if the images were at fault. */
    @Test
    void aDecoderThatCannotWorkUnderItsLimitsIsRefusedAtStartNotBlamedOnTheImages() {
        assertThatThrownBy(() -> ChildProcessDecoder.start(decoding(),
                new ChildProcessDecoder.Limits(Duration.ofSeconds(30), 16L << 20)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("the sandboxed decoder fails here (dcmdjpls ");
    }

    @Test
    void whatTheChildForksDiesWithIt() throws Exception {
        ChildProcessDecoder decoder = ChildProcessDecoder.start(decoding(), LIMITS);
        String marker = "osteonode-orphan-" + System.nanoTime();

        // the marker is the forked shell's $0, so that it can be found among all processes (checked by hand:
        // without the PID namespace it is still there)
        Dcmtk.Result inside = Dcmtk.run(decoder.sandboxed("1048576", List.of("/bin/sh", "-c",
                "/bin/sh -c 'sleep 300; true' " + marker + " & echo forked")));

        assertThat(inside.output()).contains("forked");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)
                && p.isAlive())).as("no process the child forked outlives it").isEmpty();
    }

    @Test
    void aFolderTheChildLockedAndFilledWithLinksIsStillDeletedAndWhatTheLinksPointAtIsNot() throws Exception {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "not the child's");
        Path folder = Files.createDirectories(temp.resolve("decode-1/deep/deeper"));
        Files.writeString(folder.resolve("pixels"), "pixels");
        Files.createSymbolicLink(folder.resolve("link"), outside);
        Files.createSymbolicLink(temp.resolve("decode-1/link-to-dir"), temp);
        Files.setPosixFilePermissions(temp.resolve("decode-1/deep"), java.nio.file.attribute.PosixFilePermissions
                .fromString("---------"));
        Files.setPosixFilePermissions(temp.resolve("decode-1"), java.nio.file.attribute.PosixFilePermissions
                .fromString("---------"));

        org.osteonode.objects.Folders.deleteTree(temp.resolve("decode-1"));

        assertThat(temp.resolve("decode-1")).doesNotExist();
        assertThat(outside).hasContent("not the child's");
    }

    @Test
    void startingEmptiesWhatAStoppedNodeLeftInTheDecodingFolder() throws Exception {
        Path left = decoding().resolve("decode-123");
        Files.createDirectories(left);
        Files.writeString(left.resolve("in.dcm"), "pixels of a patient");

        ChildProcessDecoder.start(decoding(), LIMITS);

        assertThat(decoding()).isEmptyDirectory();
    }

    @Test
    void theChildRunsWithoutANetworkAndWithoutCoreDumps() throws Exception {
        ChildProcessDecoder decoder = ChildProcessDecoder.start(decoding(), LIMITS);
        assertThat(decoder.networkIsolated()).as("this host allows network namespaces (CI runs as root)").isTrue();
        Dcmtk.Result inside = Dcmtk.run(decoder.sandboxed("1048576", List.of("/bin/sh", "-c",
                "cat /proc/net/dev; ulimit -c")));

        assertThat(inside.exitCode()).as(inside.output()).isZero();
        assertThat(inside.output().lines().filter(line -> line.contains(":")).map(line -> line.trim().split(":")[0]))
                .as("network interfaces the child sees").containsExactly("lo");
        assertThat(inside.output().lines().reduce((first, second) -> second).orElseThrow()).as("core size")
                .isEqualTo("0");
    }

    private Path decoding() {
        return temp.resolve("decoding");
    }

    /** Noise, which JPEG-LS cannot squeeze much: the decode of a 512 × 512 image takes some milliseconds. */
    private static int[] noise(int count, int bits) {
        java.util.Random random = new java.util.Random(14495);
        int[] samples = new int[count];
        for (int i = 0; i < count; i++) {
            samples[i] = random.nextInt(1 << bits);
        }
        return samples;
    }

    private static void run(String... command) throws Exception {
        Dcmtk.Result result = Dcmtk.run(List.of(command));
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
