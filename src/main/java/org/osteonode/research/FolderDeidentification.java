package org.osteonode.research;

import org.osteonode.ingest.Quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** What happened to the files of one run. */
    public record Summary(int files, int archived, int skipped, int notDicom, Map<String, Integer> quarantinedByReason,
            List<String> failures) {
        public int quarantined() {
            return quarantinedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** @param progress called with the number of files done so far, from worker threads */
    public Summary run(Path inputRoot, List<Path> files, IntConsumer progress) throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger archived = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger notDicom = new AtomicInteger();
        Map<String, Integer> quarantined = new TreeMap<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = files.stream().<Future<?>>map(file -> pool.submit(() -> {
                String name = inputRoot.relativize(file).toString().replace('/', '_');
                try {
                    if (!hasDicomPreamble(file)) {
                        notDicom.incrementAndGet();
                    } else {
                        ResearchArchiver.Outcome outcome = archiver.archive(file);
                        if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
                            quarantine(file, name, refused.reason(), refused.detail(), quarantined);
                        } else if (outcome instanceof ResearchArchiver.Outcome.Skipped) {
                            skipped.incrementAndGet();
                        } else {
                            archived.incrementAndGet();
                        }
                    }
                } catch (com.pixelmed.dicom.DicomException e) {
                    quarantineOrRecord(file, name, "unparseable", e, quarantined, failures);
                } catch (Exception e) {
                    failures.add(name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                progress.accept(done.incrementAndGet());
            })).toList();
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(files.size(), archived.get(), skipped.get(), notDicom.get(), quarantined, failures);
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
        synchronized (quarantined) {
            quarantined.merge(reason, 1, Integer::sum);
        }
    }

    /** Part 10 files have "DICM" after a 128-byte preamble; anything else in the folder is not ours to judge. */
    private static boolean hasDicomPreamble(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        }
    }
}
