package org.osteonode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.inference.ModelCard;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.DemoModel;
import org.osteonode.testing.NodeProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/osteonode model check DIR}, as whoever installs a model runs it first. */
class ModelCommandIT {
    @TempDir
    Path temp;

    @Test
    void theDemoModelIsValidReproducesItsReferenceOutputsAndIsReportedAsNotEvaluated() throws Exception {
        ModelCard card = ModelCard.readFrom(DemoModel.DIRECTORY);

        Dcmtk.Result result = check(DemoModel.DIRECTORY);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("name:              osteonode demo osteoporosis model")
                .contains("version:           " + card.version())
                .contains("device UID:        " + card.deviceUid())
                .contains("intended use:      " + card.intendedUse())
                .contains("training data:     " + card.trainingData())
                .contains("metrics:           NOT EVALUATED (not evaluated: the demo model was fitted to synthetic")
                .contains("threshold:         0.5")
                .contains("reference outputs: 5/5 within 0.0001\n")
                .contains("provider:          cpu")
                .contains("WARNING: the model was not evaluated")
                .contains("model/demo: valid, with 1 warning")
                .doesNotContain("PROBLEM");
    }

    @Test
    void aTamperedReferenceOutputFailsTheCheckNamingTheOutput() throws Exception {
        Path model = DemoModel.copyTo(temp.resolve("model"));
        DemoModel.editReferenceOutputs(model, outputs -> ((ObjectNode) outputs.get("outputs").get(2))
                .put("probability", 0.9));

        Dcmtk.Result result = check(model);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output())
                .contains(model + " is not a usable model")
                .contains("PROBLEM: the model in " + model + " does not reproduce its reference outputs: 1 of 5 "
                        + "differ by more than 0.0001 (")
                .contains("PROBLEM: pixel 0.5: the model gives 0.5219")
                .contains("reference-outputs.json says 0.9")
                .doesNotContain("valid");
    }

    @Test
    void aCardWithWrongMetricsFailsTheCheckNamingTheFileAndTheField() throws Exception {
        Path model = DemoModel.copyTo(temp.resolve("model"));
        DemoModel.editCard(model, card -> ((ObjectNode) card.get("metrics")).put("auc", 0.93));

        Dcmtk.Result result = check(model);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("PROBLEM: " + model.resolve("model.json")
                + ": field 'metrics.auc' must be absent");
    }

    @Test
    void aModelWithoutReferenceOutputsIsValidWithAWarning() throws Exception {
        Path model = DemoModel.copyTo(temp.resolve("model"));
        Files.delete(model.resolve("reference-outputs.json"));

        Dcmtk.Result result = check(model);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("reference outputs: none")
                .contains("WARNING: no reference-outputs.json in " + model)
                .contains(model + ": valid, with 2 warnings");
    }

    private Dcmtk.Result check(Path model) throws Exception {
        // The CPU on any host, so that the report's provider line is known.
        return NodeProcess.run(temp.resolve("var"), Map.of("osteonode.inference.provider", "cpu"),
                "model", "check", model.toString());
    }
}
