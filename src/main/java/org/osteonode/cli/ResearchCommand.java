package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.store.Archive;
import org.osteonode.store.Database;
import org.osteonode.store.OptOutRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "research", description = "Govern the research archive.",
        subcommands = ResearchCommand.OptOut.class)
final class ResearchCommand implements Runnable {
    // bin/osteonode puts --config right after the command's name, before the action.
    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public void run() {
        System.err.println("osteonode research: name an action (try: opt-out)");
    }

    @Command(name = "opt-out", description = "Patients who withdrew research consent: their archived images and "
            + "labels are deleted, and their objects never enter the archive again. The node may be running.")
    static final class OptOut implements Callable<Integer> {
        @Option(names = "--patient-ids", paramLabel = "FILE", description = "One Issuer of Patient ID^Patient ID per "
                + "line (no issuer: the Patient ID alone). Read once; only keyed pseudonyms are kept.")
        private Path patientIds;

        @Option(names = "--list", description = "How many patients have opted out (never who).")
        private boolean list;

        @ParentCommand
        private ResearchCommand research;

        @Override
        public Integer call() throws Exception {
            if ((patientIds == null) == !list) {
                System.err.println("osteonode research opt-out: give --patient-ids FILE or --list");
                return 2;
            }
            Settings settings = SettingsLoader.load(research.config, System.getenv());
            try (Database database = Database.openForCommand(settings)) {
                OptOutRegistry registry = new OptOutRegistry(database.dataSource());
                if (list) {
                    System.out.printf("patients opted out of research: %d%n", registry.count());
                    return 0;
                }
                // Images archived before a rotation of the secret are keyed by the secret of their time.
                List<Pseudonymizer> secrets = new java.util.ArrayList<>();
                secrets.add(Pseudonymizer.fromSecretFile(settings.secretFile()));
                secrets.addAll(Pseudonymizer.retired(settings.secretFile()));
                Set<String> keys = new LinkedHashSet<>();
                Set<String> formerKeys = new LinkedHashSet<>();
                for (String[] patient : read(patientIds)) {
                    keys.add(secrets.get(0).patient(patient[0], patient[1]));
                    for (Pseudonymizer former : secrets.subList(1, secrets.size())) {
                        formerKeys.add(former.patient(patient[0], patient[1]));
                    }
                }
                // Recorded first: from then on nothing of theirs is archived; then what is there is deleted.
                OptOutRegistry.Added added = registry.add(keys, formerKeys);
                Archive archive = new Archive(settings.archiveDir(), settings.scratchDir(), true);
                long images = 0;
                for (String key : keys) {
                    images += archive.deletePatient(key);
                }
                for (String key : formerKeys) {
                    images += archive.deletePatient(key);
                }
                System.out.printf("patients in the file: %d (new to the list: %d)%n", keys.size(), added.patients());
                System.out.printf("deleted: %d archived images, %d label rows%n", images, added.labelsDeleted());
                System.out.printf("patients opted out of research: %d%n", registry.count());
                System.out.printf("%s holds patient identifiers: delete it when you no longer need it%n", patientIds);
                return 0;
            }
        }

        /** Issuer and Patient ID of each line; blank lines and lines starting with # are skipped. */
        static List<String[]> read(Path file) throws IOException {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> {
                        int caret = line.indexOf('^');
                        return caret < 0
                                ? new String[] {"", line}
                                : new String[] {line.substring(0, caret).strip(), line.substring(caret + 1).strip()};
                    })
                    .toList();
        }
    }
}
