package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.osteonode.dicom.EncodedHeader;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code DecoderBench VARIANTS_DIR RUNS WORK_DIR}: per-image cost of each transfer syntax on the clinical path.
 * {@code VARIANTS_DIR} holds one folder per encoding of the same images (bench/inference makes them with dcmtk
 * and GDCM). Each file's header is read first as the receiver reads it ({@link EncodedHeader}); then timed:
 * the header parsed from memory, the first frame decoded by the node's decoder (in the JVM, or by dcmtk in a
 * sandboxed child process for JPEG-LS and 12-bit JPEG), and the tensor of the demo model's input. Prints
 * <ul>
 *   <li>{@code VARIANT folder decoded_by files p50_ms p95_ms} per folder, {@code decoded_by} {@code jvm} or
 *   {@code child};</li>
 *   <li>{@code PEER folder tool p50_ms p95_ms} for the child-decoded folders: the same dcmtk tool with the same
 *   options run bare (no prlimit, no unshare, no reading back), its process wall time from here;</li>
 *   <li>{@code SANDBOX p50_ms p95_ms}: the child's wrapper (prlimit, unshare when allowed) around
 *   {@code /bin/true}, what the sandbox costs a process before it decodes anything.</li>
 * </ul>
 */
final class DecoderBench {
    /** The demo model's input (model/demo/model.json): 256 × 256, one channel, window percentiles 1 and 99. */
    private static final InputSpec DEMO_INPUT = new InputSpec(256, 256, 1, 0.5, 0.25, 1.0, 99.0);
    private static final int WARM_UP_FILES = 5;
    /** The node's defaults (osteonode.clinical.decoder-timeout-seconds, decoder-memory-mb): 30 s, 1 GiB. */
    private static final ChildProcessDecoder.Limits LIMITS = new ChildProcessDecoder.Limits(Duration.ofSeconds(30),
            1024L << 20);

    public static void main(String[] args) throws Exception {
        Path variantsDir = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Path workDir = Path.of(args[2]);
        ChildProcessDecoder children = ChildProcessDecoder.start(workDir.resolve("children"), LIMITS);
        PixelDataDecoder decoder = PixelDataDecoder.withChildProcess(children);
        Preprocessor preprocessor = new Preprocessor(DEMO_INPUT);

        Map<String, List<EncodedHeader>> variants = new LinkedHashMap<>();
        try (Stream<Path> folders = Files.list(variantsDir)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                variants.put(folder.getFileName().toString(), headers(folder));
            }
        }
        Map<String, Variant> timed = new LinkedHashMap<>();
        int files = variants.values().stream().mapToInt(List::size).min().orElseThrow();
        for (Map.Entry<String, List<EncodedHeader>> variant : variants.entrySet()) {
            timed.put(variant.getKey(), Variant.of(variant.getValue(), files * runs));
        }
        Path peerOutput = Files.createDirectories(workDir.resolve("peer")).resolve("out.dcm");
        List<String> sandboxAlone = children.sandboxed(Long.toString(64L << 20), List.of("/bin/true"));
        double[] sandbox = new double[files * runs];
        // Warm-up (JIT, page cache), then every variant and peer in turn on each image: the shared machine's noise
        // then falls on all of them alike, not on whichever ran while something else was busy.
        for (int run = -1; run < runs; run++) {
            for (int i = 0; i < (run < 0 ? Math.min(WARM_UP_FILES, files) : files); i++) {
                int at = run * files + i;
                for (Variant variant : timed.values()) {
                    EncodedHeader header = variant.headers.get(i);
                    long t0 = System.nanoTime();
                    preprocessor.tensor(frame(decoder, header));
                    long t1 = System.nanoTime();
                    if (variant.tool != null) {
                        runBare(List.of(ChildProcessDecoder.DCMTK_BIN.resolve(variant.tool).toString(),
                                "--read-file-only", "--write-xfer-little", header.file().toString(),
                                peerOutput.toString()), workDir);
                        Files.delete(peerOutput);
                    }
                    long t2 = System.nanoTime();
                    if (run >= 0) {
                        variant.millis[at] = (t1 - t0) / 1e6;
                        variant.toolMillis[at] = (t2 - t1) / 1e6;
                    }
                }
                long t0 = System.nanoTime();
                runBare(sandboxAlone, workDir);
                if (run >= 0) {
                    sandbox[at] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        for (Map.Entry<String, Variant> entry : timed.entrySet()) {
            Variant variant = entry.getValue();
            System.out.printf(Locale.ROOT, "VARIANT %s %s %d %.2f %.2f%n", entry.getKey(),
                    variant.tool != null ? "child" : "jvm", files, percentile(variant.millis, 50),
                    percentile(variant.millis, 95));
            if (variant.tool != null) {
                System.out.printf(Locale.ROOT, "PEER %s %s %.2f %.2f%n", entry.getKey(), variant.tool,
                        percentile(variant.toolMillis, 50), percentile(variant.toolMillis, 95));
            }
        }
        System.out.printf(Locale.ROOT, "SANDBOX %.2f %.2f%n", percentile(sandbox, 50), percentile(sandbox, 95));
    }

    /** One encoding of the images; {@code tool} is the dcmtk program of its child, null when the JVM decodes it. */
    private record Variant(List<EncodedHeader> headers, String tool, double[] millis, double[] toolMillis) {
        static Variant of(List<EncodedHeader> headers, int samples) throws Exception {
            AttributeList first = headers.get(0).attributes();
            String transferSyntax = Attribute.getSingleStringValueOrEmptyString(first, TagFromName.TransferSyntaxUID)
                    .trim();
            int bitsStored = Attribute.getSingleIntegerValueOrDefault(first, TagFromName.BitsStored, 16);
            String tool = null;
            if (DecodableTransferSyntaxes.decoder(transferSyntax, bitsStored, true)
                    == DecodableTransferSyntaxes.Decoder.CHILD_PROCESS) {
                tool = transferSyntax.equals(TransferSyntax.JPEGExtended) ? "dcmdjpeg" : "dcmdjpls";
            }
            return new Variant(headers, tool, new double[samples], new double[samples]);
        }
    }

    private static List<EncodedHeader> headers(Path folder) throws Exception {
        List<EncodedHeader> headers = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
                headers.add(EncodedHeader.read(file));
            }
        }
        if (headers.isEmpty()) {
            throw new IOException("no .dcm file in " + folder);
        }
        return headers;
    }

    /** As a clinical worker does it: its own attributes parsed from the kept header, then the first frame. */
    private static MonochromeFrame frame(PixelDataDecoder decoder, EncodedHeader header) throws Exception {
        return decoder.firstFrameOf(header.attributes(), header.file(), header.pixelDataOffset());
    }

    /**
     * A bare process as a user would run it (for dcmtk: with the options the node gives it), its wall time
     * measured by the caller.
     */
    private static void runBare(List<String> command, Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }

    private static double percentile(double[] values, int percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }
}
