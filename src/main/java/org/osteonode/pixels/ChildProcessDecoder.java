package org.osteonode.pixels;

import org.osteonode.objects.Folders;

import com.pixelmed.dicom.TransferSyntax;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes JPEG-LS and 12-bit JPEG (process 4), for which no maintained Java decoder exists, with Debian's dcmtk
 * ({@code dcmdjpls}, CharLS inside; {@code dcmdjpeg}, libijg12 inside) as a child process per object. Native
 * code that parses a code stream from the network is kept out of the JVM: a crafted stream can crash or hang a
 * child, never the node. Each child gets
 * <ul>
 *   <li>a private folder under the data directory (0700, its working directory) holding its input (a hard link
 *       to the received file) and its output, deleted whatever happens, and the folder's parent emptied on start;</li>
 *   <li>limits ({@code prlimit}): address space, CPU seconds, the size of any file it writes, open files, no core
 *       dump (it would hold pixels and identifiers);</li>
 *   <li>no network when the kernel allows a network namespace ({@code unshare --net}; see {@link #sandbox()});</li>
 *   <li>an empty environment, stdin from /dev/null, its messages in a file read back at most 4 KiB of;</li>
 *   <li>a wall-clock timeout, after which it is killed.</li>
 * </ul>
 * Its output is untrusted as well: a regular file (not a link) no larger than the input can honestly decode to,
 * with the rows, columns and bits allocated of the input ({@link PixelDataDecoder}).
 */
public final class ChildProcessDecoder {
    /** dcmdjpls and dcmdjpeg: Debian's dcmtk package. */
    static final Path DCMTK_BIN = Path.of("/usr/bin");
    private static final String PRLIMIT = "/usr/bin/prlimit";
    private static final String UNSHARE = "/usr/bin/unshare";
    private static final int MESSAGE_BYTES = 4096;
    /** The dataset around Pixel Data (the received file's header, re-encoded): far more than any real one. */
    private static final long HEADER_ALLOWANCE = 64L * 1024 * 1024;

    /** How the children are held. */
    public record Limits(Duration timeout, long memoryBytes) {
    }

    private final Path workRoot;
    private final Limits limits;
    private final List<String> sandbox;

    private ChildProcessDecoder(Path workRoot, Limits limits, List<String> sandbox) {
        this.workRoot = workRoot;
        this.limits = limits;
        this.sandbox = sandbox;
    }

    /**
     * A decoder whose children work under {@code workRoot}, which is emptied now (a node that stopped mid-decode
     * leaves a folder there). Throws when dcmtk or util-linux is missing, saying which package to install.
     */
    public static ChildProcessDecoder start(Path workRoot, Limits limits) throws IOException {
        for (String tool : List.of("dcmdjpls", "dcmdjpeg")) {
            if (!Files.isExecutable(DCMTK_BIN.resolve(tool))) {
                throw new IOException(DCMTK_BIN.resolve(tool) + " is missing: install the Debian package dcmtk");
            }
        }
        if (!Files.isExecutable(Path.of(PRLIMIT))) {
            throw new IOException(PRLIMIT + " is missing: install the Debian package util-linux");
        }
        List<String> namespaces = namespaces();
        if (namespaces.isEmpty() && "root".equals(System.getProperty("user.name"))) {
            // without a user namespace the child would be root: able to raise its limits and read any file
            throw new IOException("the node runs as root and the kernel refuses it a user namespace for the decoder: "
                    + "run the node as an unprivileged user");
        }
        Folders.deleteTree(workRoot);
        Files.createDirectories(workRoot);
        ChildProcessDecoder decoder = new ChildProcessDecoder(workRoot, limits, namespaces);
        decoder.selfTest();
        return decoder;
    }

    /**
     * {@code unshare}: a user namespace (the child is "root" there and nobody outside: it cannot raise the limits or
     * pass the node's file permissions, even when the node runs as root), an empty network namespace, and a PID
     * namespace whose first process is the decoder, so that anything it forks dies with it (and, by
     * {@code --kill-child}, with unshare when the timeout kills that). Used when it works here; a container
     * runtime's seccomp profile may forbid it (docs/pixels.md).
     */
    private static List<String> namespaces() {
        List<String> unshare = List.of(UNSHARE, "--user", "--map-root-user", "--net", "--pid", "--fork",
                "--kill-child", "--");
        List<String> probe = new ArrayList<>(unshare);
        probe.add("/bin/true");
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return unshare;
            }
            process.destroyForcibly();
        } catch (IOException e) {
            // no unshare: the same as refused
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    /** The same sandbox with other limits, without a new self-test: for tests of the limits. */
    ChildProcessDecoder withLimits(Limits other) {
        return new ChildProcessDecoder(workRoot, other, sandbox);
    }

    /**
     * Decodes a JPEG-LS image made here from known values, through the whole sandbox: a limit or a namespace the
     * host refuses would otherwise make every image "decode-failed", as if the images were at fault.
     */
    private void selfTest() throws IOException {
        Path folder = Files.createTempDirectory(workRoot, "self-test-");
        try {
            Path plain = folder.resolve("plain.dcm");
            Path encoded = folder.resolve("encoded.dcm");
            SelfTestImage.write(plain);
            Process encoder = new ProcessBuilder(DCMTK_BIN.resolve("dcmcjpls").toString(), plain.toString(),
                    encoded.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!encoder.waitFor(30, TimeUnit.SECONDS) || encoder.exitValue() != 0) {
                encoder.destroyForcibly();
                throw new IOException("dcmcjpls could not make the self-test image");
            }
            try (Decoded decoded = decode(encoded, TransferSyntax.JPEGLS, SelfTestImage.BYTES)) {
                if (!SelfTestImage.matches(decoded.output())) {
                    throw new IOException("the self-test image decoded to other values");
                }
            }
        } catch (DecodeFailedException e) {
            throw new IOException("the sandboxed decoder fails here (" + e.getMessage() + "): " + sandbox(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted during the decoder's self-test");
        } finally {
            Folders.deleteTree(folder);
        }
    }

    /** Whether the children run in their own namespaces: no network, no way to outlive their timeout. */
    public boolean networkIsolated() {
        return !sandbox.isEmpty();
    }

    /** The command line a child's program runs under, for the start-up log line. */
    public String sandbox() {
        return String.join(" ", sandboxed("<decoded size + 64 MiB>", List.of()));
    }

    /** {@code program} under the limits and, when the kernel allows, in its own network namespace. */
    List<String> sandboxed(String maxFileBytes, List<String> program) {
        long cpuSeconds = Math.max(1, limits.timeout().toSeconds());
        List<String> command = new ArrayList<>(List.of(PRLIMIT, "--as=" + limits.memoryBytes(), "--cpu=" + cpuSeconds,
                "--fsize=" + maxFileBytes, "--nofile=64", "--core=0", "--"));
        command.addAll(sandbox);
        command.addAll(program);
        return command;
    }

    /** Whether a child decodes this transfer syntax. */
    static boolean decodes(String transferSyntaxUid) {
        return program(transferSyntaxUid) != null;
    }

    private static String program(String transferSyntaxUid) {
        return switch (transferSyntaxUid) {
            case TransferSyntax.JPEGLS, TransferSyntax.JPEGNLS -> "dcmdjpls";
            case TransferSyntax.JPEGExtended -> "dcmdjpeg";
            default -> null;
        };
    }

    /**
     * Decodes {@code dicomFile} into an uncompressed (Explicit VR Little Endian) file in a private folder; the
     * caller reads it and closes the result, which deletes the folder.
     *
     * @param maxOutputBytes the largest output the input can honestly decode to; the child cannot write more
     * @throws DecodeFailedException the child failed, was killed, or ran out of time
     */
    Decoded decode(Path dicomFile, String transferSyntaxUid, long maxOutputBytes)
            throws IOException, DecodeFailedException {
        String program = program(transferSyntaxUid);
        if (program == null) {
            throw new IllegalArgumentException("no child decoder for " + transferSyntaxUid);
        }
        Path folder = Files.createTempDirectory(workRoot, "decode-", Folders.OWNER_ONLY);
        Decoded decoded = new Decoded(folder);
        try {
            Path input = folder.resolve("in.dcm");
            try {
                Files.createLink(input, dicomFile); // the same file system: no copy
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(dicomFile, input);
            }
            List<String> command = sandboxed(Long.toString(maxOutputBytes + HEADER_ALLOWANCE), List.of(
                    DCMTK_BIN.resolve(program).toString(), "--read-file-only", "--write-xfer-little", "in.dcm",
                    "out.dcm"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(folder.resolve("messages").toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/bin:/bin");
            builder.environment().put("LANG", "C");
            run(builder, program, folder);
            decoded.output = folder.resolve("out.dcm");
            return decoded;
        } catch (IOException | DecodeFailedException | RuntimeException e) {
            try {
                decoded.close();
            } catch (IOException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            throw e;
        }
    }

    private void run(ProcessBuilder builder, String program, Path folder) throws IOException, DecodeFailedException {
        Process process = builder.start();
        try {
            if (!process.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new DecodeFailedException(program + " did not finish within " + limits.timeout().toMillis()
                        + " ms and was killed");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception waited) {
                e.addSuppressed(waited);
            }
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while " + program + " ran");
        }
        int exit = process.exitValue();
        if (exit != 0 || !Files.isRegularFile(folder.resolve("out.dcm"), LinkOption.NOFOLLOW_LINKS)) {
            // Java reports a child killed by signal N as 128 + N (SIGSEGV 139, SIGKILL 137, SIGABRT 134)
            String how = exit > 128 ? "was killed by signal " + (exit - 128) : "exited with " + exit;
            throw new DecodeFailedException(program + " " + how + lastMessage(folder.resolve("messages")));
        }
    }

    /**
     * dcmtk's last error line ("E: …" or "F: …", in the last 4 KiB), which describes the code stream, not its values; escaped
     * and cut to one line of 200 characters, since the child is not trusted either.
     */
    private static String lastMessage(Path messages) {
        byte[] tail;
        // a child could have put a FIFO there, which would block the reader: a regular file only
        if (!Files.isRegularFile(messages, LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(messages,
                java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long start = Math.max(0, channel.size() - MESSAGE_BYTES);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // read on
            }
            tail = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        } catch (IOException e) {
            return "";
        }
        String last = "";
        for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("E: ") || line.startsWith("F: ")) {
                last = line;
            }
        }
        if (last.isEmpty()) {
            return "";
        }
        StringBuilder safe = new StringBuilder(": ");
        last.codePoints().limit(200).forEach(c -> safe.append(c < 0x20 || c == '"' || c == '\\' || c > 0x7e ? '?'
                : (char) c));
        return safe.toString();
    }

    /** A child's output; closing deletes its private folder. */
    static final class Decoded implements AutoCloseable {
        private final Path folder;
        private Path output;

        private Decoded(Path folder) {
            this.folder = folder;
        }

        Path output() {
            return output;
        }

        @Override
        public void close() throws IOException {
            Folders.deleteTree(folder);
        }
    }
}
