"""Writes a JPEG-LS DICOM file whose code stream is damaged, the DICOM encapsulation around it still valid.

    malformed_jpegls.py IN OUT KIND

IN is a JPEG-LS file written by a real encoder (dcmcjpls). KIND:
  truncated     the code stream cut in the middle of its scan, no EOI
  corrupted     the scan's entropy-coded bytes overwritten with a pseudo-random pattern (seeded), markers kept
  lying-length  the frame header's (SOF55) segment length says 65,535 bytes
  lying-size    the frame header claims 65,535 x 65,535 samples for a few bytes of scan
Used by ChildProcessDecoderIT and CompressedRadiographsIT: what a crafted or broken object off the network does to
the child decoder (PS3.5 A.4 encapsulation, ISO/IEC 14495-1 markers: SOI FFD8, SOF55 FFF7, SOS FFDA, EOI FFD9).
"""
import random
import sys

import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame

source, target, kind = sys.argv[1:4]
ds = pydicom.dcmread(source)
frame = bytearray(next(generate_pixel_data_frame(ds.PixelData)))
sof = frame.index(b"\xff\xf7")
sos = frame.index(b"\xff\xda")
scan = sos + 2 + int.from_bytes(frame[sos + 2:sos + 4], "big")  # first byte of entropy-coded data

if kind == "truncated":
    frame = frame[:scan + (len(frame) - scan) // 2]
elif kind == "corrupted":
    rng = random.Random(14495)
    for i in range(scan, len(frame) - 2):
        if frame[i] != 0xFF and frame[i - 1] != 0xFF:
            frame[i] = rng.randrange(0, 0xFF)
elif kind == "lying-length":
    frame[sof + 2:sof + 4] = (0xFFFF).to_bytes(2, "big")
elif kind == "lying-size":
    # SOF55: length (2), precision (1), lines Y (2), samples per line X (2)
    frame[sof + 5:sof + 9] = (0xFFFF).to_bytes(2, "big") * 2
    frame = frame[:scan + 16] + b"\xff\xd9"
else:
    raise SystemExit("unknown kind " + kind)

if len(frame) % 2:
    frame += b"\x00"
ds.PixelData = encapsulate([bytes(frame)])
ds.save_as(target)
