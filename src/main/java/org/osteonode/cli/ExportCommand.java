package org.osteonode.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.osteonode.config.ConfigException;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.export.Datasheet;
import org.osteonode.export.Outcomes;
import org.osteonode.export.ReidentificationRisk;
import org.osteonode.export.Splits;
import org.osteonode.export.TrainingSetExport;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.Node;
import org.osteonode.objects.ObjectStore;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.store.Archive;
import org.osteonode.pixels.ChildProcessDecoder;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.research.ResearchScope;
import org.osteonode.store.Database;
import org.osteonode.store.ExportAudit;
import org.osteonode.store.LabelQuery;
import org.osteonode.store.LabelStore;
import org.osteonode.store.OutcomeLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "export", description = "Export a de-identified training set (images, labels.csv, SHA256SUMS, "
        + "dataset.json) from the research archive. The node may be running.")
final class ExportCommand implements Callable<Integer> {
    /** What an export writes into its folder: all that --force deletes, and nothing else. */
    private static final List<String> OWN = List.of("images", "shards", "labels.csv", "SHA256SUMS", "dataset.json");

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the training set.")
    private Path out;

    @Option(names = "--body-part", paramLabel = "PART", description = "Body part (docs/body-part-vocabulary.md); repeatable.")
    private List<String> bodyParts = new ArrayList<>();

    @Option(names = "--modality", paramLabel = "CODE", description = "Modality, e.g. DX; repeatable.")
    private List<String> modalities = new ArrayList<>();

    @Option(names = "--view", paramLabel = "VIEW", description = "View Position, e.g. AP, PA, LL.")
    private String view;

    @Option(names = "--sex", paramLabel = "M|F|O", description = "Patient's Sex.")
    private String sex;

    @Option(names = "--min-age", paramLabel = "YEARS", description = "Youngest age at the study (90 = 90 or older).")
    private Integer minAge;

    @Option(names = "--max-age", paramLabel = "YEARS", description = "Oldest age at the study.")
    private Integer maxAge;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First shifted study date.")
    private LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last shifted study date.")
    private LocalDate to;

    @Option(names = "--limit", paramLabel = "N", description = "At most N images, chosen by the seed.")
    private Integer limit;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the splits and of --limit (default 0).")
    private long seed;

    @Option(names = "--split", paramLabel = "SPEC", description = "Splits by patient (default train=0.8,val=0.1,test=0.1).")
    private String split = "train=0.8,val=0.1,test=0.1";

    @Option(names = "--format", paramLabel = "dicom|png", description = "dicom: the de-identified objects (default); "
            + "png: rendered as the model sees them.")
    private String format = "dicom";

    @Option(names = "--bits", paramLabel = "8|16", description = "PNG bits per pixel (default 8).")
    private int bits = 8;

    @Option(names = "--size", paramLabel = "N", description = "PNG letterboxed to N x N as the model's input "
            + "(default: the image's own size).")
    private int size;

    @Option(names = "--shards", paramLabel = "N", description = "N tar files per split (WebDataset-style) instead of "
            + "a folder of images.")
    private int shards;

    @Option(names = "--threads", paramLabel = "N", description = "Images written at once (default: cores).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--outcome-window-days", paramLabel = "N", description = "Each image gets its patient's DXA result "
            + "nearest in time within N days (default 365), and its WHO label.")
    private int outcomeWindowDays = 365;

    @Option(names = "--min-k", paramLabel = "K", description = "Smallest quasi-identifier group reported as safe (default 5).")
    private int minK = 5;

    @Option(names = "--suppress-below-k", description = "Leave out rows in groups smaller than --min-k.")
    private boolean suppressBelowK;

    @Option(names = "--dry-run", description = "Count per split and label value; write nothing.")
    private boolean dryRun;

    @Option(names = "--resume", description = "Finish an interrupted export into DIR.")
    private boolean resume;

    @Option(names = "--force", description = "Replace an earlier export in DIR.")
    private boolean force;

