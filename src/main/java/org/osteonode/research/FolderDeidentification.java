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
     * De-identifies {@code files} with {@code threads} at once. Files that share a SOP Instance UID are archived one
     * after the other in path order, after all the others: the first in path order is the one archived, the rest
     * are the same object again or are quarantined as {@code duplicate-sop-instance-uid}, whatever the threads'
     * timing, so that two runs give the same tree.
     *
     * @param progress called with the number of files done so far, from worker threads
     */
    public Summary run(Path inputRoot, List<Path> files, IntConsumer progress) throws InterruptedException {
        List<List<Path>> rounds = roundsBySopInstanceUid(files);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger archived = new AtomicInteger();
        AtomicInteger again = new AtomicInteger();
        Map<String, Integer> skipped = new TreeMap<>();
        AtomicInteger notDicom = new AtomicInteger();
        Map<String, Integer> quarantined = new TreeMap<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (List<Path> round : rounds) {
                List<Future<?>> futures = round.stream().<Future<?>>map(file -> pool.submit(() -> {
                    String name = inputRoot.relativize(file).toString().replace('/', '_');
                    try {
                        if (!hasDicomPreamble(file)) {
                            notDicom.incrementAndGet();
                        } else {
                            ResearchArchiver.Outcome outcome = archiver.archive(file);
                            if (outcome instanceof ResearchArchiver.Outcome.Refused refused) {
                                quarantine(file, name, refused.reason(), refused.detail(), quarantined);
                            } else if (outcome instanceof ResearchArchiver.Outcome.Skipped skip) {
                                synchronized (skipped) {
                                    skipped.merge(skip.reason(), 1, Integer::sum);
                                }
                            } else if (((ResearchArchiver.Outcome.Archived) outcome).again()) {
                                again.incrementAndGet();
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
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(files.size(), archived.get(), again.get(), skipped, notDicom.get(), quarantined,
                failures);
    }

    /**
     * The files in rounds: first every file whose SOP Instance UID no earlier file (in path order) has, together;
     * then, one round each, the second file of each shared UID, the third, and so on. Files that cannot be read
     * here go in the first round, to meet their failure there.
     */
    static List<List<Path>> roundsBySopInstanceUid(List<Path> files) {
        Map<String, Integer> seen = new java.util.HashMap<>();
        List<List<Path>> rounds = new java.util.ArrayList<>();
        List<String> uids = sopInstanceUids(files);
        for (int i = 0; i < files.size(); i++) {
            String uid = uids.get(i);
            int round = uid.isEmpty() ? 0 : seen.merge(uid, 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new java.util.ArrayList<>());
            }
            rounds.get(round).add(files.get(i));
        }
        return rounds;
    }

    /** Each file's SOP Instance UID from its header, read in parallel; empty when unreadable. */
    private static List<String> sopInstanceUids(List<Path> files) {
        return files.parallelStream().map(FolderDeidentification::sopInstanceUid).toList();
    }

    private static String sopInstanceUid(Path file) {
        try {
            if (!hasDicomPreamble(file)) {
                return "";
            }
            return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
                    org.osteonode.dicom.EncodedHeader.read(file).attributes(),
                    com.pixelmed.dicom.TagFromName.SOPInstanceUID).trim();
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
