package org.osteonode.cli;

import org.osteonode.config.ConfigException;
import org.osteonode.inference.InvalidModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code osteonode <command>}: the entry point of bin/osteonode. */
@Command(name = "osteonode", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
        subcommands = {ServeCommand.class, DeidCommand.class, OutboxCommand.class, QuarantineCommand.class,
                ResearchCommand.class, LabelsCommand.class, ExportCommand.class, SecretCommand.class,
                ModelCommand.class, VersionCommand.class},
        description = "DICOM node between a PACS and AI models.")
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            // A model directory osteonode.model.dir names is configuration as much as the key is.
            if (e instanceof ConfigException || e instanceof InvalidModelException) {
                cl.getErr().println("osteonode: configuration error: " + e.getMessage());
                return 2;
            }
            cl.getErr().println("osteonode: " + e.getMessage());
            return 1;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