    @Option(names = "--list", description = "Show the history of exports.")
    private boolean list;

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public Integer call() throws Exception {
        Settings settings = SettingsLoader.load(config, System.getenv());
        PrintStream stdout = System.out;
        if (!list && out == null) {
            System.err.println("osteonode export: give --out DIR (or --list)");
            return 2;
        }
        if (!format.equals("dicom") && !format.equals("png")) {
            System.err.println("osteonode export: --format is dicom or png, not '" + format + "'");
            return 2;
        }
        Splits splits;
        TrainingSetExport.Format output;
        try {
            splits = Splits.parse(split, seed);
            output = new TrainingSetExport.Format(format.equals("png"), format.equals("png") ? bits : 0,
                    format.equals("png") ? size : 0, shards);
        } catch (IllegalArgumentException e) {
            System.err.println("osteonode export: " + e.getMessage());
            return 2;
        }
        if (!list && !dryRun && !readyToWrite()) {
            return 2;
        }
        try (Database database = Database.openForCommand(settings)) {
            ExportAudit audit = new ExportAudit(database.dataSource());
            if (list) {
                for (ExportAudit.Entry entry : audit.list()) {
                    stdout.printf("%s  %s@%s  %s  %s  %s  datasheet %s%n", entry.at(), entry.osUser(), entry.host(),
                            entry.outputPath(), entry.counts(), entry.filters(), entry.datasheetSha256());
                }
                return 0;
            }
            List<ProxyLabels> rows = select(new LabelStore(database.dataSource()), ResearchScope.of(settings.research()));
            ReidentificationRisk risk = ReidentificationRisk.of(rows, minK);
            int suppressed = 0;
            if (suppressBelowK) {
                List<ProxyLabels> kept = ReidentificationRisk.withoutGroupsBelow(rows, minK);
                suppressed = rows.size() - kept.size();
                rows = kept;
            }
            Map<String, Outcomes.Outcome> outcomes = Outcomes.nearest(rows, new OutcomeLabels(database.dataSource())
                    .of(rows.stream().map(ProxyLabels::patientKey).collect(java.util.stream.Collectors.toSet())),
                    outcomeWindowDays);
            if (dryRun) {
                printDryRun(stdout, rows, outcomes, splits, risk, suppressed);
                return 0;
            }
            if (settings.cluster().enabled()) {
                stdout.printf("fetched from the de-identified bucket: %d%n", fetchFromBucket(settings, rows));
            }
            Progress progress = new Progress(System.err, rows.size(), "images");
            TrainingSetExport.Written written = new TrainingSetExport(settings.archiveDir(), out, splits, output,
                    outcomes, pngDecoder(settings)).write(rows, Math.max(1, threads), progress::update);
            progress.finish();
            String datasheet = Datasheet.json(filters(), version(), settings.deid(), written.images(),
                    written.labelsSha256(), risk, suppressed, Instant.now());
            TrainingSetExport.writeAtomically(Datasheet.file(out), datasheet);
            String datasheetSha256 = TrainingSetExport.sha256(datasheet);
            Map<String, Long> perSplit = new java.util.TreeMap<>();
            written.images().forEach(image -> perSplit.merge(image.split(), 1L, Long::sum));
            ObjectMapper json = new ObjectMapper();
            // USER names who ran the command; user.name may be the namespace's 'nobody' bin/osteonode runs the JVM as
            audit.record(new ExportAudit.Entry(Instant.now(), System.getenv().getOrDefault("USER", System.getProperty("user.name")),
                    InetAddress.getLocalHost().getHostName(), json.writeValueAsString(filters()),
                    json.writeValueAsString(perSplit), out.toAbsolutePath().toString(), datasheetSha256));
            stdout.printf("%d images of %d patients in %s (%.1f s): %s%n", written.images().size(),
                    written.images().stream().map(i -> i.labels().patientKey()).distinct().count(), out,
                    progress.seconds(), perSplit);
            stdout.printf("  hard-linked %d, copied %d, rendered %d, already there %d%n", written.linked(),
                    written.copied(), written.rendered(), written.kept());
            if (!written.leftOut().isEmpty()) {
                stdout.printf("  left out: %d%n", written.leftOut().size());
                written.leftOut().forEach(reason -> stdout.printf("    %s%n", reason));
            }
            stdout.printf("  re-identification risk: k=%d; %d rows in groups smaller than %d%s%n", risk.k(),
                    risk.rowsBelowMinK(), minK, suppressBelowK ? " (left out)" : " (--suppress-below-k leaves them out)");
            return 0;
        }
    }

    /** The rows the filters and the research scope select, at most --limit of them, chosen by the seed. */
    private List<ProxyLabels> select(LabelStore labels, ResearchScope scope) throws Exception {
        Set<String> parts = new LinkedHashSet<>();
        for (String name : bodyParts) {
            try {
                parts.add(BodyPart.valueOf(name.toUpperCase(Locale.ROOT)).name());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--body-part", "'" + name + "' is not a body part of docs/body-part-vocabulary.md");
            }
        }
        Set<String> codes = new LinkedHashSet<>();
        modalities.forEach(m -> codes.add(m.toUpperCase(Locale.ROOT)));
        List<ProxyLabels> rows = labels.matching(new LabelQuery(parts, codes, Set.of(),
                view == null ? null : view.toUpperCase(Locale.ROOT), sex == null ? null : sex.toUpperCase(Locale.ROOT),
                minAge, maxAge, from, to));
        rows = rows.stream()
                .filter(row -> scope.exclusion(row.modality(), row.bodyPart(), row.sopClassUid()).isEmpty())
                .toList();
        if (limit != null && rows.size() > limit) {
            rows = rows.stream()
                    .sorted(Comparator.comparingDouble(row -> Splits.draw(seed, "limit:" + row.sopInstanceKey())))
                    .limit(limit)
                    .sorted(Comparator.comparing(ProxyLabels::sopInstanceKey))
                    .toList();
        }
        return rows;
    }

