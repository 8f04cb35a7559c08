#!/usr/bin/python3
"""Presentation values of a grayscale DICOM image computed independently of osteonode, with pydicom and NumPy:
Modality LUT (pydicom's apply_modality_lut), then the VOI (pydicom's apply_voi_lut: the window if the object has one,
else the first VOI LUT), scaled to 0..1 by the VOI's output range, MONOCHROME1 inverted, and pixel padding (PS3.3
C.7.5.1.1.2, the stored values from Pixel Padding Value to Pixel Padding Range Limit) black.

    presentation_reference.py FILE    prints one value per pixel, row-major, one per line
"""
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut


def main(path):
    ds = pydicom.dcmread(path)
    stored = ds.pixel_array.astype(np.int64)
    modality = apply_modality_lut(stored, ds)
    has_window = "WindowCenter" in ds and "WindowWidth" in ds
    if has_window:
        presented = apply_voi_lut(modality, ds, prefer_lut=False)
        if ds.PixelRepresentation == 0:
            low, high = 0, 2 ** ds.BitsStored - 1
        else:
            low, high = -(2 ** (ds.BitsStored - 1)), 2 ** (ds.BitsStored - 1) - 1
        value = (presented.astype(np.float64) - low) / (high - low)
    else:
        item = ds.VOILUTSequence[0]
        bits = int(item.LUTDescriptor[2])
        presented = apply_voi_lut(modality.astype(np.int64), ds, prefer_lut=True)
        value = presented.astype(np.float64) / (2 ** bits - 1)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        value = 1.0 - value
    if "PixelPaddingValue" in ds:
        first = int(ds.PixelPaddingValue)
        last = int(ds.get("PixelPaddingRangeLimit", first))
        padded = (stored >= min(first, last)) & (stored <= max(first, last))
        value[padded] = 0.0
    for v in np.clip(value, 0.0, 1.0).ravel():
        print(f"{v:.6f}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
