#!/usr/bin/python3
"""Radiograph-like phantoms for the training kit: synthetic, no patient behind them.

Each patient has a latent bone density; their DXA T-score follows from it (a share below -2.5), and every
radiograph of theirs shows it as the texture inside the bone: sparser, fainter trabeculae and a thinner cortex
when the density is low. The body part decides the shape (LSPINE: a column of vertebral bodies; HIP: femoral
head, neck and shaft under the acetabular rim; PELVIS; CHEST: ribs over the lung fields; HAND: finger rays),
the view (AP or LL) the projection; age and sex move the soft tissue a little and the density a little (so they
are weakly informative, as in life). Noise, a random detector gain and, for half the images, a random VOI window
make the pixel values differ from image to image as they do between modalities.

Two uses:
  * in memory, for training/demo_experiment.py: `sample_patients` and `render_presented` give 0..1
    presentation values, windowed as osteonode's pre-processing does (the object's window, else the
    0.5-99.5 percentile window);
  * on disk, for the node's integration tests:
        /usr/bin/python3 training/phantoms.py --dicom OUT_DIR --patients N --seed S
    writes DX For Presentation objects (16-bit MONOCHROME2, one or two studies per patient: spine and/or hip)
    under OUT_DIR/<Patient ID>/ and OUT_DIR/dxa.csv, the DXA results of the same patients. Names and IDs look
    like PHI on purpose (PHANTOM^..., PH + digits), so that leak scans have something to find.
"""
import argparse
import csv
import datetime
import math
import pathlib
import sys

import numpy as np

BODY_PARTS = ("LSPINE", "HIP", "PELVIS", "CHEST", "HAND")
VIEWS = ("AP", "LL")
ISSUER = "OSTEONODE-PHANTOM"
ANATOMIC_REGION = {"LSPINE": ("122496007", "SCT"), "HIP": ("24136001", "SCT")}  # PS3.16 Annex L
# Latent density -> T-score: mean and spread chosen so that about a quarter is below -2.5 (osteoporosis).
T_MEAN, T_SD = -1.6, 1.3
# How far an image's visible density strays from the DXA T-score: the imperfection of the proxy.
IMAGE_DENSITY_NOISE = 0.7


# ---------------------------------------------------------------------------------------------- patients

def sample_patients(n, rng):
    """n patients: age (50-90), sex, latent T-score (age and sex shift it a little)."""
    ages = rng.uniform(50, 90, n)
    sexes = np.where(rng.random(n) < 0.7, "F", "M")
    t = T_MEAN + T_SD * rng.standard_normal(n) - 0.02 * (ages - 70) - 0.3 * (sexes == "F") + 0.2
    return [{"age": float(a), "sex": str(s), "t_score": float(ts)} for a, s, ts in zip(ages, sexes, t)]


def who_label(t_score):
    if t_score <= -2.5:
        return "osteoporosis"
    return "osteopenia" if t_score < -1.0 else "normal"


# ---------------------------------------------------------------------------------------------- images

def _blur(field, sigma_y, sigma_x):
    """Gaussian blur by FFT (periodic edges do not matter for noise)."""
    h, w = field.shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    transfer = np.exp(-2 * math.pi ** 2 * ((fy * sigma_y) ** 2 + (fx * sigma_x) ** 2))
    return np.fft.irfft2(np.fft.rfft2(field) * transfer, s=(h, w))


def _rect(y, x, cy, cx, hh, hw, angle=0.0):
    c, s = math.cos(angle), math.sin(angle)
    u = (x - cx) * c + (y - cy) * s
    v = -(x - cx) * s + (y - cy) * c
    return (np.abs(u) <= hw) & (np.abs(v) <= hh)


def _ellipse(y, x, cy, cx, ry, rx):
    return ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1.0


