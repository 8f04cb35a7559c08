#!/usr/bin/python3
"""Makes model/demo/: a tiny CNN in ONNX (model.onnx), its model card (model.json) and the outputs
PyTorch computes for a few constant images (reference-outputs.json), which the tests compare with what
osteonode's runtime computes.

NOT A CLINICAL MODEL. The weights are fitted for a few steps to synthetic noise images whose target is
their mean intensity, so that different inputs give different scores; no patient data is involved.

Needs Debian's python3-torch and python3-onnx (only to remake the model; osteonode does not need them):
    apt-get install -y python3-torch python3-onnx
    model/make_demo_model.py [--out model/demo]

Every run writes a new Device UID into the card: a new model is a new device (DICOM PS3.3 C.7.5.1,
Contributing Equipment), even when its weights happen to be the same.
"""
import argparse
import json
import pathlib
import uuid

import onnx
import torch
from torch import nn

# Bump when the architecture, the training recipe or the card's meaning changes.
MODEL_VERSION = "1.0.0"
SEED = 20240611
HEIGHT = WIDTH = 256
OPSET = 13
# Pixels are windowed to 0..1 (bright = dense), then standardised with these; the card says the same.
MEAN, STD = 0.5, 0.25
STEPS, BATCH = 150, 16


class DemoNet(nn.Module):
    """Three strided convolutions, global average pooling, one linear unit, a sigmoid: about 3,800 weights."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=5, stride=4, padding=2), nn.ReLU(),    # 256 -> 64
            nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),   # 64 -> 32
            nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),  # 32 -> 16
            nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(16, 1)

    def forward(self, image):
        return torch.sigmoid(self.head(torch.flatten(self.features(image), 1)))


def standardise(pixels):
    return (pixels - MEAN) / STD


def synthetic_batch(generator):
    """Noise images of random brightness; the darker the image, the higher its target (a toy rule)."""
    brightness = torch.rand(BATCH, 1, 1, 1, generator=generator) * 0.8 + 0.1
    noise = torch.randn(BATCH, 1, HEIGHT, WIDTH, generator=generator) * 0.15
    pixels = (brightness + noise).clamp(0.0, 1.0)
    target = torch.sigmoid((0.5 - brightness.view(BATCH, 1)) * 10.0)
    return standardise(pixels), target


def fit(model):
    generator = torch.Generator().manual_seed(SEED)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_function = nn.BCELoss()
    for step in range(STEPS):
        images, target = synthetic_batch(generator)
        optimiser.zero_grad()
        loss = loss_function(model(images), target)
        loss.backward()
        optimiser.step()
    return float(loss)


def reference_outputs(model):
    levels = [0.1, 0.3, 0.5, 0.7, 0.9]
    with torch.no_grad():
        images = torch.stack([standardise(torch.full((1, HEIGHT, WIDTH), v)) for v in levels])
        probabilities = model(images).view(-1).tolist()
    return {
        "note": "probability PyTorch computed for a constant image whose windowed pixel value (0..1, "
                "before standardisation) is 'pixel'; osteonode's tests check its runtime agrees",
        "outputs": [{"pixel": v, "probability": round(p, 6)} for v, p in zip(levels, probabilities)],
    }


def card(device_uid):
    return {
        "name": "osteonode demo osteoporosis model",
        "version": MODEL_VERSION,
        "deviceUid": device_uid,
        "manufacturer": "osteonode project",
        "softwareVersion": f"make_demo_model.py {MODEL_VERSION} (PyTorch {torch.__version__.split('+')[0]}, "
                           f"ONNX opset {OPSET})",
        "input": {
            "name": "image",
            "shape": [-1, 1, HEIGHT, WIDTH],
            "dataType": "float32",
            "normalization": {
                "windowPercentiles": [1.0, 99.0],
                "resize": "keep-aspect-pad",
                "padValue": 0.0,
                "mean": MEAN,
                "std": STD,
            },
        },
        "output": {
            "name": "probability",
            "shape": [-1, 1],
            "meaning": "probability of osteoporosis in the image, 0 to 1",
        },
        "threshold": 0.5,
        "intendedUse": "Demonstrates and tests osteonode's clinical path (pre-processing, inference, "
                       "Structured Report) end to end on spine and hip radiographs (CR, DX).",
        "trainingData": f"None clinical: weights fitted for {STEPS} steps (seed {SEED}) to synthetic noise "
                        "images whose target is their mean intensity.",
        # Not evaluated, and the card says so: osteonode warns at start and in bin/osteonode model check.
        "metrics": {
            "dataset": "not evaluated: the demo model was fitted to synthetic noise; it has no clinical "
                       "performance",
            "patients": 0,
            "images": 0,
        },
        "disclaimer": "Research use only. This is not a clinical model: it was not trained on clinical data "
                      "and its scores say nothing about osteoporosis. Do not use it for diagnosis.",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent / "demo")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    model = DemoNet()
    loss = fit(model)
    model.eval()

    device_uid = "2.25." + str(uuid.uuid4().int)
    onnx_path = out / "model.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, HEIGHT, WIDTH), str(onnx_path),
                      input_names=["image"], output_names=["probability"],
                      dynamic_axes={"image": {0: "batch"}, "probability": {0: "batch"}},
                      opset_version=OPSET, do_constant_folding=True)
    exported = onnx.load(str(onnx_path))
    exported.doc_string = "osteonode demo model: research use only, not a clinical model"
    exported.model_version = int(MODEL_VERSION.split(".")[0])
    # osteonode refuses a model.onnx whose UID differs from its card's: they must come from the same run.
    onnx.helper.set_model_props(exported, {"osteonode.device_uid": device_uid,
                                           "osteonode.model_version": MODEL_VERSION})
    onnx.checker.check_model(exported)
    onnx.save(exported, str(onnx_path))

    (out / "model.json").write_text(json.dumps(card(device_uid), indent=2) + "\n")
    (out / "reference-outputs.json").write_text(json.dumps(reference_outputs(model), indent=2) + "\n")
    print(f"wrote {out}: final loss {loss:.4f}, model.onnx {onnx_path.stat().st_size} bytes, "
          f"deviceUid {device_uid}")


if __name__ == "__main__":
    main()