    /** DIR may be written: absent or empty, or --resume, or --force (which deletes the earlier export). */
    private boolean readyToWrite() throws IOException {
        if (!Files.isDirectory(out)) {
            return true;
        }
        List<Path> entries;
        try (Stream<Path> listing = Files.list(out)) {
            entries = listing.toList();
        }
        if (entries.isEmpty() || resume) {
            return true;
        }
        if (!force) {
            System.err.println("osteonode export: " + out + " is not empty; --resume finishes an interrupted export "
                    + "there, --force replaces it");
            return false;
        }
        for (String own : OWN) {
            Path path = out.resolve(own);
            if (Files.isDirectory(path)) {
                try (Stream<Path> all = Files.walk(path)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            } else {
                Files.deleteIfExists(path);
            }
        }
        return true;
    }

    private Map<String, Object> filters() {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("body_parts", bodyParts);
        filters.put("modalities", modalities);
        filters.put("view", view);
        filters.put("sex", sex);
        filters.put("min_age", minAge);
        filters.put("max_age", maxAge);
        filters.put("from", from == null ? null : from.toString());
        filters.put("to", to == null ? null : to.toString());
        filters.put("limit", limit);
        filters.put("seed", seed);
        filters.put("split", split);
        filters.put("format", format);
        filters.put("shards", shards);
        if (format.equals("png")) {
            filters.put("bits", bits);
            filters.put("size", size);
        }
        filters.put("outcome_window_days", outcomeWindowDays);
        filters.put("min_k", minK);
        filters.put("suppress_below_k", suppressBelowK);
        return filters;
    }

    private void printDryRun(PrintStream stdout, List<ProxyLabels> rows, Map<String, Outcomes.Outcome> outcomes,
            Splits splits, ReidentificationRisk risk, int suppressed) throws IOException {
        List<TrainingSetExport.Image> images = new ArrayList<>();
        for (ProxyLabels row : rows) {
            images.add(new TrainingSetExport.Image(row, outcomes.get(row.sopInstanceKey()), null,
                    splits.of(row.patientKey()), null));
        }
        stdout.println("dry run: nothing written");
        stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                Datasheet.counts(images)));
        stdout.printf("re-identification risk: k=%d; %d rows in groups smaller than %d; %d left out%n", risk.k(),
                risk.rowsBelowMinK(), risk.minK(), suppressed);
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    /**
     * The node's decoder, so that JPEG-LS and 12-bit JPEG images render; its children work in a folder of this
     * export's own under the data directory (not the node's, which the node empties when it starts; not another
     * export's, which that one empties when it starts).
     */
    private static PixelDataDecoder pngDecoder(Settings settings) {
        try {
            return PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(settings.dataDir()
                    .resolve("decoding-export").resolve(Long.toString(ProcessHandle.current().pid())),
                    new ChildProcessDecoder.Limits(
                            settings.clinical().decoderTimeout(), settings.clinical().decoderMemoryBytes())));
        } catch (java.io.IOException e) {
            System.err.println("osteonode: JPEG-LS and 12-bit JPEG images get no PNG: " + e.getMessage());
            return PixelDataDecoder.inJava();
        }
    }

    /**
     * Cluster mode: the archive is the de-identified bucket, each node's folder holding only what that node
     * de-identified. What the export selected and this machine's folder lacks is copied into it first (its
     * SHA-256 checked), under the same archive path: the folder is a cache of the bucket, and the export reads it
     * as on one node. An object in neither is left out, as on one node.
     */
    private static int fetchFromBucket(Settings settings, List<ProxyLabels> rows) throws IOException {
        Path archive = settings.archiveDir();
        int fetched = 0;
        try (ObjectStore bucket = new S3ObjectStore(Node.bucket(settings.cluster(), settings.cluster().deidBucket()))) {
            for (ProxyLabels row : rows) {
                Path local = Archive.pathOf(archive, new Archive.Key(row.patientKey(), row.studyKey(), row.seriesKey(),
                        row.sopInstanceKey()));
                if (Files.exists(local)) {
                    continue;
                }
                String key = Archive.objectKey(archive, local);
                try {
                    Files.createDirectories(local.getParent());
                    bucket.get(key, local);
                    fetched++;
                } catch (java.nio.file.NoSuchFileException e) {
                    // not archived (a refused or out-of-scope object has labels but no file): left out below
                }
            }
        }
        return fetched;
    }
}
