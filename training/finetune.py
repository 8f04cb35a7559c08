#!/usr/bin/python3
"""Fine-tunes an osteoporosis classifier on an osteonode export with outcomes: who_label == osteoporosis
(T-score <= -2.5) against osteopenia and normal; rows without a who_label (no DXA in the window) are left out.

    /usr/bin/python3 training/finetune.py --export DIR --config tiny --pretrained CKPT_DIR/backbone.pt --out FT_DIR
    /usr/bin/python3 training/finetune.py --export DIR --config tiny --from-scratch --out FT_DIR

Trains on the export's `train` split, chooses the threshold on `val` (Youden's J; 0.5 when val has only one
class, said so), never looks at `test` (to_onnx.py measures it). Writes FT_DIR/model.pt and FT_DIR/finetune.json.
"""
import argparse
import json
import pathlib
import sys
import time

import torch
from torch.utils.data import DataLoader

sys.dont_write_bytecode = True  # write nothing outside --out, not even training/__pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dataset  # noqa: E402
import metrics  # noqa: E402
import nets  # noqa: E402


def load_pretrained(model, path, config):
    checkpoint = torch.load(path, map_location="cpu")
    if checkpoint.get("architecture") != config["architecture"] or checkpoint.get("size") != config["size"]:
        raise dataset.ExportError(f"{path} is a {checkpoint.get('architecture')} backbone at {checkpoint.get('size')} "
                                  f"px; config '{config['name']}' is {config['architecture']} at {config['size']} px")
    model.backbone.load_state_dict(checkpoint["backbone"])
    return checkpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", required=True, type=pathlib.Path)
    parser.add_argument("--config", default="tiny")
    start = parser.add_mutually_exclusive_group(required=True)
    start.add_argument("--pretrained", type=pathlib.Path, help="backbone.pt written by pretrain.py")
    start.add_argument("--from-scratch", action="store_true", help="start from random weights")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    started = time.monotonic()
    config = dataset.load_config(args.config)
    device = dataset.setup_torch(config)
    export = dataset.Export(args.export, config)
    if not export.has_outcomes():
        raise dataset.ExportError(f"{args.export}/labels.csv has no who_label values: export from a node that "
                                  "has DXA outcomes (docs/training.md)")
    train, val = export.split("train", need_outcome=True), export.split("val", need_outcome=True)
    if not train or not any(r["who_label"] == dataset.POSITIVE for r in train):
        raise dataset.ExportError(f"the train split of {args.export} has no osteoporosis row: {dataset.describe(train)}")
    print(f"finetune: config {config['name']}, {'from scratch' if args.from_scratch else f'from {args.pretrained}'}; "
          f"train {dataset.describe(train)}; val {dataset.describe(val)}")

    model = nets.Classifier(nets.backbone(config))
    pretrained_from = None
    if args.pretrained:
        checkpoint = load_pretrained(model, args.pretrained, config)
        pretrained_from = {"path": str(args.pretrained.resolve()), "datasheet_sha256": checkpoint["datasheet_sha256"]}
    generator = torch.Generator().manual_seed(config["seed"])
    batch = config["batch_size"]
    target = dataset.who_target
    loader = DataLoader(dataset.ExportImages(export, train, config, target), batch_size=batch, shuffle=True,
                        drop_last=len(train) > batch, generator=generator, num_workers=config["loader_workers"])
    nets.fit_binary(model, loader, config, device, print, generator, pretrained=args.pretrained is not None)

    threshold, val_auc, how = 0.5, None, "0.5: val has no rows with both classes"
    if val:
        p = nets.predict(model, DataLoader(dataset.ExportImages(export, val, config, target), batch_size=batch), device)
        y = [target(r) for r in val]
        val_auc = metrics.auc(y, p)
        if val_auc is not None:
            threshold, how = metrics.youden_threshold(y, p), "Youden's J on val"
    print(f"  val AUC {val_auc if val_auc is None else round(val_auc, 4)}; threshold {threshold:.4f} ({how})")

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save({"config": config["name"], "architecture": config["architecture"], "size": config["size"],
                "state_dict": model.state_dict(), "threshold": threshold, "threshold_rule": how,
                "pretrained": pretrained_from, "datasheet_sha256": export.datasheet_sha256}, args.out / "model.pt")
    summary = {"export": str(args.export.resolve()), "datasheet_sha256": export.datasheet_sha256,
               "config": config["name"], "pretrained": pretrained_from, "train": dataset.describe(train),
               "val": dataset.describe(val), "val_auc": val_auc, "threshold": threshold, "threshold_rule": how,
               "seconds": round(time.monotonic() - started, 1)}
    (args.out / "finetune.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.out / 'model.pt'} and finetune.json in {summary['seconds']} s")


if __name__ == "__main__":
    main()
