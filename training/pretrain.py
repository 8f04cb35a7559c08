#!/usr/bin/python3
"""Pretrains a backbone on the proxy labels of an osteonode export: body part, view position and sex
(classification) and age (regression), all from the headers, none needing an outcome.

    /usr/bin/python3 training/pretrain.py --export DIR --config tiny --out CKPT_DIR

Trains on the export's `train` split only (so that no val or test image is seen by any stage), reports
accuracy on `val`, and writes CKPT_DIR/backbone.pt (the backbone's weights, the config, the label
vocabulary, the datasheet's SHA-256) and CKPT_DIR/pretrain.json (what was done). Writes nothing else.
"""
import argparse
import json
import math
import pathlib
import sys
import time

import torch
from torch.utils.data import DataLoader

sys.dont_write_bytecode = True  # write nothing outside --out, not even training/__pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dataset  # noqa: E402
import nets  # noqa: E402

AGE_CENTRE, AGE_SCALE = 70.0, 10.0


def vocabulary(rows):
    """Classes of each proxy label, from the training rows (empty and unknown values are no class)."""
    def values(column, leave_out=("", "UNKNOWN", "O")):
        return sorted({r.get(column, "") for r in rows} - set(leave_out))
    return {"body_part": values("body_part"), "view_position": values("view_position"), "sex": values("sex")}


def proxy_target(vocab):
    def target(row):
        out = {task: torch.tensor(vocab[task].index(row[task]) if row.get(task) in vocab[task] else -1)
               for task in vocab}
        age = row.get("age_years", "")
        out["age"] = torch.tensor((float(age) - AGE_CENTRE) / AGE_SCALE if age else math.nan)
        return out
    return target


def usable_heads(vocab):
    return {task: len(classes) for task, classes in vocab.items() if len(classes) >= 2}


@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    right = {task: [0, 0] for task in model.heads}
    age_error = []
    for images, targets in loader:
        out = model(images.to(device))
        for task in model.heads:
            known = targets[task] >= 0
            right[task][0] += int((out[task].argmax(1).cpu()[known] == targets[task][known]).sum())
            right[task][1] += int(known.sum())
        known = ~torch.isnan(targets["age"])
        age_error += ((out["age"].cpu()[known] - targets["age"][known]).abs() * AGE_SCALE).tolist()
    result = {f"{task}_accuracy": round(r / n, 4) for task, (r, n) in right.items() if n}
    if age_error:
        result["age_mae_years"] = round(sum(age_error) / len(age_error), 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", required=True, type=pathlib.Path, help="folder written by bin/osteonode export --format png")
    parser.add_argument("--config", default="tiny", help="tiny or full (training/configs/), or a .json path")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    started = time.monotonic()
    config = dataset.load_config(args.config)
    device = dataset.setup_torch(config)
    export = dataset.Export(args.export, config)
    train, val = export.split("train"), export.split("val")
    if not train:
        raise dataset.ExportError(f"{args.export} has no rows in the train split")
    vocab = vocabulary(train)
    heads = usable_heads(vocab)
    vocab = {task: vocab[task] for task in heads}
    print(f"pretrain: config {config['name']} ({config['architecture']}, {config['size']} px) on {args.export}: "
          f"train {len(train)} images, val {len(val)}; heads {heads} + age")
    target = proxy_target(vocab)
    generator = torch.Generator().manual_seed(config["seed"])
    batch = config["batch_size"]
    loader = DataLoader(dataset.ExportImages(export, train, config, target), batch_size=batch, shuffle=True,
                        drop_last=len(train) > batch, generator=generator, num_workers=config["loader_workers"])
    model = nets.MultiTask(nets.backbone(config), heads)
    nets.fit_multitask(model, loader, config, device, config["pretrain"]["epochs"], print, generator)
    scores = {}
    if val:
        scores = evaluate(model, DataLoader(dataset.ExportImages(export, val, config, target), batch_size=batch),
                          device)
        print(f"  val: {scores}")

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save({"config": config["name"], "architecture": config["architecture"], "size": config["size"],
                "backbone": model.backbone.state_dict(), "vocabulary": vocab,
                "datasheet_sha256": export.datasheet_sha256}, args.out / "backbone.pt")
    summary = {"export": str(args.export.resolve()), "datasheet_sha256": export.datasheet_sha256,
               "config": config["name"], "train_images": len(train), "val_images": len(val),
               "vocabulary": vocab, "epochs": config["pretrain"]["epochs"], "val": scores,
               "seconds": round(time.monotonic() - started, 1)}
    (args.out / "pretrain.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.out / 'backbone.pt'} and pretrain.json in {summary['seconds']} s")


if __name__ == "__main__":
    main()
