"""Loads an osteonode export with PyTorch and iterates one epoch: the example of docs/export.md, run by ExportIT."""
import csv
import sys
from pathlib import Path

import pydicom
import torch
from torch.utils.data import DataLoader, Dataset


class OsteonodeExport(Dataset):
    """One de-identified image and its proxy labels per row of labels.csv, for one split."""

    def __init__(self, root, split="train"):
        self.root = Path(root)
        with open(self.root / "labels.csv", newline="") as f:
            self.rows = [row for row in csv.DictReader(f) if row["split"] == split]
        self.body_parts = sorted({row["body_part"] for row in self.rows})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        pixels = pydicom.dcmread(self.root / row["path"]).pixel_array.astype("float32")
        image = torch.from_numpy(pixels).unsqueeze(0) / max(float(pixels.max()), 1.0)
        return image, self.body_parts.index(row["body_part"]), float(row["age_years"] or "nan")


if __name__ == "__main__":
    loader = DataLoader(OsteonodeExport(sys.argv[1]), batch_size=1, shuffle=True)
    seen = sum(len(images) for images, body_part, age in loader)
    print(f"one epoch: {seen} images")
