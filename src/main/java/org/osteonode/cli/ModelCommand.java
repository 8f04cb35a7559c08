package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.inference.InvalidModelException;
import org.osteonode.inference.ModelCard;
import org.osteonode.inference.OnnxModel;
import org.osteonode.inference.ProviderUnavailableException;
import org.osteonode.inference.ReferenceOutputs;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "model", description = "Govern the model the clinical path runs.", subcommands = ModelCommand.Check.class)
final class ModelCommand implements Runnable {
    // bin/osteonode puts --config right after the command's name, before the action.
    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public void run() {
        System.err.println("osteonode model: name an action (try: check DIR)");
    }

    @Command(name = "check", description = "Check a model directory as the node does at start (card, model.onnx, "
            + "reference outputs) on the configured execution provider, and print what its card says.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The model directory: model.onnx, model.json and, if there, "
                + "reference-outputs.json.")
        private Path directory;

        @ParentCommand
        private ModelCommand parent;

        @Override
        public Integer call() throws Exception {
            Settings.Inference inference = SettingsLoader.load(parent.config, System.getenv()).inference();
            try (OnnxModel model = OnnxModel.load(directory, inference.provider(), inference.batchSize())) {
                List<String> warnings = report(model);
                warnings.forEach(warning -> System.out.println("WARNING: " + warning));
                System.out.println(directory + ": valid" + (warnings.isEmpty() ? "" : ", with " + warnings.size()
                        + (warnings.size() == 1 ? " warning" : " warnings")));
                return 0;
            } catch (InvalidModelException | ProviderUnavailableException e) {
                System.err.println(directory + " is not a usable model:");
                e.getMessage().lines().map(String::strip).forEach(line -> System.err.println("PROBLEM: " + line));
                return 1;
            }
        }

        /** Prints what an operator checks before installing the model; returns what should worry them. */
        private List<String> report(OnnxModel model) throws Exception {
            ModelCard card = model.card();
            List<String> warnings = new ArrayList<>();
            System.out.println("name:              " + card.name());
            System.out.println("version:           " + card.version());
            System.out.println("device UID:        " + card.deviceUid());
            System.out.println("intended use:      " + card.intendedUse());
            System.out.println("training data:     " + card.trainingData());
            if (card.trainingDataset().isPresent()) {
                ModelCard.TrainingDataset dataset = card.trainingDataset().get();
                System.out.println("datasheet sha256:  " + dataset.datasheetSha256());
                System.out.println("export filters:    " + new ObjectMapper().writeValueAsString(dataset.filters()));
            }
            ModelCard.Evaluation metrics = card.metrics();
            if (metrics.performance().isEmpty()) {
                System.out.println("metrics:           NOT EVALUATED (" + metrics.dataset() + ")");
                warnings.add("the model was not evaluated (model.json metrics.dataset: \"" + metrics.dataset()
                        + "\"): nothing is known of how well it finds osteoporosis");
            } else {
                ModelCard.Performance p = metrics.performance().get();
                System.out.println("metrics:           " + metrics.dataset() + ", " + metrics.patients()
                        + " patients, " + metrics.images() + " images");
                System.out.println(String.format(Locale.ROOT, "                   AUC %.3f (95%% CI %.3f to %.3f); "
                        + "sensitivity %.3f, specificity %.3f at %s; Brier %.3f, ECE %.3f", p.auc(), p.aucLow(),
                        p.aucHigh(), p.sensitivity(), p.specificity(), p.threshold(), p.brier(),
                        p.expectedCalibrationError()));
            }
            System.out.println("threshold:         " + card.threshold());
            if (model.referenceOutputs().isPresent()) {
                ReferenceOutputs.Comparison comparison = model.referenceOutputs().get();
                System.out.println("reference outputs: " + comparison.reproduced() + "/" + comparison.compared()
                        + " within " + ReferenceOutputs.TOLERANCE_TEXT);
            } else {
                System.out.println("reference outputs: none");
                warnings.add("no " + ReferenceOutputs.FILE_NAME + " in " + directory + ": nothing shows that this "
                        + "runtime computes what the training framework computed (model/README.md)");
            }
            System.out.println("provider:          " + model.provider().tag() + " (" + model.providerChoice().reason()
                    + ")");
            return warnings;
        }
    }
}