def _bone_mask(part, view, y, x, rng):
    """Boolean mask of the bone in normalised coordinates (y down, both in [-1, 1])."""
    j = lambda s: rng.normal(0, s)  # noqa: E731 - small jitter of each landmark
    m = np.zeros_like(y, dtype=bool)
    if part == "LSPINE":
        top, height, gap = -0.92 + j(0.03), 0.28 + j(0.01), 0.09
        width = 0.30 if view == "AP" else 0.42
        cx = j(0.04) + (0.0 if view == "AP" else -0.1)
        for k in range(5):
            cy = top + height / 2 + k * (height + gap)
            m |= _rect(y, x, cy, cx + 0.02 * k * (view == "LL"), height / 2, width / 2 * (1 + 0.04 * k))
            if view == "AP":  # pedicles and spinous process
                m |= _ellipse(y, x, cy - 0.05, cx - width / 2 + 0.06, 0.05, 0.04)
                m |= _ellipse(y, x, cy - 0.05, cx + width / 2 - 0.06, 0.05, 0.04)
            else:  # posterior elements
                m |= _rect(y, x, cy, cx + width / 2 + 0.2, 0.06, 0.14, 0.3)
    elif part == "HIP":
        side = 1 if rng.random() < 0.5 else -1
        hx, hy, r = side * (0.05 + j(0.03)), -0.25 + j(0.03), 0.22
        neck = 0.75 if view == "AP" else 1.1
        m |= _ellipse(y, x, hy, hx, r, r)
        nx, ny = hx - side * 0.28 * math.sin(neck), hy + 0.28 * math.cos(neck)
        m |= _rect(y, x, (hy + ny) / 2 + 0.05, (hx + nx) / 2, 0.1, 0.3, side * neck)
        m |= _rect(y, x, 0.45, nx - side * 0.05, 0.6, 0.16, side * 0.08)
        m |= _ellipse(y, x, 0.05, nx - side * 0.18, 0.12, 0.1)  # greater trochanter
        rim = _ellipse(y, x, hy - 0.05, hx + side * 0.05, 0.42, 0.5) & ~_ellipse(y, x, hy - 0.05, hx + side * 0.05, 0.3, 0.35)
        m |= rim & (y < hy + 0.05) & (side * (x - hx) > -0.25)
    elif part == "PELVIS":
        ring = _ellipse(y, x, -0.15, 0, 0.6, 0.85) & ~_ellipse(y, x, -0.05, 0, 0.42, 0.55)
        m |= ring & (y < 0.35)
        for side in (-1, 1):
            m |= _ellipse(y, x, 0.15, side * 0.55, 0.13, 0.13)
            m |= _rect(y, x, 0.55, side * 0.62, 0.4, 0.1)
        m |= _rect(y, x, -0.45, 0, 0.3, 0.16) & (y > -0.75 + np.abs(x))
        if view == "LL":
            m = _ellipse(y, x, -0.1, 0.1, 0.6, 0.45) & ~_ellipse(y, x, -0.05, 0.15, 0.35, 0.25) | _ellipse(y, x, 0.3, -0.1, 0.14, 0.14)
    elif part == "CHEST":
        for k in range(9):
            cy = -0.75 + 0.17 * k + j(0.01)
            for side in (-1, 1):
                band = np.abs(y - cy - 0.25 * (x * side) ** 2 + 0.05 * side * x) < 0.035
                m |= band & (np.abs(x) > 0.08) & (np.abs(x) < 0.85)
        m |= _rect(y, x, 0, 0, 0.95, 0.06)
        if view == "LL":
            m = np.roll(m, int(0.1 * m.shape[1]), axis=1)
    elif part == "HAND":
        spread = 0.22 if view == "AP" else 0.07
        for k, finger in enumerate(range(-2, 3)):
            angle = finger * spread
            length = 0.55 - 0.08 * abs(finger) - (0.12 if finger == -2 else 0)
            base_y, base_x = 0.35, finger * 0.1
            for p in range(3):
                seg_start = base_y - (0.25 + p * length / 3 + 0.04 * p)
                cy = seg_start - length / 6
                cx = base_x + math.sin(angle) * (base_y - cy)
                m |= _rect(y, x, cy, cx, length / 6 - 0.015, 0.035, angle)
            m |= _rect(y, x, base_y - 0.1, base_x + math.sin(angle) * 0.1, 0.13, 0.04, angle)  # metacarpal
        m |= _rect(y, x, 0.65, 0.0, 0.15, 0.3)  # carpus
    else:
        raise ValueError(f"unknown body part {part}")
    return m


