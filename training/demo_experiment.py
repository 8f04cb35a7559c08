#!/usr/bin/python3
"""The synthetic demonstration: does pretraining on proxy labels help when few patients have a DXA outcome?

On phantoms in memory (training/phantoms.py; no node, no export, no patient data):
  1. pretrain the tiny backbone on the proxy labels (body part, view, sex, age) of a large set of phantom
     radiographs of all body parts that have no outcome;
  2. fine-tune it on the spine and hip radiographs of 50, 200 and 1,000 patients with a DXA outcome
     (osteoporosis: T <= -2.5), against the same network from random weights, 3 seeds each;
  3. measure the AUC (per image) on one fixed held-out test set of other patients.

    /usr/bin/python3 training/demo_experiment.py --out /tmp/demo-experiment

Writes OUT/results.md (the table) and OUT/results.json. A demonstration of the pipeline on synthetic
phantoms, not a clinical claim.
"""
import argparse
import copy
import json
import pathlib
import sys
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

sys.dont_write_bytecode = True  # write nothing outside --out, not even training/__pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dataset  # noqa: E402
import metrics  # noqa: E402
import nets  # noqa: E402
import phantoms  # noqa: E402

SIZE = 64
PRETRAIN_IMAGES = 4000
LABELLED_POOL = 1000
TEST_PATIENTS = 400
SIZES = (50, 200, 1000)
SEEDS = (1, 2, 3)
DATA_SEED = 20261201


class Tensors(Dataset):
    def __init__(self, images, targets):
        self.images, self.targets = images, targets

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        target = {k: v[i] for k, v in self.targets.items()} if isinstance(self.targets, dict) else self.targets[i]
        return self.images[i], target


def standardised(presented, config):
    return torch.from_numpy(dataset.standardise(np.stack(presented), config)).unsqueeze(1)


