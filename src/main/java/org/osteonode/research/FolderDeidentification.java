package org.osteonode.research;

import org.osteonode.ingest.Quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * {@code bin/osteonode deid}: the research path over a folder of files instead of the spool. Originals
 * are never changed; what cannot be archived is copied to the quarantine folder with a reason file.
 */
public final class FolderDeidentification {
    private final ResearchArchiver archiver;
    private final Quarantine quarantine;
    private final int threads;

    public FolderDeidentification(ResearchArchiver archiver, Quarantine quarantine, int threads) {
        this.archiver = archiver;
        this.quarantine = quarantine;
        this.threads = threads;
    }

    /**
     * What happened to the files of one run.
     *
     * @param again files whose object was already in the output (the same object under another name, or a rerun)
     */
    public record Summary(int files, int archived, int again, Map<String, Integer> skippedByReason, int notDicom,
            Map<String, Integer> quarantinedByReason, List<String> failures) {
        public int skipped() {
            return skippedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int quarantined() {
            return quarantinedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * De-identifies {@code files} with {@code threads} at once. Of files that share a SOP Instance UID, the first in
     * path order is archived with all the others, and the rest after them, one round each, in path order: they are
     * the same object again or are quarantined as {@code duplicate-sop-instance-uid}, whatever the threads' timing,
     * so that two runs give the same tree.
     *
     * @param progress called with the number of files done so far, from worker threads
     */
    public Summary run(Path inputRoot, List<Path> files, IntConsumer progress) throws InterruptedException {
        Tally tally = new Tally();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // The first file of each SOP Instance UID, in path order, is submitted as soon as its header is read
            // (reading overlaps the workers); a later file of a UID already seen waits for a round after them.
            Map<String, Integer> seen = new HashMap<>();
            List<List<Path>> laterRounds = new ArrayList<>();
            List<Future<?>> first = new ArrayList<>();
            for (Path file : files) {
                String uid = sopInstanceUid(file);
                int earlier = uid.isEmpty() ? 0 : seen.merge(uid, 1, Integer::sum) - 1;
                if (earlier == 0) {
                    first.add(pool.submit(() -> deidentify(inputRoot, file, tally, progress, done)));
                } else {
                    while (laterRounds.size() < earlier) {
                        laterRounds.add(new ArrayList<>());
                    }
                    laterRounds.get(earlier - 1).add(file);
                }
            }
            await(first, tally);
            for (List<Path> round : laterRounds) {
                await(round.stream().<Future<?>>map(file -> pool.submit(
                        () -> deidentify(inputRoot, file, tally, progress, done))).toList(), tally);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(files.size(), tally.archived.get(), tally.again.get(), tally.skipped, tally.notDicom.get(),
                tally.quarantined, tally.failures);
    }

    private static void await(List<Future<?>> futures, Tally tally) throws InterruptedException {
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                tally.failures.add(e.getCause().toString());
            }
        }
    }

    /** What a run has done so far, counted from its worker threads. */
    private static final class Tally {
        final AtomicInteger archived = new AtomicInteger();
        final AtomicInteger again = new AtomicInteger();
        final AtomicInteger notDicom = new AtomicInteger();
        final Map<String, Integer> skipped = java.util.Collections.synchronizedMap(new TreeMap<>());
        final Map<String, Integer> quarantined = java.util.Collections.synchronizedMap(new TreeMap<>());
        final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    private void deidentify(Path inputRoot, Path file, Tally tally, IntConsumer progress, AtomicInteger done) {
        try {
            deidentify(inputRoot, file, tally);
        } finally {
            progress.accept(done.incrementAndGet());
        }
    }

    private void deidentify(Path inputRoot, Path file, Tally tally) {
        String name = inputRoot.relativize(file).toString().replace('/', '_');
        String quarantineName = Quarantine.nameFor(name);
        try {
            if (!hasDicomPreamble(file)) {
                tally.notDicom.incrementAndGet();
                return;
            }
            ResearchArchiver.Outcome outcome = archiver.archive(file);
            if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
                quarantine(file, quarantineName, refused.reason(), refused.detail(), tally.quarantined);
            } else if (outcome instanceof ResearchArchiver.Outcome.Skipped skip) {
                tally.skipped.merge(skip.reason(), 1, Integer::sum);
            } else if (((ResearchArchiver.Outcome.Archived) outcome).again()) {
                tally.again.incrementAndGet();
            } else {
                tally.archived.incrementAndGet();
            }
        } catch (com.pixelmed.dicom.DicomException e) {
            quarantineOrRecord(file, quarantineName, "unparseable", e, tally.quarantined, tally.failures);
        } catch (Exception e) {
            tally.failures.add(name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The file's SOP Instance UID from its header; empty when it has none or is no DICOM this reader takes. */
    private static String sopInstanceUid(Path file) {
        try {
            if (!hasDicomPreamble(file)) {
                return "";
            }
            return org.osteonode.dicom.EncodedHeader.read(file).sopInstanceUid();
        } catch (Exception e) {
            return "";
        }
    }

    private void quarantineOrRecord(Path file, String name, String reason, Exception cause,
            Map<String, Integer> quarantined, List<String> failures) {
        try {
            quarantine(file, name, reason, cause.getClass().getSimpleName() + ": " + cause.getMessage(), quarantined);
        } catch (IOException e) {
            failures.add(name + ": could not be copied to the quarantine: " + e.getMessage());
        }
    }

    private void quarantine(Path file, String name, String reason, String detail, Map<String, Integer> quarantined)
            throws IOException {
        quarantine.copy(file, name, reason, detail);
        quarantined.merge(reason, 1, Integer::sum);
    }

    /** Part 10 files have "DICM" after a 128-byte preamble; anything else in the folder is not ours to judge. */
    private static boolean hasDicomPreamble(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        }
    }
}
