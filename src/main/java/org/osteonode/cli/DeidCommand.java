package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.research.FolderDeidentification;
import org.osteonode.deid.Deidentifier;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.research.ResearchArchiver;
import org.osteonode.research.ResearchScope;
import org.osteonode.ingest.Quarantine;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "deid", description = "De-identify a folder of DICOM files (recursively) as the research path does: "
        + "PS3.15 profile, pseudonyms from the site secret, archive layout. The originals are not changed.")
final class DeidCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, paramLabel = "DIR", description = "Folder to read, recursively.")
    private Path in;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for the de-identified files: <patient>/<study>/<series>/<instance>.dcm.")
    private Path out;

    @Option(names = "--quarantine", paramLabel = "DIR",
            description = "Folder for what cannot be de-identified, with reasons (default: OUT-quarantine). "
                    + "It holds identified data.")
    private Path quarantineDir;

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Option(names = "--threads", paramLabel = "N", description = "Files de-identified at once (default: cores).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        Deidentifier.prepare();
        Settings settings = SettingsLoader.load(config, System.getenv());
        Path output = out.toAbsolutePath().normalize();
        Path quarantinePath = quarantineDir != null ? quarantineDir : output.resolveSibling(output.getFileName() + "-quarantine");
        Path scratch = Files.createTempDirectory(output.getParent(), ".osteonode-deid-");
        try {
            ResearchArchiver archiver = ResearchArchiver.create(settings.deid(),
                    // like cp, leave flushing to the operating system: the originals stay where they are
                    Pseudonymizer.fromSecretFile(settings.secretFile()), new Archive(output, scratch, false),
                    settings.dicom().aeTitle(), ResearchScope.of(settings.research()), ResearchArchiver.OptOuts.NONE);
            Quarantine quarantine = new Quarantine(quarantinePath, new Metrics());
            List<Path> files = FolderDeidentification.filesUnder(in);
            Progress progress = new Progress(System.err, files.size(), "files");
            FolderDeidentification.Summary summary = new FolderDeidentification(archiver, quarantine, Math.max(1, threads))
                    .run(in, files, progress::update);
            progress.finish();
            print(summary, output, quarantinePath, progress.seconds());
            return summary.failures().isEmpty() ? 0 : 1;
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static void print(FolderDeidentification.Summary summary, Path output, Path quarantine, double seconds) {
        PrintStream out = System.out;
        out.printf("%d files in %.1f s (%.1f files/s)%n", summary.files(), seconds, summary.files() / Math.max(seconds, 0.001));
        out.printf("  de-identified into %s: %d%n", output, summary.archived());
        if (summary.again() > 0) {
            out.printf("  already there, the same object again: %d%n", summary.again());
        }
        out.printf("  not archived: %d%n", summary.skipped());
        summary.skippedByReason().forEach((reason, count) -> out.printf("    %s: %d%n", reason, count));
        out.printf("  not DICOM, ignored: %d%n", summary.notDicom());
        out.printf("  quarantined in %s: %d%n", quarantine, summary.quarantined());
        summary.quarantinedByReason().forEach((reason, count) -> out.printf("    %s: %d%n", reason, count));
        if (!summary.failures().isEmpty()) {
            out.printf("  failed: %d%n", summary.failures().size());
            summary.failures().forEach(failure -> out.printf("    %s%n", failure));
        }
    }
}