def unlabelled_set(rng, config):
    """Radiographs of every body part and view, with their proxy labels only (the phantoms' outcome unused)."""
    people = phantoms.sample_patients(PRETRAIN_IMAGES // 2, rng)
    images, parts, views, sexes, ages = [], [], [], [], []
    for i in range(PRETRAIN_IMAGES):
        person = people[i // 2]
        part, view = phantoms.BODY_PARTS[rng.integers(len(phantoms.BODY_PARTS))], phantoms.VIEWS[rng.integers(2)]
        images.append(phantoms.render_presented(part, view, phantoms.image_density(person["t_score"], rng),
                                                person["age"], person["sex"], rng, SIZE))
        parts.append(phantoms.BODY_PARTS.index(part))
        views.append(phantoms.VIEWS.index(view))
        sexes.append(0 if person["sex"] == "F" else 1)
        ages.append((person["age"] - 70) / 10)
    targets = {"body_part": torch.tensor(parts), "view_position": torch.tensor(views), "sex": torch.tensor(sexes),
               "age": torch.tensor(ages, dtype=torch.float32)}
    return standardised(images, config), targets


def labelled_patients(n, rng, config):
    """Patients with a DXA outcome and one to four spine/hip radiographs each: (images, targets, patient index)."""
    people = phantoms.sample_patients(n, rng)
    images, targets, owner, density = [], [], [], []
    for index, person in enumerate(people):
        which = rng.random()
        parts = ["LSPINE", "HIP"] if which < 0.5 else (["LSPINE"] if which < 0.75 else ["HIP"])
        for part in parts:
            for view in ["AP"] + (["LL"] if rng.random() < 0.5 else []):
                density.append(phantoms.image_density(person["t_score"], rng))
                images.append(phantoms.render_presented(part, view, density[-1], person["age"], person["sex"], rng, SIZE))
                targets.append(1.0 if person["t_score"] <= -2.5 else 0.0)
                owner.append(index)
    return standardised(images, config), torch.tensor(targets), np.array(owner), np.array(density)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    started = time.monotonic()
    config = dataset.load_config("tiny")
    # sized for 2 shared CPU cores (see docs/training.md): fewer fine-tuning epochs than the tiny config
    config["finetune"] = dict(config["finetune"], epochs=12, min_steps=60, max_steps=300)
    config["pretrain"] = dict(config["pretrain"], epochs=8)
    device = dataset.setup_torch(config, DATA_SEED)
    rng = np.random.default_rng(DATA_SEED)

    pre_images, pre_targets = unlabelled_set(rng, config)
    pool_images, pool_targets, pool_owner, _ = labelled_patients(LABELLED_POOL, rng, config)
    test_images, test_targets, test_owner, test_density = labelled_patients(TEST_PATIENTS, rng, config)
    # a reference: the AUC of the very density each test image was drawn with, about what a perfect reader of
    # the texture reaches (age and sex, faintly visible, could add a little)
    ceiling = metrics.auc(test_targets.numpy(), -test_density)
    print(f"phantoms: {len(pre_images)} unlabelled images for pretraining; labelled pool {LABELLED_POOL} patients "
          f"({len(pool_images)} images, {pool_targets.mean():.0%} osteoporosis); test {TEST_PATIENTS} patients "
          f"({len(test_images)} images, {test_targets.mean():.0%} osteoporosis); {time.monotonic() - started:.0f} s")

    heads = {"body_part": len(phantoms.BODY_PARTS), "view_position": 2, "sex": 2}
    torch.manual_seed(DATA_SEED)
    multitask = nets.MultiTask(nets.backbone(config), heads)
    generator = torch.Generator().manual_seed(DATA_SEED)
    loader = DataLoader(Tensors(pre_images, pre_targets), batch_size=config["batch_size"], shuffle=True,
                        drop_last=True, generator=generator)
    nets.fit_multitask(multitask, loader, config, device, config["pretrain"]["epochs"], print, generator)
    pretrained_state = copy.deepcopy(multitask.backbone.state_dict())
    pretrain_seconds = time.monotonic() - started
    print(f"pretrained in {pretrain_seconds:.0f} s")

    test_loader = DataLoader(Tensors(test_images, test_targets), batch_size=256)
    results = []
    for n in SIZES:
        for seed in SEEDS:
            chosen = np.random.default_rng(seed).choice(LABELLED_POOL, n, replace=False)
            rows = np.flatnonzero(np.isin(pool_owner, chosen))
            for start in ("pretrained", "scratch"):
                t0 = time.monotonic()
                torch.manual_seed(seed)
                model = nets.Classifier(nets.backbone(config))
                if start == "pretrained":
                    model.backbone.load_state_dict(pretrained_state)
                generator = torch.Generator().manual_seed(seed)
                loader = DataLoader(Tensors(pool_images[rows], pool_targets[rows]), batch_size=config["batch_size"],
                                    shuffle=True, drop_last=len(rows) > config["batch_size"], generator=generator)
                nets.fit_binary(model, loader, config, device, None, generator, pretrained=start == "pretrained")
                p = nets.predict(model, test_loader, device)
                auc = metrics.auc(test_targets.numpy(), p)
                results.append({"patients": n, "images": len(rows), "seed": seed, "start": start, "auc": auc,
                                "seconds": round(time.monotonic() - t0, 1)})
                print(f"  {n:5d} patients ({len(rows)} images), seed {seed}, {start:10s}: test AUC {auc:.3f} "
                      f"({time.monotonic() - t0:.0f} s)", flush=True)

    lines = ["| labelled patients (images) | from pretrained backbone: AUC mean (min–max) | from scratch: AUC mean (min–max) | difference of means |",
             "|---|---|---|---|"]
    for n in SIZES:
        cells = []
        means = {}
        for start in ("pretrained", "scratch"):
            aucs = [r["auc"] for r in results if r["patients"] == n and r["start"] == start]
            means[start] = float(np.mean(aucs))
            cells.append(f"{np.mean(aucs):.3f} ({min(aucs):.3f}–{max(aucs):.3f})")
        images = sorted({r["images"] for r in results if r["patients"] == n})
        lines.append(f"| {n} ({min(images)}–{max(images)}) | {cells[0]} | {cells[1]} | "
                     f"{means['pretrained'] - means['scratch']:+.3f} |")
    total = time.monotonic() - started
    table = "\n".join(lines)
    note = (f"Test set: {TEST_PATIENTS} phantom patients, {len(test_images)} images, "
            f"{test_targets.mean():.0%} osteoporosis; AUC per image; reference: the AUC of the density each test "
            f"image was drawn with is {ceiling:.3f}; 3 seeds (1, 2, 3) each: the seed draws the "
            f"labelled patients from a pool of {LABELLED_POOL}, the initial head/weights and the batch order. "
            f"Fine-tuning: batch 32, 12 epochs but at least 60 and at most 300 steps. "
            f"Pretraining: {len(pre_images)} images, {config['pretrain']['epochs']} epochs, once "
            f"({pretrain_seconds:.0f} s). Whole run: {total:.0f} s, PyTorch threads: {config['threads']}.")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(table + "\n\n" + note + "\n")
    (args.out / "results.json").write_text(json.dumps({"runs": results, "ceiling_auc": ceiling, "seconds": round(total, 1),
                                                       "pretrain_seconds": round(pretrain_seconds, 1)}, indent=2) + "\n")
    print(table)
    print(note)


if __name__ == "__main__":
    main()
