"""An osteonode training-set export as PyTorch sees it: labels.csv, the 16-bit PNGs, the datasheet.

The PNGs of `bin/osteonode export --format png --size N --bits 16` are what the node's pre-processing makes of
each image before standardisation (value / 65535 = the 0..1 presentation value), so training on them and
standardising with the config's mean and std is training on exactly what the node will feed the model.
The splits are the export's (by patient); nothing here re-splits.
"""
import csv
import hashlib
import json
import pathlib
import random

import numpy as np
import torch
from torch.utils.data import Dataset

CONFIGS = pathlib.Path(__file__).resolve().parent / "configs"
# who_label values; the task is osteoporosis against the rest, rows without a DXA are left out
POSITIVE = "osteoporosis"
NEGATIVE = ("osteopenia", "normal")


class ExportError(SystemExit):
    """An export this kit cannot train on; the message says what to do."""


def load_config(name):
    path = pathlib.Path(name) if name.endswith(".json") else CONFIGS / f"{name}.json"
    if not path.is_file():
        raise ExportError(f"no config {path}: use --config tiny or --config full (training/configs/)")
    config = json.loads(path.read_text())
    config["path"] = str(path)
    return config


def setup_torch(config, seed=None):
    """Fixed seeds, bounded threads, deterministic kernels: the same inputs give the same weights."""
    seed = config["seed"] if seed is None else seed
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)
    torch.set_num_threads(int(config["threads"]))
    torch.use_deterministic_algorithms(True, warn_only=config["device"] != "cpu")
    if config["device"] == "cuda":
        if not torch.cuda.is_available():
            raise ExportError("config asks for a CUDA GPU and torch.cuda.is_available() is false: "
                              "use --config tiny, or a PyTorch built with CUDA on a GPU host (docs/training.md)")
        torch.backends.cudnn.benchmark = False
    return torch.device(config["device"])


def standardise(presented, config):
    """0..1 presentation values -> what the model is fed: (v - mean) / std, as the model card will say."""
    return (presented - config["mean"]) / config["std"]


class Export:
    """One export folder: its rows, its datasheet and the datasheet's SHA-256 (which names the training data)."""

    def __init__(self, root, config):
        self.root = pathlib.Path(root)
        labels, sheet = self.root / "labels.csv", self.root / "dataset.json"
        for needed in (labels, sheet):
            if not needed.is_file():
                raise ExportError(f"{needed} is missing: --export must name a folder written by bin/osteonode export")
        with open(labels, newline="") as f:
            self.rows = list(csv.DictReader(f))
        sheet_bytes = sheet.read_bytes()
        self.datasheet = json.loads(sheet_bytes)
        self.datasheet_sha256 = hashlib.sha256(sheet_bytes).hexdigest()
        self.filters = self.datasheet.get("filters", {})
        self.size = self._check_format(config)

    def _check_format(self, config):
        f = self.filters
        if f.get("format") not in (None, "png") or f.get("shards"):
            raise ExportError(f"{self.root} holds format={f.get('format')} shards={f.get('shards')}: "
                              f"export with --format png --size {config['size']} --bits 16 (no --shards)")
        if f.get("bits") not in (None, 16):
            raise ExportError(f"{self.root} was exported with --bits {f.get('bits')}: export with --bits 16")
        if f.get("size") not in (None, config["size"]):
            raise ExportError(f"{self.root} was exported with --size {f.get('size')} and config "
                              f"'{config['name']}' takes {config['size']} px: export with --size {config['size']} "
                              "(resizing here would break the identity with the node's pre-processing)")
        return config["size"]

    def split(self, name, need_outcome=False):
        rows = [r for r in self.rows if r["split"] == name]
        if need_outcome:
            rows = [r for r in rows if r.get("who_label", "") in (POSITIVE,) + NEGATIVE]
        return rows

    def has_outcomes(self):
        return any(r.get("who_label") for r in self.rows)

    def presented(self, row):
        """0..1 presentation values of a row's image, as float32 H x W."""
        return read_png(self.root / row["path"], self.size)


def read_png(path, size=None):
    from PIL import Image
    with Image.open(path) as image:
        if image.mode in ("I;16", "I;16B", "I"):
            pixels = np.asarray(image, dtype=np.float32) / 65535.0
        elif image.mode == "L":
            pixels = np.asarray(image, dtype=np.float32) / 255.0
        else:
            raise ExportError(f"{path} is a {image.mode} PNG; the export writes 8- or 16-bit grayscale")
    if size is not None and pixels.shape != (size, size):
        raise ExportError(f"{path} is {pixels.shape[1]}x{pixels.shape[0]}, not {size}x{size}: export with --size {size}")
    return pixels


def who_target(row):
    return 1.0 if row["who_label"] == POSITIVE else 0.0


class ExportImages(Dataset):
    """(standardised image 1 x N x N, target) per row; images read lazily, so that a large export need not fit
    in memory; `target` turns a row into whatever the task needs."""

    def __init__(self, export, rows, config, target):
        self.export, self.rows, self.config, self.target = export, rows, config, target

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        image = torch.from_numpy(standardise(self.export.presented(row), self.config)).unsqueeze(0)
        return image, self.target(row)


def describe(rows):
    patients = {r["patient_key"] for r in rows}
    positives = sum(r.get("who_label") == POSITIVE for r in rows)
    return f"{len(rows)} images of {len(patients)} patients, {positives} images labelled osteoporosis"
