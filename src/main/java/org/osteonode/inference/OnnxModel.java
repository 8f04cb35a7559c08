package org.osteonode.inference;

import org.osteonode.config.ProviderRequest;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model directory ({@code model.onnx} and its {@link ModelCard}) loaded into ONNX Runtime through DJL, on the
 * execution provider that {@code osteonode.inference.provider} and the host allow. Scores images in batches;
 * safe to call from several threads (ONNX Runtime sessions are).
 */
public final class OnnxModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnnxModel.class);
    public static final String FILE_NAME = "model.onnx";
    /** Written by model/make_demo_model.py; a model.onnx that carries it must agree with its card. */
    static final String DEVICE_UID_METADATA = "osteonode.device_uid";
    private static final String ENGINE = "OnnxRuntime";

    static {
        // Before any DJL class loads: offline, DJL reads EC2 metadata and sends telemetry when its Engine
        // class initialises, and its model zoos download. osteonode makes no network call at run time.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // Otherwise DJL would hand tensor work to any other engine on the class path (PyTorch downloads its
        // native library on first use).
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }

    private final Model model;
    private final ModelCard card;
    private final ProviderChoice choice;
    private final int maxBatch;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once while loading, before the model is handed out. */
    private Optional<ReferenceOutputs.Comparison> references = Optional.empty();
    /**
     * Direct buffers for input tensors, reused: ONNX Runtime reads a direct buffer in place, and allocating
     * megabytes of direct memory per call makes the JVM stall in System.gc() to reclaim the previous ones.
     */
    private final Queue<FloatBuffer> tensorBuffers = new ConcurrentLinkedQueue<>();

    private OnnxModel(Model model, ModelCard card, ProviderChoice choice, int maxBatch) {
        this.model = model;
        this.card = card;
        this.choice = choice;
        this.maxBatch = maxBatch;
    }

    /**
     * Reads the card, chooses the provider from the request and this host, opens the session and checks,
     * with one blank image, that the model takes the input and gives the output the card describes, and that it
     * reproduces its {@code reference-outputs.json} when the directory has one. Logs
     * {@code event=inference.provider} once.
     *
     * @param maxBatch images per ONNX Runtime call at most ({@code osteonode.inference.batch-size})
     * @throws InvalidModelException        when the directory, the card or the model is unusable
     * @throws ProviderUnavailableException when {@code cuda} was requested and cannot be had
     */
    public static OnnxModel load(Path directory, ProviderRequest request, int maxBatch) {
        return load(directory, request, RuntimeProbe.ofThisHost(), maxBatch);
    }

    static OnnxModel load(Path directory, ProviderRequest request, RuntimeProbe probe, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
        }
        ModelCard card = ModelCard.readFrom(directory);
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(file + " is missing: a model directory holds model.onnx and its card "
                    + "model.json (model/README.md); check osteonode.model.dir");
        }
        ProviderChoice choice = ProviderChoice.choose(request, probe);
        OnnxModel loaded;
        try {
            loaded = openAndCheck(directory, card, choice, maxBatch);
        } catch (InvalidModelException e) {
            // Only ONNX Runtime's own failures carry a cause; a card that does not fit the model fails the same
            // way on any provider and is reported as it is.
            if (choice.provider() != ExecutionProvider.CUDA || e.getCause() == null) {
                throw e;
            }
            choice = ProviderChoice.afterCudaFailure(request, rootMessage(e));
            log.warn("event=inference.cuda-failed fallback=cpu error=\"{}\"", rootMessage(e));
            loaded = openAndCheck(directory, card, choice, maxBatch);
        }
        log.info("event=inference.provider provider={} reason={} requested={} model=\"{}\" version={} max_batch={}",
                choice.provider().tag(), choice.reason(), request.configValue(), card.name(), card.version(), maxBatch);
        return loaded;
    }

    /** CUDA libraries (cuDNN's in particular) load when first used: the check's first run can fail too. */
    private static OnnxModel openAndCheck(Path directory, ModelCard card, ProviderChoice choice, int maxBatch) {
        OnnxModel loaded = new OnnxModel(open(directory, card, choice.provider()), card, choice, maxBatch);
        try {
            loaded.checkAgainstCard(directory.resolve(FILE_NAME));
            loaded.references = ReferenceOutputs.readFrom(directory).map(loaded::reproduce);
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private static Model open(Path directory, ModelCard card, ExecutionProvider provider) {
        Device device = provider == ExecutionProvider.CUDA ? Device.gpu() : Device.cpu();
        Model model = Model.newInstance(card.name(), device, ENGINE);
        try {
            // A non-null option map: with none, DJL skips its session options and never adds CUDA.
            model.load(directory, "model", Map.of());
            return model;
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new InvalidModelException("ONNX Runtime cannot load " + directory.resolve(FILE_NAME)
                    + " on " + provider.tag() + ": " + rootMessage(e), e);
        }
    }

    private void checkAgainstCard(Path file) {
        List<String> inputs = model.getBlock().describeInput().keys();
        if (!inputs.contains(card.input().name())) {
            throw new InvalidModelException(file + " has no input named '" + card.input().name() + "' (its inputs: "
                    + inputs + "); field 'input.name' of model.json must name it");
        }
        String uid = model.getBlock().getCustomMetadata().get(DEVICE_UID_METADATA);
        if (uid != null && !uid.equals(card.deviceUid())) {
            throw new InvalidModelException(file + " was made with Device UID " + uid + " but model.json says "
                    + card.deviceUid() + ": the card belongs to another model; remake or copy both files together");
        }
        try {
            score(List.of(new float[card.input().height() * card.input().width()]));
        } catch (EngineException e) {
            throw new InvalidModelException(file + " does not run on the input model.json describes (float32 "
                    + card.input().shape() + " named '" + card.input().name() + "'): " + rootMessage(e), e);
        }
    }

    private ReferenceOutputs.Comparison reproduce(ReferenceOutputs references) {
        ReferenceOutputs.Comparison comparison = references.compare(this);
        if (!comparison.mismatches().isEmpty()) {
            throw new InvalidModelException("the model in " + references.file().getParent() + " does not reproduce its "
                    + "reference outputs: " + comparison.mismatches().size() + " of " + comparison.compared()
                    + " differ by more than " + ReferenceOutputs.TOLERANCE_TEXT + " (a wrong export, input.normalization "
                    + "mean/std that are not the training's, or a runtime that computes otherwise):\n  "
                    + String.join("\n  ", comparison.problems()));
        }
        return comparison;
    }

    /**
     * @param images each the model's input, already pre-processed and normalised: height × width values,
     *               row by row
     * @return one score per image, in order: the model's output (for the demo model, a probability)
     */
    public float[] score(List<float[]> images) {
        if (closed.get()) {
            throw new IllegalStateException("the model is closed");
        }
        int pixels = card.input().height() * card.input().width();
        for (int i = 0; i < images.size(); i++) {
            if (images.get(i).length != pixels) {
                throw new IllegalArgumentException("image " + i + " has " + images.get(i).length + " values; the model "
                        + "takes " + card.input().height() + " x " + card.input().width() + " = " + pixels);
            }
        }
        float[] scores = new float[images.size()];
        int step = fixedBatch() > 0 ? fixedBatch() : maxBatch;
        for (int from = 0; from < images.size(); from += step) {
            List<float[]> batch = images.subList(from, Math.min(images.size(), from + step));
            System.arraycopy(run(batch, pixels), 0, scores, from, batch.size());
        }
        return scores;
    }

    /** A model whose card fixes the batch takes exactly that many images: short batches are padded. */
    private int fixedBatch() {
        return (int) Math.max(0, card.input().batch());
    }

    private float[] run(List<float[]> batch, int pixels) {
        int rows = fixedBatch() > 0 ? fixedBatch() : batch.size();
        FloatBuffer tensor = tensorBuffer(rows * pixels);
        batch.forEach(tensor::put);
        while (tensor.hasRemaining()) { // padding of a fixed-size batch
            tensor.put(0f);
        }
        tensor.rewind();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(tensor, new Shape(rows, 1, card.input().height(), card.input().width()));
            input.setName(card.input().name());
            NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
            NDArray output = outputs.get(card.output().name());
            if (output == null) {
                throw new InvalidModelException(model.getModelPath().resolve(FILE_NAME) + " has no output named '"
                        + card.output().name() + "' (its outputs: " + outputs.stream().map(NDArray::getName).toList()
                        + "); field 'output.name' of model.json must name it");
            }
            if (output.getDataType() != DataType.FLOAT32) {
                throw new InvalidModelException(model.getModelPath().resolve(FILE_NAME) + " gives "
                        + output.getDataType() + " output '" + card.output().name() + "'; osteonode reads float32");
            }
            float[] values = output.toFloatArray();
            if (values.length != rows) {
                throw new InvalidModelException(model.getModelPath().resolve(FILE_NAME) + " gave " + values.length
                        + " values for " + rows + " images; model.json says one per image (output shape [batch, 1])");
            }
            return values;
        } finally {
            // The tensor that wrapped the buffer closed with the manager: the buffer is free again.
            tensorBuffers.offer(tensor);
        }
    }

    private FloatBuffer tensorBuffer(int floats) {
        FloatBuffer buffer = tensorBuffers.poll();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(Math.max(floats, maxBatch * card.input().height() * card.input().width())
                    * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear().limit(floats);
        return buffer;
    }

    public ModelCard card() {
        return card;
    }

    /** The provider in use: tag {@code osteonode_inference_seconds} with {@code provider().tag()}. */
    public ExecutionProvider provider() {
        return choice.provider();
    }

    public ProviderChoice providerChoice() {
        return choice;
    }

    /** How the model reproduced its {@code reference-outputs.json}; empty when the directory has none. */
    public Optional<ReferenceOutputs.Comparison> referenceOutputs() {
        return references;
    }

    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
