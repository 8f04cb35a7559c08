package org.osteonode.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Copies of the bundled demo model (model/demo) that a test may change: its card, its reference outputs. */
public final class DemoModel {
    public static final Path DIRECTORY = Path.of("model/demo");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoModel() {
    }

    /** model.onnx, model.json and reference-outputs.json, unchanged, into {@code directory}. */
    public static Path copyTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (String file : new String[] {"model.onnx", "model.json", "reference-outputs.json"}) {
            Files.copy(DIRECTORY.resolve(file), directory.resolve(file));
        }
        return directory;
    }

    public static void editCard(Path directory, Consumer<ObjectNode> change) throws IOException {
        edit(directory.resolve("model.json"), change);
    }

    public static void editReferenceOutputs(Path directory, Consumer<ObjectNode> change) throws IOException {
        edit(directory.resolve("reference-outputs.json"), change);
    }

    private static void edit(Path file, Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(root);
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
