#!/usr/bin/python3
"""Self-check of the kit without a node: fakes an export of phantoms in the layout `bin/osteonode export
--format png --size 64 --bits 16` writes (labels.csv with the outcome columns, images/<patient>/<key>.png,
dataset.json), runs pretrain -> finetune (pretrained and from scratch) -> to_onnx on it as the integration test
will, and checks the model directory: the ONNX checker, input/output names, the Device UID in both files, the
card's fields, the reference outputs.

    /usr/bin/python3 training/selfcheck.py --work /tmp/osteonode-training-check [--patients 160]
"""
import argparse
import csv
import datetime
import hashlib
import json
import pathlib
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # write nothing outside --work
sys.path.insert(0, str(HERE))
import phantoms  # noqa: E402

COLUMNS = ["path", "patient_key", "study_key", "series_key", "sop_instance_key", "split", "body_part", "age_years",
           "age_band", "sex", "modality", "view_position", "laterality", "manufacturer", "model", "rows", "columns",
           "pixel_spacing_row_mm", "pixel_spacing_column_mm", "study_date_shifted",
           "dxa_days", "dxa_site", "dxa_t_score", "who_label"]


def split_of(seed, patient_key):
    """As the export does: where SHA-256 of seed and key falls among train=0.8, val=0.1, test=0.1."""
    digest = hashlib.sha256(f"{seed}:{patient_key}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2 ** 64
    return "train" if u < 0.8 else ("val" if u < 0.9 else "test")


def fake_export(out, patients, seed, size=64):
    from PIL import Image
    rng = np.random.default_rng(seed)
    people = phantoms.sample_patients(patients, rng)
    rows = []
    for i, person in enumerate(people):
        patient_key = f"2.25.{rng.integers(10 ** 17, 10 ** 18)}"
        has_dxa = rng.random() < 0.9
        for part in (["LSPINE", "HIP"] if rng.random() < 0.5 else [rng.choice(["LSPINE", "HIP"])]):
            for view in ["AP"] + (["LL"] if rng.random() < 0.5 else []):
                key = f"2.25.{rng.integers(10 ** 17, 10 ** 18)}"
                presented = phantoms.render_presented(part, view, phantoms.image_density(person["t_score"], rng),
                                                      person["age"], person["sex"], rng, size)
                path = f"images/{patient_key}/{key}.png"
                (out / path).parent.mkdir(parents=True, exist_ok=True)
                Image.fromarray(np.rint(presented * 65535).astype(np.uint16)).save(out / path)
                age = int(person["age"])
                rows.append({
                    "path": path, "patient_key": patient_key, "study_key": f"{patient_key}.{part}",
                    "series_key": f"{key}.1", "sop_instance_key": key, "split": split_of(seed, patient_key),
                    "body_part": part, "age_years": age, "age_band": f"{age // 5 * 5}-{age // 5 * 5 + 4}",
                    "sex": person["sex"], "modality": "DX", "view_position": view,
                    "laterality": rng.choice(["L", "R"]) if part == "HIP" else "", "manufacturer": "osteonode phantoms",
                    "model": "phantoms.py", "rows": size, "columns": size, "pixel_spacing_row_mm": "1.2",
                    "pixel_spacing_column_mm": "1.2",
                    "study_date_shifted": (datetime.date(2020, 1, 1) + datetime.timedelta(days=i)).isoformat(),
                    "dxa_days": int(rng.integers(-200, 201)) if has_dxa else "",
                    "dxa_site": ("lumbar spine" if part == "LSPINE" else "total hip") if has_dxa else "",
                    "dxa_t_score": round(person["t_score"], 1) if has_dxa else "",
                    "who_label": phantoms.who_label(round(person["t_score"], 1)) if has_dxa else "",
                })
    with open(out / "labels.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    filters = {"body_parts": ["LSPINE", "HIP"], "modalities": [], "view": None, "sex": None, "min_age": None,
               "max_age": None, "from": None, "to": None, "limit": None, "seed": seed,
               "split": "train=0.8,val=0.1,test=0.1", "format": "png", "shards": 0, "bits": 16, "size": size,
               "min_k": 5, "suppress_below_k": False}
    sheet = {"name": "osteonode training set", "osteonode_version": "selfcheck (faked)",
             "created": "2026-12-01T00:00:00Z", "filters": filters,
             "labels_csv_sha256": hashlib.sha256((out / "labels.csv").read_bytes()).hexdigest()}
    (out / "dataset.json").write_text(json.dumps(sheet, indent=2) + "\n")
    return rows


def run(*command):
    started = time.monotonic()
    print("$", " ".join(str(c) for c in command), flush=True)
    subprocess.run([sys.executable, *[str(c) for c in command]], check=True)
    return time.monotonic() - started


def check_model_dir(model_dir, size):
    import onnx
    model = onnx.load(str(model_dir / "model.onnx"))
    onnx.checker.check_model(model, full_check=True)
    card = json.loads((model_dir / "model.json").read_text())
    props = {p.key: p.value for p in model.metadata_props}
    assert props["osteonode.device_uid"] == card["deviceUid"], "Device UID differs between model.onnx and model.json"
    assert [i.name for i in model.graph.input] == ["image"] and [o.name for o in model.graph.output] == ["probability"]
    assert model.opset_import[0].version == 13
    assert card["input"]["shape"] == [-1, 1, size, size] and card["input"]["normalization"]["windowPercentiles"] == [0.5, 99.5]
    m = card["metrics"]
    assert set(m) == {"dataset", "patients", "images", "auc", "aucCi95", "threshold", "sensitivity", "specificity",
                      "calibration"}
    assert m["threshold"] == card["threshold"] and 0 < card["threshold"] < 1
    assert len(card["trainingDataset"]["datasheetSha256"]) == 64
    reference = json.loads((model_dir / "reference-outputs.json").read_text())
    assert [o["pixel"] for o in reference["outputs"]] == [0.1, 0.3, 0.5, 0.7, 0.9]
    print(f"model dir ok: AUC {m['auc']} {m['aucCi95']} on {m['patients']} test patients, threshold {card['threshold']:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, type=pathlib.Path, help="an empty or absent folder")
    parser.add_argument("--patients", type=int, default=160)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    export = args.work / "export"
    export.mkdir(parents=True, exist_ok=False)
    rows = fake_export(export, args.patients, args.seed)
    print(f"faked export: {len(rows)} images of {args.patients} patients in {export}")
    times = {
        "pretrain": run(HERE / "pretrain.py", "--export", export, "--config", "tiny", "--out", args.work / "ckpt"),
        "finetune": run(HERE / "finetune.py", "--export", export, "--config", "tiny", "--pretrained",
                        args.work / "ckpt" / "backbone.pt", "--out", args.work / "ft"),
        "finetune --from-scratch": run(HERE / "finetune.py", "--export", export, "--config", "tiny", "--from-scratch",
                                       "--out", args.work / "ft-scratch"),
        "to_onnx": run(HERE / "to_onnx.py", "--export", export, "--checkpoint", args.work / "ft" / "model.pt",
                       "--config", "tiny", "--name", "selfcheck model", "--version", "0.0.1", "--out",
                       args.work / "model"),
    }
    check_model_dir(args.work / "model", 64)
    print("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))


if __name__ == "__main__":
    main()
