#!/usr/bin/python3
"""Turns a fine-tuned checkpoint into a model directory osteonode loads: model.onnx, model.json (the model card,
model/README.md) and reference-outputs.json (what PyTorch computes for five constant images).

    /usr/bin/python3 training/to_onnx.py --export DIR --checkpoint FT_DIR/model.pt --config tiny \
        --name NAME --version V --out MODEL_DIR

The card's `metrics` are measured here on the export's `test` split (images with a who_label): AUC with a 95%
bootstrap interval over patients (1000 resamples, fixed seed), sensitivity and specificity at the threshold
chosen on val, Brier score and expected calibration error. `trainingDataset` names the export by the SHA-256 of
its dataset.json and copies its filters. Every run gets a new Device UID, written into model.json and into
model.onnx's metadata (`osteonode.device_uid`), so the two files belong together. Check the result with
`bin/osteonode model check MODEL_DIR`.
"""
import argparse
import json
import pathlib
import sys
import time
import uuid

import numpy as np
import torch
from torch.utils.data import DataLoader

sys.dont_write_bytecode = True  # write nothing outside --out, not even training/__pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dataset  # noqa: E402
import metrics  # noqa: E402
import nets  # noqa: E402

OPSET = 13
REFERENCE_LEVELS = [0.1, 0.3, 0.5, 0.7, 0.9]


def measure(model, export, rows, config, threshold, device):
    p = nets.predict(model, DataLoader(dataset.ExportImages(export, rows, config, dataset.who_target),
                                       batch_size=config["batch_size"]), device)
    y = np.array([dataset.who_target(r) for r in rows])
    patients = [r["patient_key"] for r in rows]
    auc = metrics.auc(y, p)
    if auc is None:
        raise dataset.ExportError(f"the test split of {export.root} has images of one class only "
                                  f"({dataset.describe(rows)}): no AUC can be measured; export more patients")
    lo, hi, used = metrics.bootstrap_auc_ci(y, p, patients)
    sens, spec = metrics.sensitivity_specificity(y, p, threshold)
    r = lambda v: round(float(v), 4)  # noqa: E731
    return {
        "dataset": f"test split of the osteonode export '{export.root.name}' (dataset.json SHA-256 "
                   f"{export.datasheet_sha256}): the images with a WHO label from a DXA within the export's window",
        "patients": len(set(patients)),
        "images": len(rows),
        "auc": r(auc),
        "aucCi95": [r(lo), r(hi)],
        "threshold": threshold,
        "sensitivity": r(sens),
        "specificity": r(spec),
        "calibration": {"brier": r(metrics.brier(y, p)), "expectedCalibrationError": r(metrics.expected_calibration_error(y, p))},
    }, used


def card(args, config, device_uid, threshold, measured, export, checkpoint, train_rows):
    pretrained = checkpoint.get("pretrained")
    start = ("a backbone pretrained on the proxy labels (body part, view, sex, age) of the same export's train split"
             if pretrained else "random weights")
    return {
        "name": args.name,
        "version": args.version,
        "deviceUid": device_uid,
        "manufacturer": args.manufacturer,
        "softwareVersion": f"osteonode training kit, config {config['name']} ({config['architecture']}); "
                           f"PyTorch {torch.__version__.split('+')[0]}, ONNX opset {OPSET}",
        "input": {
            "name": "image",
            "shape": [-1, 1, config["size"], config["size"]],
            "dataType": "float32",
            "normalization": {
                "windowPercentiles": [0.5, 99.5],
                "resize": "keep-aspect-pad",
                "padValue": 0.0,
                "mean": config["mean"],
                "std": config["std"],
            },
        },
        "output": {"name": "probability", "shape": [-1, 1],
                   "meaning": "probability of osteoporosis (DXA T-score <= -2.5) in the image, 0 to 1"},
        "threshold": threshold,
        "intendedUse": args.intended_use,
        "trainingData": f"{dataset.describe(train_rows)} of the train split of the osteonode export "
                        f"'{export.root.name}' (dataset.json SHA-256 {export.datasheet_sha256}), 16-bit PNG at "
                        f"{config['size']} px as the node pre-processes; target: who_label osteoporosis against "
                        f"osteopenia and normal; fine-tuned from {start}; threshold "
                        f"{checkpoint.get('threshold_rule', 'chosen on val')}.",
        "trainingDataset": {"datasheetSha256": export.datasheet_sha256, "filters": export.filters},
        "metrics": measured,
        "disclaimer": args.disclaimer,
    }