def render_raw(part, view, density, age, sex, rng, rows=64, columns=64):
    """Detector-like raw values (bright = dense, arbitrary units) of one phantom radiograph.

    density is the visible bone density on the T-score scale (patient's T-score plus image noise).
    """
    aspect = columns / rows
    y, x = np.mgrid[-1:1:rows * 1j, -aspect:aspect:columns * 1j]
    # soft tissue: a wider body for men and with age; a tilt of exposure across the field
    body_rx = (0.95 if sex == "M" else 0.85) + 0.002 * (age - 70) + rng.normal(0, 0.04)
    soft = 0.25 * _ellipse(y, x, 0, 0, 1.3, body_rx * aspect).astype(float)
    if part == "CHEST":
        for side in (-1, 1):
            soft -= 0.15 * _ellipse(y, x, -0.05, side * 0.42, 0.7, 0.33)
    soft += 0.05 * rng.normal() * y + 0.05 * rng.normal() * x
    mask = _bone_mask(part, view, y, x, rng).astype(float)
    smooth_mask = _blur(mask, rows * 0.012, rows * 0.012)
    cortex_width = np.clip(0.6 + 0.1 * density, 0.25, 0.9)
    cortex = mask * (smooth_mask < cortex_width)
    # trabeculae: anisotropic smooth noise, thresholded; low density = fewer, fainter struts
    scale = rows * 0.012
    noise = _blur(rng.standard_normal((rows, columns)), scale * (2.0 if part in ("LSPINE", "HIP") else 1.2), scale)
    noise = (noise - noise.mean()) / (noise.std() + 1e-9)
    fraction = float(np.clip(0.5 + 0.1 * density, 0.08, 0.85))
    struts = (noise > np.quantile(noise, 1 - fraction)).astype(float)
    struts = _blur(struts, 0.6, 0.6)
    contrast = float(np.clip(0.3 + 0.05 * density, 0.05, 0.5))
    degenerative = 0.1 * max(0.0, (age - 65) / 25) * rng.random()  # sclerosis with age: a weak confounder
    bone = mask * (0.35 + 0.02 * density + degenerative + contrast * struts) + 0.25 * cortex
    raw = soft + bone
    raw = _blur(raw, 0.7, 0.7) + rng.normal(0, 0.03, raw.shape)
    gain, offset = math.exp(rng.normal(0, 0.35)), rng.normal(0, 0.1)
    return raw * gain + offset


def random_window(raw, rng, always=False):
    """A VOI window (center, width) like a modality's, for about half the images (None for the others)."""
    if not always and rng.random() < 0.5:
        return None
    low, high = np.percentile(raw, [2, 99.8])
    center = (low + high) / 2 + rng.normal(0, 0.08) * (high - low)
    width = (high - low) * math.exp(rng.normal(0, 0.2))
    return float(center), float(width)


def present(raw, window):
    """0..1 presentation values as osteonode computes them: the window if there is one, else 0.5-99.5 %."""
    if window is None:
        low, high = np.percentile(raw, [0.5, 99.5])
    else:
        center, width = window
        low, high = center - width / 2, center + width / 2
    return np.clip((raw - low) / max(high - low, 1e-9), 0.0, 1.0).astype(np.float32)


def render_presented(part, view, density, age, sex, rng, size=64):
    raw = render_raw(part, view, density, age, sex, rng, size, size)
    return present(raw, random_window(raw, rng))


