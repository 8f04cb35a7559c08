package org.osteonode.cli;

import org.osteonode.Node;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Spool;
import org.osteonode.objects.ObjectStore;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.observe.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "quarantine", description = "Objects osteonode could not process: 'list' them with their reasons, "
        + "'retry NAME' puts one back in the spool (the node processes it again, now or at its next start), "
        + "'purge --older-than DAYS' deletes old ones. Works with the node running or stopped. In cluster mode "
        + "(osteonode.cluster.enabled) it lists, retries and purges the whole cluster's quarantine, in the PHI bucket; "
        + "a retried object goes into this node's spool.")
final class QuarantineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, retry or purge")
    private String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "for retry: a name from list")
    private String name;

    @Option(names = "--older-than", paramLabel = "DAYS", description = "for purge: quarantined more than DAYS ago")
    private Integer olderThanDays;

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public Integer call() throws Exception {
        Settings settings = SettingsLoader.load(config, System.getenv());
        if ("retry".equals(action) && name != null) {
            try {
                Quarantine.checkName(name);
            } catch (IllegalArgumentException e) {
                System.err.println("osteonode quarantine retry: " + e.getMessage());
                return 2;
            }
        }
        try (ObjectStore store = settings.cluster().enabled()
                ? new S3ObjectStore(Node.bucket(settings.cluster(), settings.cluster().phiBucket()))
                : Quarantine.folder(settings.quarantineDir())) {
            return act(settings, new Quarantine(store, settings.cluster().enabled() ? "quarantine/" : "",
                    settings.scratchDir(), new Metrics()));
        }
    }

    private Integer act(Settings settings, Quarantine quarantine) throws Exception {
        switch (action) {
            case "list" -> list(quarantine.list());
            case "retry" -> {
                if (name == null) {
                    System.err.println("osteonode quarantine retry: which one? (a NAME from: quarantine list)");
                    return 2;
                }
                try {
                    Path spooled = quarantine.release(name, new Spool(settings.spoolDir(), 0));
                    System.out.println("back in the spool: " + spooled.getFileName());
                } catch (IllegalArgumentException e) {
                    System.err.println("osteonode quarantine retry: " + e.getMessage());
                    return 1;
                }
            }
            case "purge" -> {
                if (olderThanDays == null || olderThanDays < 0) {
                    System.err.println("osteonode quarantine purge: say --older-than DAYS (0 purges everything)");
                    return 2;
                }
                int purged = quarantine.purge(Instant.now().minus(Duration.ofDays(olderThanDays)));
                System.out.println("purged: " + purged);
            }
            default -> {
                System.err.println("osteonode quarantine: unknown action '" + action + "' (try: list, retry, purge)");
                return 2;
            }
        }
        return 0;
    }

    private static void list(List<Quarantine.Entry> entries) {
        System.out.printf("%-28s %-22s %-24s %12s  %s%n", "NAME", "REASON", "QUARANTINED AT", "BYTES", "DETAIL");
        for (Quarantine.Entry entry : entries) {
            System.out.printf("%-28s %-22s %-24s %12d  %s%n", entry.name(), entry.reason(), entry.quarantinedAt(),
                    entry.bytes(), entry.detail());
        }
        System.out.println(entries.size() + " object(s)");
    }
}
