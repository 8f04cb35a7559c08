package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.store.Database;
import org.osteonode.store.SiteSecretRecord;
import org.osteonode.store.LocalPostgres;
import org.osteonode.store.OptOutRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "secret", description = "The site secret that keys every pseudonym.",
        subcommands = {SecretCommand.Fingerprint.class, SecretCommand.Rotate.class})
final class SecretCommand implements Runnable {
    // bin/osteonode puts --config right after the command's name, before the action.
    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public void run() {
        System.err.println("osteonode secret: name an action (try: fingerprint, rotate)");
    }

    private Settings settings() {
        return SettingsLoader.load(config, System.getenv());
    }

    @Command(name = "fingerprint", description = "A fingerprint of the secret (not the secret): equal on nodes that "
            + "share it, and on a backup that holds it.")
    static final class Fingerprint implements Callable<Integer> {
        @ParentCommand
        private SecretCommand secret;

        @Override
        public Integer call() throws Exception {
            Path file = secret.settings().secretFile();
            if (!Files.exists(file)) {
                System.err.printf("osteonode secret: there is no site secret at %s yet (the node creates it at its "
                        + "first start)%n", file);
                return 1;
            }
            System.out.printf("%s  %s%n", Pseudonymizer.fromSecretFile(file).fingerprint(), file);
            return 0;
        }
    }

    @Command(name = "rotate", description = "Replace the site secret by a new one. Says what that means first; "
            + "changes nothing without --yes.")
    static final class Rotate implements Callable<Integer> {
        @Option(names = "--yes", description = "Rotate, having read what it means.")
        private boolean yes;

        @Option(names = "--opt-out-list", paramLabel = "FILE", description = "The patient-ID files given to research "
                + "opt-out so far: their opt-outs are recorded again under the new secret. Required when any "
                + "patient has opted out.")
        private List<Path> optOutLists = List.of();

        @ParentCommand
        private SecretCommand secret;

        @Override
        public Integer call() throws Exception {
            Settings settings = secret.settings();
            Path file = settings.secretFile();
            if (!Files.exists(file)) {
                System.err.printf("osteonode secret rotate: there is no site secret at %s: nothing to rotate%n", file);
                return 1;
            }
            if (settings.database().embedded() && LocalPostgres.inUse(settings.databaseDir())) {
                System.err.println("osteonode secret rotate: the node is running on this data-dir: stop it first "
                        + "(it holds the secret in memory and would go on using the old one)");
                return 1;
            }
            System.out.print(meaning(file));
            if (!yes) {
                System.out.println("Nothing was changed. To rotate, run again with --yes.");
                return 1;
            }
            try (Database database = Database.openForCommand(settings)) {
                OptOutRegistry registry = new OptOutRegistry(database.dataSource());
                List<String[]> patients = new java.util.ArrayList<>();
                for (Path list : optOutLists) {
                    patients.addAll(ResearchCommand.OptOut.read(list));
                }
                Pseudonymizer current = Pseudonymizer.fromSecretFile(file);
                Set<String> registered = registry.keys();
                Set<String> listed = new LinkedHashSet<>();
                for (String[] patient : patients) {
                    listed.add(current.patient(patient[0], patient[1]));
                }
                Set<String> unlisted = new LinkedHashSet<>(registered);
                unlisted.removeAll(listed);
                if (!unlisted.isEmpty()) {
                    System.err.printf("osteonode secret rotate: %d of the %d patients who opted out of research are "
                            + "in none of the --opt-out-list files; give every file used for research opt-out so "
                            + "that no opt-out is lost. Nothing was changed.%n", unlisted.size(), registered.size());
                    return 1;
                }
                String fresh = Pseudonymizer.newSecret();
                Pseudonymizer rotated = new Pseudonymizer(fresh.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Set<String> keys = new LinkedHashSet<>();
                for (String[] patient : patients) {
                    keys.add(rotated.patient(patient[0], patient[1]));
                }
                // Recorded before the new secret is in place, forgotten under the old one after: whenever this stops,
                // every opt-out holds under whichever secret the file then has.
                registry.add(keys);
                String before = current.fingerprint();
                SiteSecretRecord record = new SiteSecretRecord(database.dataSource());
                // before the file: a rotation cut off after the swap is recognised, and only that one
                record.rotatingTo(rotated.fingerprint());
                Path retired = Pseudonymizer.rotate(file, fresh, Instant.now());
                // after the file: a stop in between leaves the old fingerprint recorded and the new one as next,
                // which the node, holding the new secret and the old one as its newest retired, finishes at start
                record.replace(rotated.fingerprint());
                registry.remove(registered);
                System.out.printf("rotated: fingerprint %s -> %s%n", before, rotated.fingerprint());
                System.out.printf("the old secret is %s (mode 0400); research opt-out keeps using it to find images "
                        + "archived before today%n", retired);
                System.out.printf("opt-outs recorded again under the new secret: %d patients%n", keys.size());
                System.out.println("Copy the new secret to every node that shares it, and into your secret backup.");
                return 0;
            }
        }

        static String meaning(Path file) {
            return """
                    Rotating the site secret %1$s means:
                      - From now on every patient, study, series and instance gets NEW pseudonyms, and every patient a
                        new date shift. What is archived and labelled from now on cannot be linked to what was before:
                        one patient becomes two. A training export that mixes both can put the same patient in train
                        and test; export from one side of the rotation, or split by time.
                      - A study whose images arrive on both sides of the rotation gets a report of its own for the
                        later images, which does not supersede the earlier report. Rotate when the PACS is quiet.
                      - DXA outcome labels imported so far are keyed by the old secret and join no new image:
                        import the DXA files again afterwards (labels import --dxa).
                      - Patients who opted out of research are recorded again under the new secret from the lists you
                        give (--opt-out-list); without them their new images would be archived.
                      - The old secret is kept beside it (%1$s%2$s<time>, mode 0400): research opt-out uses it to
                        find a patient's images archived before the rotation. Delete it only when nothing archived
                        before the rotation remains. Anyone who holds it can still link the old pseudonyms.
                      - Every node that shares the secret must get the new one before it starts again; a node with
                        the old one would make pseudonyms that match neither.
                    Rotation is the answer to a secret that leaked, not routine hygiene: the pseudonyms are keyed
                    hashes, and a leaked secret lets its holder test guessed patient IDs against the archive.
                    """.formatted(file, Pseudonymizer.RETIRED);
        }
    }
}
