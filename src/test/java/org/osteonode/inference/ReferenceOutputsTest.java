package org.osteonode.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading {@code reference-outputs.json}; running it against a model is OnnxModelIT's and ModelCommandIT's. */
class ReferenceOutputsTest {
    @TempDir
    Path temp;

    @Test
    void theDemosFiveReferenceOutputsAreRead() {
        ReferenceOutputs references = ReferenceOutputs.readFrom(Path.of("model/demo")).orElseThrow();

        assertThat(references.outputs()).hasSize(5);
        assertThat(references.outputs().get(2)).isEqualTo(new ReferenceOutputs.Expected(0.5, 0.521938));
    }

    @Test
    void aDirectoryWithoutTheFileHasNoneAndTheToleranceReadsAsPeopleWriteIt() {
        assertThat(ReferenceOutputs.readFrom(temp)).isEmpty();
        assertThat(ReferenceOutputs.TOLERANCE_TEXT).isEqualTo("0.0001");
    }

    @Test
    void aFileThatIsNotAListOfPixelsAndProbabilitiesIsRefusedNamingItAndTheOutput() throws IOException {
        assertRefused("{\"outputs\": []}", "field 'outputs' must be an array of 1 to 100");
        assertRefused("{\"outputs\": [{\"pixel\": 0.5}]}", "field 'outputs[0]' must be {\"pixel\": p");
        assertRefused("{\"outputs\": [{\"pixel\": 0.5, \"probability\": 0.4}, {\"pixel\": 1.5, \"probability\": 0.4}]}",
                "field 'outputs[1]'");
        assertRefused("{\"outputs\": [{\"pixel\": 0.5, \"probability\": 0.4, \"logit\": 1}]}", "field 'outputs[0]'");
        assertRefused("{\"references\": []}", "must hold an object with the fields 'outputs'");
        assertRefused("{\"outputs\": [", "is not valid JSON");
    }

    private void assertRefused(String json, String message) throws IOException {
        Path file = Files.writeString(temp.resolve(ReferenceOutputs.FILE_NAME), json);
        assertThatThrownBy(() -> ReferenceOutputs.readFrom(temp))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }
}