@torch.no_grad()
def reference_outputs(deployed, config):
    images = torch.stack([torch.from_numpy(dataset.standardise(np.full((1, config["size"], config["size"]), v,
                                                                      dtype=np.float32), config))
                          for v in REFERENCE_LEVELS])
    probabilities = deployed(images).view(-1).tolist()
    return {
        "note": "probability PyTorch computed for a constant image whose windowed pixel value (0..1, "
                "before standardisation) is 'pixel'; osteonode's tests check its runtime agrees",
        "outputs": [{"pixel": v, "probability": round(p, 6)} for v, p in zip(REFERENCE_LEVELS, probabilities)],
    }


def write_onnx(deployed, config, path, device_uid, version):
    import onnx
    size = config["size"]
    torch.onnx.export(deployed, torch.zeros(1, 1, size, size), str(path), input_names=["image"],
                      output_names=["probability"], dynamic_axes={"image": {0: "batch"}, "probability": {0: "batch"}},
                      opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(str(path))
    model.doc_string = "osteonode training kit model: research use only"
    # osteonode refuses a model.onnx whose UID differs from its card's: they must come from the same run.
    onnx.helper.set_model_props(model, {"osteonode.device_uid": device_uid, "osteonode.model_version": version})
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", required=True, type=pathlib.Path)
    parser.add_argument("--checkpoint", required=True, type=pathlib.Path, help="model.pt written by finetune.py")
    parser.add_argument("--config", default="tiny")
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--manufacturer", default="osteonode training kit")
    parser.add_argument("--intended-use", default="Research: flags spine and hip radiographs (CR, DX) whose "
                        "patient may have osteoporosis, for evaluation against DXA. Not for diagnosis.")
    parser.add_argument("--disclaimer", default="Research use only. Not a medical device; its output is not a "
                        "diagnosis and must not replace DXA. Validated only as its metrics say.")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    started = time.monotonic()
    config = dataset.load_config(args.config)
    device = dataset.setup_torch(config)
    export = dataset.Export(args.export, config)
    checkpoint = torch.load(args.checkpoint, map_location="cpu")
    if checkpoint.get("architecture") != config["architecture"] or checkpoint.get("size") != config["size"]:
        raise dataset.ExportError(f"{args.checkpoint} is {checkpoint.get('architecture')} at {checkpoint.get('size')} px, "
                                  f"config '{config['name']}' {config['architecture']} at {config['size']} px")
    if checkpoint.get("datasheet_sha256") != export.datasheet_sha256:
        print(f"  note: {args.checkpoint} was fine-tuned on another export (dataset.json SHA-256 "
              f"{checkpoint.get('datasheet_sha256')}); the card names the one given with --export")
    model = nets.Classifier(nets.backbone(config))
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    threshold = float(checkpoint["threshold"])
    test = export.split("test", need_outcome=True)
    print(f"to_onnx: test {dataset.describe(test)}")
    measured, used = measure(model, export, test, config, threshold, device)
    print(f"  test AUC {measured['auc']} (95% CI {measured['aucCi95'][0]}-{measured['aucCi95'][1]}, "
          f"{used} resamples with both classes), sensitivity {measured['sensitivity']}, specificity "
          f"{measured['specificity']} at {threshold:.4f}, Brier {measured['calibration']['brier']}, "
          f"ECE {measured['calibration']['expectedCalibrationError']}")

    args.out.mkdir(parents=True, exist_ok=True)
    device_uid = "2.25." + str(uuid.uuid4().int)
    deployed = nets.Deployed(model.cpu()).eval()
    write_onnx(deployed, config, args.out / "model.onnx", device_uid, args.version)
    model_card = card(args, config, device_uid, threshold, measured, export, checkpoint, export.split("train", True))
    (args.out / "model.json").write_text(json.dumps(model_card, indent=2) + "\n")
    (args.out / "reference-outputs.json").write_text(json.dumps(reference_outputs(deployed, config), indent=2) + "\n")
    print(f"wrote {args.out}/model.onnx ({(args.out / 'model.onnx').stat().st_size} bytes), model.json, "
          f"reference-outputs.json; deviceUid {device_uid}; {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