def image_density(t_score, rng):
    return t_score + rng.normal(0, IMAGE_DENSITY_NOISE)


# ---------------------------------------------------------------------------------------------- DICOM

def _phi_name(rng):
    syllables = ["KA", "RO", "LI", "MEN", "TOR", "SA", "VI", "NEK", "DRA", "BEL", "OS", "TIN", "GU", "HAR"]
    family = "".join(rng.choice(syllables, 3))
    given = "".join(rng.choice(syllables, 2))
    return f"PHANTOM{family}^{given}"


def write_dicom(out, patients, seed):
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    dx_for_presentation = "1.2.840.10008.5.1.4.1.1.1.1"
    rng = np.random.default_rng(seed)
    today = datetime.date.today()
    people = sample_patients(patients, rng)
    dxa_rows, images = [], 0

    def uid(*parts):
        return generate_uid(prefix=None, entropy_srcs=[str(seed)] + [str(p) for p in parts])

    for index, person in enumerate(people):
        patient_id = "PH" + "".join(str(d) for d in rng.integers(0, 10, 8))
        name = _phi_name(rng)
        first_study = today - datetime.timedelta(days=int(rng.integers(1, 700)))
        birth = first_study - datetime.timedelta(days=int(person["age"] * 365.25))
        which = rng.random()
        parts = ["LSPINE", "HIP"] if which < 0.5 else (["LSPINE"] if which < 0.75 else ["HIP"])
        for study_number, part in enumerate(parts):
            study_date = first_study + datetime.timedelta(days=int(rng.integers(0, 30)) * study_number)
            age_years = (study_date - birth).days // 365
            study_uid = uid(patient_id, part)
            views = ["AP"] + (["LL"] if rng.random() < (0.6 if part == "LSPINE" else 0.3) else [])
            laterality = rng.choice(["L", "R"]) if part == "HIP" else None
            for series_number, view in enumerate(views, start=1):
                rows, columns = (320, 256) if part == "LSPINE" else (256, 256)
                raw = render_raw(part, view, image_density(person["t_score"], rng), person["age"],
                                 person["sex"], rng, rows, columns)
                # DX For Presentation requires a VOI window (PS3.3 C.8.11.1): always a random one here
                window = random_window(raw, rng, always=True)
                # raw units -> 16-bit stored values; the window goes along in the same units
                a, b = 12000.0, 20000.0
                stored = np.clip(np.rint(raw * a + b), 0, 65535).astype(np.uint16)
                sop_uid = uid(patient_id, part, view)
                meta = FileMetaDataset()
                meta.MediaStorageSOPClassUID = dx_for_presentation
                meta.MediaStorageSOPInstanceUID = sop_uid
                meta.TransferSyntaxUID = ExplicitVRLittleEndian
                meta.ImplementationClassUID = "1.2.826.0.1.3680043.8.498.1"  # pydicom's root
                ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
                ds.is_little_endian, ds.is_implicit_VR = True, False
                ds.SpecificCharacterSet = "ISO_IR 100"
                ds.SOPClassUID, ds.SOPInstanceUID = dx_for_presentation, sop_uid
                ds.ImageType = ["ORIGINAL", "PRIMARY"]
                ds.StudyDate = ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = study_date.strftime("%Y%m%d")
                ds.StudyTime = ds.SeriesTime = ds.ContentTime = "%02d%02d00" % (8 + index % 9, (7 * index) % 60)
                ds.AccessionNumber = f"ACC{seed % 1000:03d}{index:05d}{study_number}"
                ds.Modality = "DX"
                ds.PresentationIntentType = "FOR PRESENTATION"
                ds.Manufacturer = "osteonode phantoms"
                ds.ManufacturerModelName = "phantoms.py"
                ds.InstitutionName = "Phantom General Hospital"
                ds.ReferringPhysicianName = "REFERRER^PHANTOM"
                ds.StudyDescription = {"LSPINE": "XR LUMBAR SPINE", "HIP": "XR HIP"}[part]
                ds.SeriesDescription = f"{ds.StudyDescription} {'LAT' if view == 'LL' else 'AP'}"
                ds.PatientName = name
                ds.PatientID = patient_id
                ds.IssuerOfPatientID = ISSUER
                ds.PatientBirthDate = birth.strftime("%Y%m%d")
                ds.PatientSex = person["sex"]
                ds.PatientAge = f"{age_years:03d}Y"
                ds.BodyPartExamined = part
                ds.ViewPosition = view
                ds.PatientOrientation = ["L", "F"] if view == "AP" else ["A", "F"]
                if laterality:
                    ds.ImageLaterality = laterality
                else:
                    ds.ImageLaterality = "U"
                ds.StudyInstanceUID = study_uid
                ds.SeriesInstanceUID = uid(patient_id, part, view, "series")
                ds.StudyID = f"{study_number + 1}"
                ds.SeriesNumber = series_number
                ds.InstanceNumber = 1
                ds.SamplesPerPixel = 1
                ds.PhotometricInterpretation = "MONOCHROME2"
                ds.Rows, ds.Columns = rows, columns
                ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
                ds.PixelIntensityRelationship, ds.PixelIntensityRelationshipSign = "LIN", 1
                ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
                ds.ImagerPixelSpacing = ds.PixelSpacing = [1.2, 1.2]
                ds.BurnedInAnnotation = "NO"
                ds.PresentationLUTShape = "IDENTITY"
                ds.DetectorType = "DIRECT"
                ds.PositionerType = ""
                region = pydicom.Dataset()
                region.CodeValue, region.CodingSchemeDesignator = ANATOMIC_REGION[part]
                region.CodeMeaning = {"LSPINE": "Lumbar spine", "HIP": "Hip joint"}[part]
                ds.AnatomicRegionSequence = pydicom.Sequence([region])
                ds.AcquisitionContextSequence = pydicom.Sequence()
                ds.LossyImageCompression = "00"
                if window is not None:
                    ds.WindowCenter = round(window[0] * a + b, 1)
                    ds.WindowWidth = round(window[1] * a, 1)
                ds.PixelData = stored.tobytes()
                folder = out / patient_id
                folder.mkdir(parents=True, exist_ok=True)
                ds.save_as(folder / f"{sop_uid}.dcm", write_like_original=False)
                images += 1
        # one DXA exam per patient, within 200 days of the first study, three sites
        measured = first_study + datetime.timedelta(days=int(rng.integers(-200, 201)))
        measured = min(measured, today)  # a DXA result is never from the future (labels import refuses one)
        for site, bmd0 in (("lumbar spine", 1.05), ("total hip", 0.95), ("femoral neck", 0.85)):
            t = person["t_score"] + rng.normal(0, 0.3)
            z = t + 0.03 * (person["age"] - 30)
            dxa_rows.append([ISSUER, patient_id, measured.isoformat(), site, round(t, 1), round(z, 1),
                             round(bmd0 + 0.12 * t, 3)])
    with open(out / "dxa.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["issuer_of_patient_id", "patient_id", "measurement_date", "site", "t_score", "z_score", "bmd"])
        writer.writerows(dxa_rows)
    return images, people


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dicom", type=pathlib.Path, required=True, help="folder to write the DICOM files and dxa.csv into")
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.patients < 1:
        parser.error("--patients must be at least 1")
    args.dicom.mkdir(parents=True, exist_ok=True)
    images, people = write_dicom(args.dicom, args.patients, args.seed)
    porotic = sum(p["t_score"] <= -2.5 for p in people)
    print(f"wrote {images} DX images of {args.patients} phantom patients ({porotic} with T <= -2.5) "
          f"and dxa.csv into {args.dicom} (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())
