package org.osteonode.clinical;

import io.micrometer.core.instrument.Timer;
import org.osteonode.inference.ModelCard;
import org.osteonode.inference.OnnxModel;
import org.osteonode.observe.Metrics;
import org.osteonode.pixels.InputSpec;
import org.osteonode.pixels.Preprocessor;

import java.nio.file.Path;
import java.util.List;

/** The demo (or any carded) ONNX model as an {@link ImageScorer}: the card's pre-processing, then the model. */
public final class ModelScorer implements ImageScorer {
    private final OnnxModel model;
    private final Preprocessor preprocessor;
    private final Timer inference;

    public ModelScorer(OnnxModel model, Metrics metrics) {
        this.model = model;
        ModelCard.Input input = model.card().input();
        ModelCard.Normalization normalization = input.normalization();
        this.preprocessor = new Preprocessor(new InputSpec(input.height(), input.width(), input.channels(),
                normalization.mean(), normalization.std(), normalization.windowLowPercentile(),
                normalization.windowHighPercentile()));
        this.inference = metrics.inference(model.provider().tag());
    }

    @Override
    public double score(Path dicomFile) throws Exception {
        float[] tensor = preprocessor.tensor(dicomFile);
        return inference.recordCallable(() -> model.score(List.of(tensor)))[0];
    }
}
