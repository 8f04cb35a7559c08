package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.labels.DxaCsv;
import org.osteonode.labels.DxaMeasurement;
import org.osteonode.store.Database;
import org.osteonode.store.OptOutRegistry;
import org.osteonode.store.OutcomeLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "labels", description = "Outcome labels for the research archive.", subcommands = LabelsCommand.Import.class)
final class LabelsCommand implements Runnable {
    // bin/osteonode puts --config right after the command's name, before the action.
    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public void run() {
        System.err.println("osteonode labels: name an action (try: import)");
    }

    @Command(name = "import", description = "Import DXA results (identified, from the RIS). Only the keyed patient "
            + "pseudonym, the date moved by that patient's own shift, the site and the values are stored. The node "
            + "may be running.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--dxa", paramLabel = "FILE", required = true, description = "CSV with the header "
                + "issuer_of_patient_id,patient_id,measurement_date,site,t_score[,z_score][,bmd]; site: lumbar spine, "
                + "total hip or femoral neck.")
        private Path dxa;

        @Option(names = "--skip-bad-rows", description = "Import the good rows of a file that has bad ones (each bad "
                + "one is still listed). Without it, a file with any bad row imports nothing.")
        private boolean skipBadRows;

        @ParentCommand
        private LabelsCommand labels;

        @Override
        public Integer call() throws Exception {
            Settings settings = SettingsLoader.load(labels.config, System.getenv());
            List<String> lines;
            try {
                lines = Files.readAllLines(dxa, StandardCharsets.UTF_8);
            } catch (java.nio.charset.MalformedInputException e) {
                System.err.printf("osteonode labels import: %s is not UTF-8 text: save it as UTF-8 (\"CSV UTF-8\"); "
                        + "nothing was imported%n", dxa);
                return 1;
            }
            DxaCsv.Parsed parsed = DxaCsv.parse(lines, LocalDate.now());
            parsed.problems().forEach(problem -> System.err.println("osteonode labels import: " + problem));
            boolean headerWrong = parsed.problems().stream().anyMatch(problem -> problem.line() == 1);
            if (headerWrong) {
                System.err.println("osteonode labels import: the header is wrong; nothing was imported");
                return 1;
            }
            if (!parsed.problems().isEmpty() && !skipBadRows) {
                System.err.printf("osteonode labels import: %d bad rows; nothing was imported (fix them, or "
                        + "--skip-bad-rows to import the %d good ones)%n", parsed.problems().size(), parsed.rows().size());
                return 1;
            }
            Pseudonymizer pseudonymizer = Pseudonymizer.fromSecretFile(settings.secretFile());
            int maxShift = settings.deid().maxDateShiftDays();
            try (Database database = Database.openForCommand(settings)) {
                // read once, not asked per row: a RIS export can hold hundreds of thousands of rows
                java.util.Set<String> optOuts = new OptOutRegistry(database.dataSource()).keys();
                List<OutcomeLabels.Keyed> keyed = new ArrayList<>();
                int optedOut = 0;
                for (DxaCsv.Row row : parsed.rows()) {
                    String patient = pseudonymizer.patient(row.issuerOfPatientId(), row.patientId());
                    if (optOuts.contains(patient)) {
                        optedOut++;
                        continue;
                    }
                    // moved back exactly as this patient's images are (Deidentifier), so intervals stay exact
                    int shift = pseudonymizer.dateShiftDays(row.issuerOfPatientId(), row.patientId(), maxShift);
                    keyed.add(new OutcomeLabels.Keyed(patient, new DxaMeasurement(row.measuredOn().minusDays(shift),
                            row.site(), row.tScore(), row.zScore(), row.bmd())));
                }
                OutcomeLabels.Imported imported = new OutcomeLabels(database.dataSource()).put(keyed);
                System.out.printf("rows: %d good, %d bad (skipped), %d of opted-out patients (skipped)%n",
                        parsed.rows().size(), parsed.problems().size(), optedOut);
                System.out.printf("imported: %d new, %d changed, %d already there%n", imported.added(),
                        imported.changed(), imported.unchanged());
                System.out.printf("%s holds identified data: delete it when you no longer need it%n", dxa);
                return 0;
            }
        }
    }
}
