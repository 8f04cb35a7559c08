#!/usr/bin/python3
"""Writes a corpus of DICOM Part 10 files made by real tools (pydicom, dcmtk, GDCM) for leak tests.

Usage: python3 make_real_tool_corpus.py OUT_DIR [--check]

Every file carries planted identifying values (names in the file's character set, IDs, dates, addresses)
and UIDs that a de-identifier must not let through; OUT_DIR/manifest.json lists them per file, decoded and
as the exact bytes written. Deterministic: running twice gives byte-identical files. --check also runs
dcmdump and dciodvfy on every file and prints dciodvfy's error and warning counts.

Needs Debian 12's python3-pydicom (2.3), python3-numpy, dcmtk, libgdcm-tools and libjpeg-turbo-progs
(cjpeg, optional: without it the JPEG img2dcm file is skipped). See README.md beside this file.
"""

import os
import sys

if __name__ == "__main__":
    try:
        import pydicom  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        # A pyenv or venv python3 that shadows Debian's does not see python3-pydicom: use Debian's.
        if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
                and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])
        raise

import base64
import hashlib
import json
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib

import numpy as np
import pydicom
import pydicom.config
from pydicom.charset import convert_encodings, encode_string
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from pydicom.valuerep import PersonName

UID_SEED = "osteonode-real-tool-corpus-v1"

# ---------------------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------------------
EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
DEFLATED = "1.2.840.10008.1.2.1.99"

SOP = {
    "CR": ("1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage"),
    "DX": ("1.2.840.10008.5.1.4.1.1.1.1", "Digital X-Ray Image Storage - For Presentation"),
    "MG": ("1.2.840.10008.5.1.4.1.1.1.2", "Digital Mammography X-Ray Image Storage - For Presentation"),
    "CT": ("1.2.840.10008.5.1.4.1.1.2", "CT Image Storage"),
    "ECT": ("1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image Storage"),
    "MR": ("1.2.840.10008.5.1.4.1.1.4", "MR Image Storage"),
    "US": ("1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image Storage"),
    "SC": ("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage"),
    "MFW": ("1.2.840.10008.5.1.4.1.1.7.3", "Multi-frame Grayscale Word Secondary Capture Image Storage"),
    "ECG": ("1.2.840.10008.5.1.4.1.1.9.1.1", "12-lead ECG Waveform Storage"),
    "GSPS": ("1.2.840.10008.5.1.4.1.1.11.1", "Grayscale Softcopy Presentation State Storage"),
    "SEG": ("1.2.840.10008.5.1.4.1.1.66.4", "Segmentation Storage"),
    "BTSR": ("1.2.840.10008.5.1.4.1.1.88.11", "Basic Text SR Storage"),
    "CSR": ("1.2.840.10008.5.1.4.1.1.88.33", "Comprehensive SR Storage"),
    "KO": ("1.2.840.10008.5.1.4.1.1.88.59", "Key Object Selection Document Storage"),
    "PDF": ("1.2.840.10008.5.1.4.1.1.104.1", "Encapsulated PDF Storage"),
    "RTDOSE": ("1.2.840.10008.5.1.4.1.1.481.2", "RT Dose Storage"),
    "RTPLAN": ("1.2.840.10008.5.1.4.1.1.481.5", "RT Plan Storage"),
}
# What a de-identifier that archives only images and refuses what may carry burned-in text does.
REFUSED_CLASSES = {"SC", "MFW", "US"}
NOT_IMAGES = {"ECG", "GSPS", "BTSR", "CSR", "KO", "PDF", "RTPLAN"}

# Per character set: the people and places planted in it. PN values keep DICOM's component groups.
CHARSETS = {
    "latin1": dict(
        scs=["ISO_IR 100"],
        patient="Quixwört^Adélaïde", referring="Brëmmelsang^Ferdinand", operator="Ødegård^Sölvi",
        observer="Fénéloux^Géraldine", inst="Klinik Süderbrück", inst_addr="Mühlenweg 7, Zörbig",
        pat_addr="Hüttenstraße 3, Gräfenhainichen", other="Vellacourt-Ñúñez", word="Thorax"),
    "utf8": dict(
        scs=["ISO_IR 192"],
        patient="Zyrfånd^Łucjaňa", referring="Ōkubo-Ştefănescu^Mirela", operator="Ďurišková^Žofia",
        observer="Grøndahl-Чернов^Ísak", inst="Ħospital Ŧrzebnica 北辰", inst_addr="ul. Świętokrzyska 9, Kraków",
        pat_addr="Øvre Slottsgate 12, Tromsø ☂", other="Þórhildur Yxwendel", word="Tórax"),
    "jp": dict(
        scs=["", "ISO 2022 IR 87"],
        patient="Hoshizuru^Kotone=星鶴^琴音=ほしづる",
        referring="Kagerou^Shin=陽炎^慎=かげろう",
        operator="Tsuyukusa^Mio=露草^澪=つゆくさ^みお",
        observer="Sagimiya^Touko=鷺宮^透子=さぎみや^とうこ",
        inst="霧ヶ峰記念病院", inst_addr="長野県 霧ヶ峰町 三丁目", pat_addr="東京都 月見坂 二丁目 4",
        other="朧谷", word="胸部"),
    "jp13": dict(
        scs=["ISO 2022 IR 13", "ISO 2022 IR 87"],
        patient="ｸｽﾐﾂﾞｷ^ｱｵｲ=霞月^葵=かすみづき^あおい",
        referring="ｶｻﾞﾊﾔ^ﾄｳﾏ=風早^冬真=かざはや^とうま",
        operator="ﾋｲﾗｷﾞ^ﾘﾝ=柊^凛=ひいらぎ^りん",
        observer="ﾂｷｼﾛ^ﾅｷﾞ=月代^凪=つきしろ^なぎ",
        inst="朧月台総合病院", inst_addr="ﾄｳｷｮｳﾄ 朧月台 2", pat_addr="ｵｵｻｶ 宵待町 5",
        other="宵待", word="ｷｮｳﾌﾞ"),
    "kr": dict(
        scs=["", "ISO 2022 IR 149"],
        patient="Baekrim^Soyul=白林^昭律=백림^소율",
        referring="Yeonhwa^Dohyeon=蓮花^道賢=연화^도현",
        operator="Gaonbit^Haeul=가온빛^하울",
        observer="Dodam^Gyeol=도담^결이",
        inst="새벽솔 대학병원", inst_addr="서울특별시 솔바람로 17", pat_addr="부산광역시 물결로 3",
        other="도담결", word="흉부"),
    "arabic": dict(
        scs=["ISO_IR 127"],
        patient="قزوارت^نجلاء", referring="برهمان^ضياء", operator="زنجفيل^ريم", observer="طرفاوي^سلمى",
        inst="مستشفى الطرفاء", inst_addr="شارع الياسمين 14 عمان", pat_addr="حي الورد 7 اربد",
        other="شهرزان", word="صدر"),
    "hebrew": dict(
        scs=["ISO_IR 138"],
        patient="קוויזבורט^שולמית", referring="צורבלום^אביגדור", operator="זהבוני^נוגה", observer="שקדיאל^רחל",
        inst="בית חולים גבעת הדס", inst_addr="רחוב הרימון 9 צפת", pat_addr="שדרות התמר 4 אילת",
        other="אלמוגני", word="חזה"),
    "greek": dict(
        scs=["ISO_IR 126"],
        patient="Κουιξβόρτ^Ευανθία", referring="Παπαζαχαρίου^Φώτιος", operator="Ξανθοπούλου^Ιφιγένεια",
        observer="Χατζηκυριάκος^Λέανδρος", inst="Νοσοκομείο Αγίας Θεοπίστης", inst_addr="Οδός Ερμού 41, Ναύπλιο",
        pat_addr="Οδός Αθηνάς 8, Λαμία", other="Γκιουζέλης", word="Θώρακας"),
    "cyrillic": dict(
        scs=["ISO_IR 144"],
        patient="Квиксворт^Ярослава", referring="Черномырдцева^Зинаида", operator="Щербатов^Ефим",
        observer="Голубцова^Прасковья", inst="Больница Святой Евдокии", inst_addr="ул. Лесная 5, Пермь",
        pat_addr="пр. Мира 12, Вологда", other="Кудеяров", word="Грудь"),
    "gb18030": dict(
        scs=["GB18030"],
        patient="龚翎澈^霁月", referring="欧阳鹭^澄溪", operator="阙晏^珩玉", observer="殳瑾^𠮷安",
        inst="青枫浦人民医院", inst_addr="浙江省 青枫浦市 梧桐路 8 号", pat_addr="江西省 鹭洲 𠮷水路 3 号",
        other="殳𠮷瑾", word="胸部"),
}

DATE, TIME = "20240611", "101500"
CREATED_DATE, CREATED_TIME = "20240612", "083000"


def tool_versions():
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            return (out.stdout + out.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "missing"
    dcmtk = re.search(r"v(\d+\.\d+\.\d+)", first_line(["dcmconv", "--version"]))
    gdcm = re.search(r"gdcm (\d+\.\d+\.\d+)", first_line(["gdcmconv", "--version"]))
    return {
        "pydicom": f"pydicom {pydicom.__version__}",
        "dcmtk": f"dcmtk {dcmtk.group(1) if dcmtk else '?'}",
        "gdcm": f"gdcm {gdcm.group(1) if gdcm else '?'}",
    }


TOOLS = None


def make_uid(*parts):
    """2.25.<120-bit integer>: a fixed function of the seed and the label, so every run gives the same UIDs."""
    digest = hashlib.sha256("|".join((UID_SEED,) + parts).encode()).digest()
    return "2.25." + str(int.from_bytes(digest[:15], "big") | (1 << 119))


def short_tag(name):
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    digest = hashlib.sha256((UID_SEED + name).encode()).digest()
    return "".join(alphabet[b % 32] for b in digest[:4])


def code(value, scheme, meaning):
    ds = Dataset()
    ds.CodeValue = value
    ds.CodingSchemeDesignator = scheme
    ds.CodeMeaning = meaning
    return ds


def item(**kw):
    ds = Dataset()
    for k, v in kw.items():
        setattr(ds, k, v)
    return ds


def pattern(rows, cols, frames=1, maxval=4095, seed=0):
    """Smooth deterministic pixels (no random bytes that could happen to spell a planted value)."""
    y, x = np.mgrid[0:rows, 0:cols]
    out = []
    for f in range(frames):
        out.append((x * 9 + y * 5 + f * 23 + seed * 41 + ((x // 4 + y // 4) % 2) * 17) % (maxval + 1))
    arr = np.array(out)
    return arr if frames > 1 else arr[0]


# ---------------------------------------------------------------------------------------------------------
# One object under construction: its planted values
# ---------------------------------------------------------------------------------------------------------
class Obj:
    def __init__(self, name, cs_key, cls, uid_key=None):
        self.name = name            # final file name
        self.cs_key = cs_key
        self.cs = CHARSETS[cs_key]
        self.cls = cls
        self.uid_key = uid_key or name
        self.tag = short_tag(self.uid_key)
        self.nn = int(name[:2])
        self.strings = []           # (text, is_person_name)
        self.uids = []
        self.tools = []
        self.notes = []
        self.ds = None

    def uid(self, label, shared_key=None):
        v = make_uid(shared_key or self.uid_key, label)
        if v not in self.uids:
            self.uids.append(v)
        return v

    def plant(self, text, pn=False):
        if (text, pn) not in self.strings:
            self.strings.append((text, pn))
        return text

    def plant_pn(self, value):
        """Plants the whole PN and each of its longer components; returns the value."""
        if len(self.encode(value, pn=True)) > 64:
            raise ValueError(f"{value!r} encodes to more than 64 bytes")
        self.plant(value, pn=True)
        for group in value.split("="):
            for comp in group.split("^"):
                if comp and len(self.encode(comp)) >= 5:
                    self.plant(comp)
        return value

    @property
    def encodings(self):
        return convert_encodings(self.cs["scs"])

    def encode(self, text, pn=False):
        return PersonName(text).encode(self.encodings) if pn else encode_string(text, self.encodings)

    # -- values ------------------------------------------------------------------------------------------
    @property
    def pid(self):
        return f"PID-{self.tag}-{self.nn:04d}"

    def family(self, pn):
        """The family name in the file's own script (last component group that has one)."""
        return [g for g in pn.split("=") if g][-1].split("^")[0]


# ---------------------------------------------------------------------------------------------------------
# Modules shared by every object
# ---------------------------------------------------------------------------------------------------------
def new_dataset(o, modality, series_desc, image=True):
    cs = o.cs
    ds = Dataset()
    ds.SpecificCharacterSet = cs["scs"] if len(cs["scs"]) > 1 else cs["scs"][0]
    ds.SOPClassUID = SOP[o.cls][0]
    ds.SOPInstanceUID = o.uid("sop")
    ds.InstanceCreationDate = CREATED_DATE
    ds.InstanceCreationTime = CREATED_TIME
    ds.StudyDate = DATE
    ds.StudyTime = TIME
    ds.SeriesDate = DATE
    ds.SeriesTime = TIME
    ds.AccessionNumber = o.plant(f"ACC{o.tag}{o.nn:04d}")
    if modality:
        ds.Modality = modality
    ds.Manufacturer = "ACME Imaging"
    ds.InstitutionName = o.plant(cs["inst"])
    ds.InstitutionAddress = o.plant(cs["inst_addr"])
    ds.ReferringPhysicianName = o.plant_pn(cs["referring"])
    ds.StationName = o.plant(f"STN-{o.tag}-{o.nn:02d}")
    fam = o.family(cs["patient"])
    ds.StudyDescription = f"{cs['word']} {fam} {o.nn:02d}"
    o.plant(ds.StudyDescription)
    ds.SeriesDescription = f"{series_desc} series"
    ds.OperatorsName = o.plant_pn(cs["operator"])
    ds.ManufacturerModelName = "QX-9000"
    ds.PatientName = o.plant_pn(cs["patient"])
    ds.PatientID = o.plant(o.pid)
    ds.IssuerOfPatientID = o.plant(f"ISS-{o.tag}-HOSP{o.nn:02d}")
    ds.PatientBirthDate = o.plant(f"19{30 + o.nn:02d}{1 + o.nn % 12:02d}{1 + o.nn % 27:02d}")
    ds.PatientSex = "F" if o.nn % 2 else "M"
    ds.OtherPatientIDsSequence = Sequence([item(
        PatientID=o.plant(f"OPID-{o.tag}-{o.nn:04d}"),
        IssuerOfPatientID=o.plant(f"OISS-{o.tag}-{o.nn:02d}"),
        TypeOfPatientID="TEXT")])
    ds.PatientAge = f"{(2024 - 1930 - o.nn):03d}Y"
    ds.PatientAddress = o.plant(cs["pat_addr"])
    ds.DeviceSerialNumber = o.plant(f"SN-{o.tag}-{o.nn:04d}")
    ds.SoftwareVersions = "QX 4.2.1"
    ds.StudyInstanceUID = o.uid("study")
    ds.SeriesInstanceUID = o.uid("series")
    ds.StudyID = o.plant(f"SID{o.tag}{o.nn:02d}")
    ds.SeriesNumber = 1 + o.nn % 7
    ds.InstanceNumber = 1
    ds.RequestAttributesSequence = Sequence([item(
        RequestedProcedureID=o.plant(f"RP-{o.tag}-{o.nn:03d}"),
        ScheduledProcedureStepID=o.plant(f"SPS-{o.tag}-{o.nn:03d}"),
        RequestedProcedureDescription=f"{cs['word']} request")])
    if image:
        ds.ContentDate = DATE
        ds.ContentTime = TIME
        ds.AcquisitionDate = DATE
        ds.AcquisitionTime = TIME
        ds.ImageComments = f"{cs['other']} reviewed {o.pid}"
        o.plant(cs["other"])
        o.plant(ds.ImageComments)
    return ds


def set_pixels(ds, arr, bits_stored=None, signed=False, photometric="MONOCHROME2"):
    frames = arr.shape[0] if arr.ndim == 3 else 1
    rows, cols = arr.shape[-2:]
    bits_alloc = 8 if arr.max() < 256 and bits_stored in (None, 8) else 16
    if bits_stored is None:
        bits_stored = 8 if bits_alloc == 8 else 12
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows = rows
    ds.Columns = cols
    ds.BitsAllocated = bits_alloc
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if frames > 1:
        ds.NumberOfFrames = frames
    dtype = {(8, False): "<u1", (16, False): "<u2", (16, True): "<i2"}[(bits_alloc, signed)]
    ds.add_new(0x7FE00010, "OB" if bits_alloc == 8 else "OW", arr.astype(dtype).tobytes())


def plane(ds, z=0.0):
    ds.PixelSpacing = [0.7, 0.7]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-5.6, -5.6, z]
    ds.SliceThickness = 2.5
    ds.SliceLocation = z


def frame_of_reference(o, ds):
    ds.FrameOfReferenceUID = o.uid("for")
    ds.PositionReferenceIndicator = ""


def dx_common(o, ds, modality):
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ReferencedPerformedProcedureStepSequence = Sequence([item(
        ReferencedSOPClassUID="1.2.840.10008.3.1.2.3.3",
        ReferencedSOPInstanceUID=o.uid("mpps"))])
    ds.ImageType = ["ORIGINAL", "PRIMARY", ""]
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.PresentationLUTShape = "IDENTITY"
    ds.LossyImageCompression = "00"
    ds.BurnedInAnnotation = "NO"
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096
    ds.DetectorType = "DIRECT"
    ds.ImagerPixelSpacing = [0.15, 0.15]
    ds.PixelSpacing = [0.15, 0.15]
    ds.PatientOrientation = ["A", "R"] if modality == "MG" else ["L", "F"]
    ds.AcquisitionContextSequence = Sequence([])
    ds.KVP = 28 if modality == "MG" else 80
    ds.ExposureTime = 120
    ds.XRayTubeCurrent = 100


# ---------------------------------------------------------------------------------------------------------
# IOD builders
# ---------------------------------------------------------------------------------------------------------
def build_cr(o, seed=0, burned="NO"):
    ds = new_dataset(o, "CR", "CR chest")
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.PatientOrientation = ["L", "F"]
    ds.BurnedInAnnotation = burned
    ds.LossyImageCompression = "00"
    ds.PhotometricInterpretation = "MONOCHROME2"
    set_pixels(ds, pattern(32, 32, seed=seed))
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096
    return ds


def build_dx(o, seed=0, burned="NO"):
    ds = new_dataset(o, "DX", "DX chest")
    dx_common(o, ds, "DX")
    ds.BurnedInAnnotation = burned
    ds.ImageLaterality = "U"
    ds.AnatomicRegionSequence = Sequence([code("51185008", "SCT", "Chest")])
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.ViewCodeSequence = Sequence([code("399348003", "SCT", "postero-anterior")])
    ds.PositionerType = ""
    set_pixels(ds, pattern(32, 32, seed=seed))
    return ds


def build_mg(o):
    ds = new_dataset(o, "MG", "MG screening")
    dx_common(o, ds, "MG")
    ds.ImageType = ["ORIGINAL", "PRIMARY", ""]
    ds.ImageLaterality = "L"
    ds.AnatomicRegionSequence = Sequence([code("76752008", "SCT", "Breast")])
    ds.ViewCodeSequence = Sequence([item(CodeValue="399162004", CodingSchemeDesignator="SCT",
                                         CodeMeaning="cranio-caudal", ViewModifierCodeSequence=Sequence([]))])
    ds.PositionerType = "MAMMOGRAPHIC"
    ds.OrganExposed = "BREAST"
    ds.BreastImplantPresent = "NO"
    ds.PartialView = "NO"
    ds.DistanceSourceToDetector = 660
    ds.DistanceSourceToPatient = 610
    ds.EstimatedRadiographicMagnificationFactor = 1.0
    ds.BodyPartThickness = 45
    ds.CompressionForce = 110
    ds.DetectorID = o.plant(f"DET-{o.tag}-{o.nn:03d}")
    set_pixels(ds, pattern(32, 32, seed=3))
    return ds


def build_ct(o, z=0.0):
    ds = new_dataset(o, "CT", "CT thorax")
    frame_of_reference(o, ds)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PatientPosition = "HFS"
    ds.BodyPartExamined = "CHEST"
    ds.KVP = 120
    ds.AcquisitionNumber = 1
    ds.ConvolutionKernel = "STANDARD"
    plane(ds, z)
    set_pixels(ds, pattern(32, 32, seed=5))
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.RescaleType = "HU"
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    return ds


def build_mr(o):
    ds = new_dataset(o, "MR", "MR brain")
    frame_of_reference(o, ds)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "OTHER"]
    ds.PatientPosition = "HFS"
    ds.BodyPartExamined = "BRAIN"
    ds.ScanningSequence = "SE"
    ds.SequenceVariant = "NONE"
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "2D"
    ds.RepetitionTime = 500
    ds.EchoTime = 15
    ds.EchoTrainLength = 1
    ds.ImagingFrequency = 63.87
    ds.MagneticFieldStrength = 1.5
    ds.SequenceName = "se2d1"
    ds.AcquisitionNumber = 1
    plane(ds, 12.5)
    set_pixels(ds, pattern(32, 32, seed=7))
    ds.WindowCenter = 1024
    ds.WindowWidth = 2048
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    return ds


def enhanced_equipment(o, ds):
    ds.Manufacturer = "ACME Imaging"
    ds.ManufacturerModelName = "QX-9000"
    ds.DeviceSerialNumber = o.plant(f"SN-{o.tag}-{o.nn:04d}")
    ds.SoftwareVersions = "QX 4.2.1"


def dimensions(o, ds, labels):
    dim_uid = o.uid("dimension-organization")
    ds.DimensionOrganizationSequence = Sequence([item(DimensionOrganizationUID=dim_uid)])
    ds.DimensionOrganizationType = "3D"
    items = []
    for pointer, group, desc in labels:
        items.append(item(DimensionOrganizationUID=dim_uid, DimensionIndexPointer=Tag(pointer),
                          FunctionalGroupPointer=Tag(group), DimensionDescriptionLabel=desc))
    ds.DimensionIndexSequence = Sequence(items)


def build_enhanced_ct(o):
    ds = new_dataset(o, "CT", "Enhanced CT thorax")
    for kw in ("AcquisitionDate", "AcquisitionTime"):
        delattr(ds, kw)
    enhanced_equipment(o, ds)
    frame_of_reference(o, ds)
    frames = 2
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    ds.AcquisitionNumber = 1
    ds.AcquisitionDateTime = DATE + TIME
    ds.AcquisitionDuration = 2.0
    ds.ContentQualification = "PRODUCT"
    ds.BurnedInAnnotation = "NO"
    ds.RecognizableVisualFeatures = "NO"
    ds.LossyImageCompression = "00"
    ds.PresentationLUTShape = "IDENTITY"
    ds.AcquisitionContextSequence = Sequence([])
    ds.PatientPosition = "HFS"
    set_pixels(ds, pattern(32, 32, frames=frames, seed=9))
    event = o.uid("irradiation-event")
    shared = item(
        PixelMeasuresSequence=Sequence([item(PixelSpacing=[0.7, 0.7], SliceThickness=2.5)]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])]),
        FrameAnatomySequence=Sequence([item(AnatomicRegionSequence=Sequence([code("51185008", "SCT", "Chest")]),
                                            FrameLaterality="U")]),
        PixelValueTransformationSequence=Sequence([item(RescaleIntercept=-1024, RescaleSlope=1,
                                                        RescaleType="HU")]),
        FrameVOILUTSequence=Sequence([item(WindowCenter=40, WindowWidth=400)]),
        CTImageFrameTypeSequence=Sequence([item(FrameType=["ORIGINAL", "PRIMARY", "AXIAL", "NONE"],
                                                PixelPresentation="MONOCHROME", VolumetricProperties="VOLUME",
                                                VolumeBasedCalculationTechnique="NONE")]),
        CTAcquisitionTypeSequence=Sequence([item(AcquisitionType="SPIRAL", ConstantVolumeFlag="NO",
                                                 FluoroscopyFlag="NO")]),
        CTAcquisitionDetailsSequence=Sequence([item(DataCollectionDiameter=500, GantryDetectorTilt=0,
                                                    TableHeight=150, RotationDirection="CW", RevolutionTime=0.5,
                                                    SingleCollimationWidth=0.625, TotalCollimationWidth=40)]),
        CTTableDynamicsSequence=Sequence([item(TableSpeed=80, TableFeedPerRotation=40, SpiralPitchFactor=1.0)]),
        CTGeometrySequence=Sequence([item(DistanceSourceToDetector=1085.6,
                                          DistanceSourceToDataCollectionCenter=595)]),
        CTReconstructionSequence=Sequence([item(ReconstructionAlgorithm="FILTER_BACK_PROJ",
                                                ConvolutionKernel="STANDARD", ConvolutionKernelGroup="SOFT_TISSUE",
                                                ReconstructionDiameter=350, ReconstructionPixelSpacing=[0.7, 0.7],
                                                ReconstructionAngle=360, ImageFilter="NONE")]),
        CTExposureSequence=Sequence([item(ExposureTimeInms=500, XRayTubeCurrentInmA=200, ExposureInmAs=100,
                                          CTDIvol=8.5, ExposureModulationType="NONE",
                                          CTDIPhantomTypeCodeSequence=Sequence([
                                              code("113691", "DCM", "IEC Body Dosimetry Phantom")]))]),
        CTXRayDetailsSequence=Sequence([item(KVP=120, FocalSpots=[1.2], FilterType="BODY", FilterMaterial=["AL"])]),
        IrradiationEventIdentificationSequence=Sequence([item(IrradiationEventUID=event)]),
    )
    per_frame = []
    for f in range(frames):
        z = -10.0 - 2.5 * f
        per_frame.append(item(
            FrameContentSequence=Sequence([item(
                FrameAcquisitionNumber=1, FrameReferenceDateTime=DATE + TIME,
                FrameAcquisitionDateTime=DATE + TIME, FrameAcquisitionDuration=500,
                DimensionIndexValues=[1, f + 1], StackID="1", InStackPositionNumber=f + 1)]),
            PlanePositionSequence=Sequence([item(ImagePositionPatient=[-11.2, -11.2, z])]),
            CTPositionSequence=Sequence([item(TablePosition=z, ReconstructionTargetCenterPatient=[0, 0, z],
                                              DataCollectionCenterPatient=[0, 0, z])]),
        ))
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    dimensions(o, ds, [(0x00209056, 0x00209111, "Stack ID"), (0x00209057, 0x00209111, "In-Stack Position")])
    return ds


def build_us(o):
    ds = new_dataset(o, "US", "US abdomen")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "ABDOMINAL", "0001"]
    ds.PatientOrientation = ""
    ds.LossyImageCompression = "00"
    ds.BurnedInAnnotation = "YES"
    ds.Laterality = ""
    ds.TransducerData = [o.plant(f"XDCR-{o.tag}-{o.nn:02d}")]
    set_pixels(ds, pattern(32, 32, maxval=255, seed=11))
    return ds


def sc_equipment(ds, modality_note=None):
    ds.ConversionType = "WSD"
    ds.SecondaryCaptureDeviceManufacturer = "ACME Capture"
    ds.SecondaryCaptureDeviceManufacturerModelName = "CAP-2"
    ds.SecondaryCaptureDeviceSoftwareVersions = "2.0"
    ds.DateOfSecondaryCapture = DATE
    ds.TimeOfSecondaryCapture = TIME


def build_sc(o, modality, burned):
    ds = new_dataset(o, modality, f"SC {modality or 'no modality'}")
    sc_equipment(ds)
    ds.PatientOrientation = ""
    ds.Laterality = ""
    if burned is not None:
        ds.BurnedInAnnotation = burned
    set_pixels(ds, pattern(16, 16, maxval=255, seed=13 + o.nn))
    return ds


def build_mfw(o):
    ds = new_dataset(o, "OT", "MF word SC")
    sc_equipment(ds)
    ds.PatientOrientation = ""
    ds.Laterality = ""
    ds.BurnedInAnnotation = "NO"
    ds.PresentationLUTShape = "IDENTITY"
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096
    set_pixels(ds, pattern(16, 16, frames=3, seed=17))
    ds.FrameIncrementPointer = Tag(0x00182002)
    ds.FrameLabelVector = ["F1", "F2", "F3"]
    return ds


def implicit_element(tag, value):
    if len(value) % 2:
        value += b"\0"
    return struct.pack("<HHI", tag >> 16, tag & 0xFFFF, len(value)) + value


def referenced_plan_items_implicit(o, undefined):
    """Referenced RT Plan Sequence items as implicit VR LE bytes (PS3.5 6.2.2: how UN carries a sequence)."""
    body = implicit_element(0x00081150, SOP["RTPLAN"][0].encode()) + \
        implicit_element(0x00081155, o.uid("referenced-rt-plan").encode())
    if undefined:
        return b"\xfe\xff\x00\xe0\xff\xff\xff\xff" + body + b"\xfe\xff\x0d\xe0\x00\x00\x00\x00"
    return b"\xfe\xff\x00\xe0" + struct.pack("<I", len(body)) + body


def build_rtdose(o, un_mode=None):
    ds = new_dataset(o, "RTDOSE", "RT dose")
    frame_of_reference(o, ds)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.PatientOrientation = ""
    del ds.AcquisitionDate, ds.AcquisitionTime
    frames = 2
    set_pixels(ds, pattern(16, 16, frames=frames, seed=19), bits_stored=16)
    ds.PixelSpacing = [2.5, 2.5]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-20, -20, 0]
    ds.SliceThickness = ""
    ds.FrameIncrementPointer = Tag(0x3004000C)
    ds.GridFrameOffsetVector = [0, 2.5]
    ds.DoseUnits = "GY"
    ds.DoseType = "PHYSICAL"
    ds.DoseSummationType = "PLAN"
    ds.DoseGridScaling = 0.0001
    ds.DoseComment = o.plant(f"Dose for {o.family(o.cs['patient'])} plan PL-{o.tag}")
    if un_mode is None:
        ds.ReferencedRTPlanSequence = Sequence([item(ReferencedSOPClassUID=SOP["RTPLAN"][0],
                                                     ReferencedSOPInstanceUID=o.uid("referenced-rt-plan"))])
    else:
        undefined = un_mode == "undefined"
        value = referenced_plan_items_implicit(o, undefined)
        ds[0x300C0002] = RawDataElement(Tag(0x300C0002), "UN", 0xFFFFFFFF if undefined else len(value),
                                        value, 0, False, True)
        o.notes.append(f"Referenced RT Plan Sequence (300C,0002) written with VR UN, "
                       f"{'undefined' if undefined else 'defined'} length, items in implicit VR LE")
    return ds


def build_rtplan(o):
    ds = new_dataset(o, "RTPLAN", "RT plan", image=False)
    ds.RTPlanLabel = o.plant(f"PL-{o.tag}")
    ds.RTPlanName = f"{o.cs['word']} plan"
    ds.RTPlanDescription = f"Plan for {o.family(o.cs['patient'])} by {o.cs['other']}"
    o.plant(ds.RTPlanDescription)
    o.plant(o.cs["other"])
    ds.RTPlanDate = DATE
    ds.RTPlanTime = TIME
    ds.RTPlanGeometry = "TREATMENT_DEVICE"
    ds.ApprovalStatus = "APPROVED"
    ds.ReviewDate = DATE
    ds.ReviewTime = TIME
    ds.ReviewerName = o.plant_pn(o.cs["observer"])
    ds.FractionGroupSequence = Sequence([item(FractionGroupNumber=1, NumberOfFractionsPlanned=1, NumberOfBeams=0,
                                              NumberOfBrachyApplicationSetups=0)])
    ds.PatientSetupSequence = Sequence([item(PatientSetupNumber=1, PatientPosition="HFS")])
    return ds


def evidence(o, cls="CR", label="evidence"):
    return Sequence([item(
        StudyInstanceUID=o.uid("study"),
        ReferencedSeriesSequence=Sequence([item(
            SeriesInstanceUID=o.uid(f"{label}-series"),
            ReferencedSOPSequence=Sequence([item(ReferencedSOPClassUID=SOP[cls][0],
                                                 ReferencedSOPInstanceUID=o.uid(f"{label}-image"))]))]))])


def image_ref(o, cls="CR", label="evidence"):
    return item(RelationshipType="CONTAINS", ValueType="IMAGE",
                ConceptNameCodeSequence=Sequence([code("121112", "DCM", "Source of Measurement")]),
                ReferencedSOPSequence=Sequence([item(ReferencedSOPClassUID=SOP[cls][0],
                                                     ReferencedSOPInstanceUID=o.uid(f"{label}-image"))]))


def sr_general(o, ds):
    ds.ReferencedPerformedProcedureStepSequence = Sequence([])
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "VERIFIED"
    ds.ContentDate = DATE
    ds.ContentTime = TIME
    ds.VerifyingObserverSequence = Sequence([item(
        VerifyingObserverName=o.plant_pn(o.cs["observer"]),
        VerifyingObserverIdentificationCodeSequence=Sequence([]),
        VerifyingOrganization=o.plant(o.cs["inst"]),
        VerificationDateTime=DATE + "120000")])
    ds.AuthorObserverSequence = Sequence([item(
        ObserverType="PSN", PersonName=o.plant_pn(o.cs["operator"]),
        PersonIdentificationCodeSequence=Sequence([]),
        InstitutionName=o.plant(o.cs["inst"]), InstitutionCodeSequence=Sequence([]))])
    ds.PerformedProcedureCodeSequence = Sequence([])
    ds.CurrentRequestedProcedureEvidenceSequence = evidence(o)


def observer_context(o):
    return [
        item(RelationshipType="HAS OBS CONTEXT", ValueType="CODE",
             ConceptNameCodeSequence=Sequence([code("121005", "DCM", "Observer Type")]),
             ConceptCodeSequence=Sequence([code("121006", "DCM", "Person")])),
        item(RelationshipType="HAS OBS CONTEXT", ValueType="PNAME",
             ConceptNameCodeSequence=Sequence([code("121008", "DCM", "Person Observer Name")]),
             PersonName=o.plant_pn(o.cs["observer"])),
    ]


def build_sr(o, cls):
    ds = new_dataset(o, "SR", "SR report", image=False)
    sr_general(o, ds)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([code("18748-4", "LN", "Diagnostic Imaging Report")])
    ds.ContinuityOfContent = "SEPARATE"
    finding = f"{o.family(o.cs['patient'])} seen by {o.cs['other']}, {o.pid}: no fracture"
    o.plant(finding)
    o.plant(o.cs["other"])
    content = observer_context(o) + [
        item(RelationshipType="HAS OBS CONTEXT", ValueType="TEXT",
             ConceptNameCodeSequence=Sequence([code("121009", "DCM", "Person Observer's Organization Name")]),
             TextValue=o.plant(o.cs["inst"])),
        item(RelationshipType="CONTAINS", ValueType="TEXT",
             ConceptNameCodeSequence=Sequence([code("121071", "DCM", "Finding")]),
             TextValue=finding),
    ]
    if cls == "CSR":
        content.append(image_ref(o))
    else:
        content.append(item(RelationshipType="CONTAINS", ValueType="PNAME",
                            ConceptNameCodeSequence=Sequence([code("113850", "DCM", "Irradiation Authorizing")]),
                            PersonName=o.plant_pn(o.cs["referring"])))
    ds.ContentSequence = Sequence(content)
    return ds


def build_ko(o):
    ds = new_dataset(o, "KO", "KO selection", image=False)
    ds.ReferencedPerformedProcedureStepSequence = Sequence([])
    ds.ContentDate = DATE
    ds.ContentTime = TIME
    ds.CurrentRequestedProcedureEvidenceSequence = evidence(o)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([code("113000", "DCM", "Of Interest")])
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentTemplateSequence = Sequence([item(MappingResource="DCMR", TemplateIdentifier="2010")])
    text = f"Key images of {o.family(o.cs['patient'])} for {o.cs['other']}"
    o.plant(text)
    o.plant(o.cs["other"])
    ds.ContentSequence = Sequence([
        item(RelationshipType="CONTAINS", ValueType="TEXT",
             ConceptNameCodeSequence=Sequence([code("113012", "DCM", "Key Object Description")]),
             TextValue=text),
        item(RelationshipType="CONTAINS", ValueType="IMAGE",
             ReferencedSOPSequence=Sequence([item(ReferencedSOPClassUID=SOP["CR"][0],
                                                  ReferencedSOPInstanceUID=o.uid("evidence-image"))])),
    ])
    return ds


def build_gsps(o):
    ds = new_dataset(o, "PR", "GSPS", image=False)
    ds.PresentationCreationDate = DATE
    ds.Laterality = ""
    ds.PresentationCreationTime = TIME
    ds.ContentLabel = "QXLABEL"
    ds.ContentDescription = f"Presentation for {o.family(o.cs['patient'])}"
    o.plant(ds.ContentDescription)
    ds.ContentCreatorName = o.plant_pn(o.cs["observer"])
    ds.ReferencedSeriesSequence = Sequence([item(
        SeriesInstanceUID=o.uid("evidence-series"),
        ReferencedImageSequence=Sequence([item(ReferencedSOPClassUID=SOP["CR"][0],
                                               ReferencedSOPInstanceUID=o.uid("evidence-image"))]))])
    ds.DisplayedAreaSelectionSequence = Sequence([item(
        DisplayedAreaTopLeftHandCorner=[1, 1], DisplayedAreaBottomRightHandCorner=[32, 32],
        PresentationSizeMode="SCALE TO FIT", PresentationPixelAspectRatio=[1, 1])])
    ds.GraphicLayerSequence = Sequence([item(GraphicLayer="LAYER1", GraphicLayerOrder=1)])
    text = f"{o.cs['other']} {o.pid}"
    o.plant(text)
    o.plant(o.cs["other"])
    ds.GraphicAnnotationSequence = Sequence([item(
        GraphicLayer="LAYER1",
        TextObjectSequence=Sequence([item(UnformattedTextValue=text, AnchorPointAnnotationUnits="PIXEL",
                                          AnchorPoint=[5.0, 5.0], AnchorPointVisibility="N")]))])
    ds.ImageRotation = 0
    ds.ImageHorizontalFlip = "N"
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.SoftcopyVOILUTSequence = Sequence([item(WindowCenter=2048, WindowWidth=4096)])
    ds.PresentationLUTShape = "IDENTITY"
    return ds


def build_seg(o):
    ds = new_dataset(o, "SEG", "Segmentation", image=True)
    for kw in ("AcquisitionDate", "AcquisitionTime"):
        delattr(ds, kw)
    enhanced_equipment(o, ds)
    frame_of_reference(o, ds)
    ds.ImageType = ["DERIVED", "PRIMARY"]
    ds.ContentLabel = "LUNG"
    ds.ContentDescription = f"Lung of {o.family(o.cs['patient'])}"
    o.plant(ds.ContentDescription)
    ds.ContentCreatorName = o.plant_pn(o.cs["observer"])
    ds.SegmentationType = "BINARY"
    ds.LossyImageCompression = "00"
    ds.SegmentSequence = Sequence([item(
        SegmentNumber=1, SegmentLabel="Lung", SegmentAlgorithmType="MANUAL",
        SegmentedPropertyCategoryCodeSequence=Sequence([code("91723000", "SCT", "Anatomical Structure")]),
        SegmentedPropertyTypeCodeSequence=Sequence([code("39607008", "SCT", "Lung")]))])
    frames = 2
    masks = np.zeros((frames, 16, 16), dtype=np.uint8)
    masks[0, 4:12, 3:9] = 1
    masks[1, 5:11, 4:10] = 1
    packed = np.packbits(masks.reshape(-1), bitorder="little").tobytes()
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 16
    ds.Columns = 16
    ds.NumberOfFrames = frames
    ds.BitsAllocated = 1
    ds.BitsStored = 1
    ds.HighBit = 0
    ds.PixelRepresentation = 0
    ds.add_new(0x7FE00010, "OB", packed + (b"\0" if len(packed) % 2 else b""))
    source_series = o.uid("source-series")
    sources = [o.uid(f"source-image-{f}") for f in range(frames)]
    ds.ReferencedSeriesSequence = Sequence([item(
        SeriesInstanceUID=source_series,
        ReferencedInstanceSequence=Sequence([item(ReferencedSOPClassUID=SOP["CT"][0], ReferencedSOPInstanceUID=s)
                                             for s in sources]))])
    ds.SharedFunctionalGroupsSequence = Sequence([item(
        PixelMeasuresSequence=Sequence([item(PixelSpacing=[0.7, 0.7], SliceThickness=2.5)]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])]))])
    per_frame = []
    for f in range(frames):
        per_frame.append(item(
            FrameContentSequence=Sequence([item(DimensionIndexValues=[1, f + 1])]),
            PlanePositionSequence=Sequence([item(ImagePositionPatient=[-5.6, -5.6, -2.5 * f])]),
            SegmentIdentificationSequence=Sequence([item(ReferencedSegmentNumber=1)]),
            DerivationImageSequence=Sequence([item(
                DerivationCodeSequence=Sequence([code("113076", "DCM", "Segmentation")]),
                SourceImageSequence=Sequence([item(
                    ReferencedSOPClassUID=SOP["CT"][0], ReferencedSOPInstanceUID=sources[f],
                    PurposeOfReferenceCodeSequence=Sequence([code("121322", "DCM",
                                                                  "Source image for image processing operation")])
                )]))])))
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    dimensions(o, ds, [(0x0062000B, 0x0062000A, "Segment"), (0x00200032, 0x00209113, "Position")])
    del ds.DimensionOrganizationType
    return ds


ECG_LEADS = [("2:1", "Lead I"), ("2:2", "Lead II"), ("2:61", "Lead III"), ("2:62", "Lead aVR"),
             ("2:63", "Lead aVL"), ("2:64", "Lead aVF"), ("2:3", "Lead V1"), ("2:4", "Lead V2"),
             ("2:5", "Lead V3"), ("2:6", "Lead V4"), ("2:7", "Lead V5"), ("2:8", "Lead V6")]


def build_ecg(o):
    ds = new_dataset(o, "ECG", "Resting ECG", image=False)
    ds.ContentDate = DATE
    ds.ContentTime = TIME
    ds.AcquisitionDateTime = DATE + TIME
    ds.SynchronizationFrameOfReferenceUID = "1.2.840.10008.15.1.1"
    ds.SynchronizationTrigger = "NO TRIGGER"
    ds.AcquisitionTimeSynchronized = "N"
    ds.AcquisitionContextSequence = Sequence([])
    samples, freq = 500, 500
    t = np.arange(samples) / freq
    channels = []
    data = np.zeros((samples, len(ECG_LEADS)), dtype="<i2")
    for i, (value, meaning) in enumerate(ECG_LEADS):
        beat = np.exp(-((t % 0.8) - 0.2) ** 2 / 0.0004) * (400 + 20 * i)
        data[:, i] = (beat + 30 * np.sin(2 * np.pi * 1.1 * t + i)).astype(np.int16)
        channels.append(item(
            ChannelSourceSequence=Sequence([code(value, "MDC", meaning)]),
            ChannelSensitivity=2.5, ChannelSensitivityUnitsSequence=Sequence([code("uV", "UCUM", "microvolt")]),
            ChannelSensitivityCorrectionFactor=1, ChannelBaseline=0, ChannelTimeSkew=0,
            WaveformBitsStored=16, FilterLowFrequency=0.05, FilterHighFrequency=150))
    wave = item(WaveformOriginality="ORIGINAL",
                NumberOfWaveformChannels=len(ECG_LEADS), NumberOfWaveformSamples=samples,
                SamplingFrequency=freq, MultiplexGroupLabel="RHYTHM",
                ChannelDefinitionSequence=Sequence(channels), WaveformBitsAllocated=16,
                WaveformSampleInterpretation="SS")
    wave.add_new(0x54001010, "OW", data.tobytes())
    ds.WaveformSequence = Sequence([wave])
    text = f"Sinus rhythm; {o.cs['other']} confirmed"
    o.plant(text)
    o.plant(o.cs["other"])
    ds.WaveformAnnotationSequence = Sequence([item(
        UnformattedTextValue=text, ReferencedWaveformChannels=[1, 0])])
    return ds


def tiny_pdf(text):
    """A one-page PDF with ``text`` (ASCII) on it, with a correct xref table."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def build_pdf(o):
    ds = new_dataset(o, "DOC", "Scanned referral", image=False)
    sc_equipment(ds)
    ds.ContentDate = DATE
    ds.ContentTime = TIME
    ds.AcquisitionDateTime = DATE + TIME
    ds.BurnedInAnnotation = "YES"
    ds.DocumentTitle = f"Referral {o.family(o.cs['patient'])}"
    o.plant(ds.DocumentTitle)
    ds.ConceptNameCodeSequence = Sequence([code("18748-4", "LN", "Diagnostic Imaging Report")])
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    pdf_text = f"Referral for Yxwendel Quorrimund, {o.pid}"
    o.plant(pdf_text)
    o.plant("Quorrimund")
    pdf = tiny_pdf(pdf_text)
    ds.EncapsulatedDocumentLength = len(pdf)
    ds.add_new(0x00420011, "OB", pdf + (b"\0" if len(pdf) % 2 else b""))
    o.notes.append("the PDF's text names 'Yxwendel Quorrimund' and the patient ID in ASCII")
    return ds


def add_private(o, ds):
    """Vendor private block with a sequence holding a PN and a UID, plus a private UN element."""
    creator = "ACME_PRIVATE 1.0"
    ds.add_new(0x00290010, "LO", creator)
    inner = Dataset()
    inner.add_new(0x00290010, "LO", creator)
    inner.add_new(0x00291011, "PN", o.plant_pn(o.cs["observer"]))
    inner.add_new(0x00291012, "UI", o.uid("private-referenced"))
    inner.add_new(0x00291013, "LO", o.plant(f"PRIV-{o.tag}-{o.nn:03d}"))
    ds.add_new(0x00291010, "SQ", Sequence([inner]))
    ds.add_new(0x00291020, "UN", o.plant(f"UNID-{o.tag}-{o.nn:04d}").encode("ascii"))
    o.notes.append("private creator 'ACME_PRIVATE 1.0' at (0029,0010); (0029,1010) SQ holds PN (0029,1011), "
                   "UI (0029,1012), LO (0029,1013); (0029,1020) UN holds an ID")


def add_unknown_public(o, ds):
    """An even-group tag that no DICOM dictionary defines, holding a planted ID."""
    ds.add_new(0x00980010, "LO", o.plant(f"UNK-{o.tag}-{o.nn:04d}"))
    ds.add_new(0x00981020, "PN", o.plant_pn(o.cs["observer"]))
    o.notes.append("(0098,0010) LO and (0098,1020) PN: non-private tags that no dictionary defines")


# ---------------------------------------------------------------------------------------------------------
# Writing and converting
# ---------------------------------------------------------------------------------------------------------
def write_pydicom(ds, path, ts=EXPLICIT_LE):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ts
    meta.ImplementationClassUID = pydicom.uid.PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "PYDICOM " + pydicom.__version__
    fds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    fds.update(ds)
    # keep raw (UN) elements raw: update() goes through __setitem__ which keeps them
    for tag in ds.keys():
        fds[tag] = ds.get_item(tag)
    fds.is_little_endian = True
    fds.is_implicit_VR = ts == IMPLICIT_LE
    fds.save_as(path, write_like_original=False)


def run(cmd):
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    return res


CONVERSIONS = {
    # key: (command builder, tool label)
    "implicit": (lambda i, o: ["dcmconv", "+ti", i, o], "dcmtk dcmconv +ti (implicit VR little endian)"),
    "bigendian": (lambda i, o: ["dcmconv", "+tb", i, o], "dcmtk dcmconv +tb (explicit VR big endian, retired)"),
    "deflated": (lambda i, o: ["dcmconv", "+td", i, o], "dcmtk dcmconv +td (deflated explicit VR little endian)"),
    "rle": (lambda i, o: ["gdcmconv", "--rle", i, o], "gdcm gdcmconv --rle"),
    "j2k": (lambda i, o: ["gdcmconv", "--j2k", i, o], "gdcm gdcmconv --j2k (lossless)"),
    "jpegll": (lambda i, o: ["gdcmconv", "--jpeg", i, o], "gdcm gdcmconv --jpeg (lossless)"),
    "jpegls": (lambda i, o: ["gdcmconv", "--jpegls", i, o], "gdcm gdcmconv --jpegls (lossless)"),
}


def tool_name(label):
    prog = label.split()[0]
    return label.replace(prog, TOOLS[prog], 1)


# ---------------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------------
# (file name, charset, class, builder, conversion or None, extra)
def plan():
    P = []

    def add(name, cs, cls, builder, conv=None, **extra):
        P.append(dict(name=name, cs=cs, cls=cls, builder=builder, conv=conv, **extra))

    add("01-cr-latin1.dcm", "latin1", "CR", build_cr)
    add("02-cr-latin1-implicit.dcm", "latin1", "CR", build_cr, "implicit")
    add("03-cr-latin1-jpeg-lossless.dcm", "latin1", "CR", build_cr, "jpegll")
    add("04-dx-utf8.dcm", "utf8", "DX", build_dx)
    add("05-dx-utf8-bigendian.dcm", "utf8", "DX", build_dx, "bigendian")
    add("06-ct-iso2022-jp.dcm", "jp", "CT", build_ct)
    add("07-ct-iso2022-jp-implicit.dcm", "jp", "CT", build_ct, "implicit")
    add("08-ct-iso2022-jp-j2k.dcm", "jp", "CT", build_ct, "j2k")
    add("09-ct-iso2022-jp-ir13.dcm", "jp13", "CT", build_ct)
    add("10-mr-iso2022-kr.dcm", "kr", "MR", build_mr)
    add("11-mr-iso2022-kr-rle.dcm", "kr", "MR", build_mr, "rle")
    add("12-mr-iso2022-kr-bigendian.dcm", "kr", "MR", build_mr, "bigendian")
    add("13-enhanced-ct-greek.dcm", "greek", "ECT", build_enhanced_ct)
    add("14-enhanced-ct-greek-j2k.dcm", "greek", "ECT", build_enhanced_ct, "j2k")
    add("15-mg-cyrillic.dcm", "cyrillic", "MG", build_mg)
    add("16-mg-cyrillic-j2k.dcm", "cyrillic", "MG", build_mg, "j2k")
    add("17-us-hebrew.dcm", "hebrew", "US", build_us)
    add("18-us-hebrew-rle.dcm", "hebrew", "US", build_us, "rle")
    add("19-sc-ot-arabic.dcm", "arabic", "SC", lambda o: build_sc(o, "OT", "YES"))
    add("20-sc-nm-hebrew.dcm", "hebrew", "SC", lambda o: build_sc(o, "NM", None))
    add("21-sc-nomodality-cyrillic-burned-no.dcm", "cyrillic", "SC", lambda o: build_sc(o, None, "NO"))
    add("22-sc-img2dcm-bmp-utf8.dcm", "utf8", "SC", "img2dcm-bmp")
    add("23-sc-img2dcm-jpeg-utf8.dcm", "utf8", "SC", "img2dcm-jpeg")
    add("24-mf-word-sc-gb18030.dcm", "gb18030", "MFW", build_mfw)
    add("25-rtdose-latin1.dcm", "latin1", "RTDOSE", build_rtdose)
    add("26-rtdose-latin1-un-undefined-length.dcm", "latin1", "RTDOSE", lambda o: build_rtdose(o, "undefined"))
    add("27-rtdose-latin1-un-defined-length.dcm", "latin1", "RTDOSE", lambda o: build_rtdose(o, "defined"))
    add("28-rtdose-latin1-implicit.dcm", "latin1", "RTDOSE", build_rtdose, "implicit")
    add("29-rtplan-utf8.dcm", "utf8", "RTPLAN", build_rtplan)
    add("30-sr-comprehensive-utf8.dcm", "utf8", "CSR", lambda o: build_sr(o, "CSR"))
    add("31-sr-comprehensive-utf8-deflated.dcm", "utf8", "CSR", lambda o: build_sr(o, "CSR"), "deflated")
    add("32-sr-basic-text-iso2022-jp.dcm", "jp", "BTSR", lambda o: build_sr(o, "BTSR"))
    add("33-seg-latin1.dcm", "latin1", "SEG", build_seg)
    add("34-ecg-latin1.dcm", "latin1", "ECG", build_ecg)
    add("35-pdf-utf8.dcm", "utf8", "PDF", build_pdf)
    add("36-gsps-greek.dcm", "greek", "GSPS", build_gsps)
    add("37-ko-arabic.dcm", "arabic", "KO", build_ko)
    add("38-cr-latin1-private-acme.dcm", "latin1", "CR", build_cr, private=True)
    add("39-cr-latin1-private-acme-implicit.dcm", "latin1", "CR", build_cr, "implicit", private=True)
    add("40-ct-utf8-unknown-tag.dcm", "utf8", "CT", build_ct, unknown=True)
    add("41-ct-utf8-unknown-tag-implicit.dcm", "utf8", "CT", build_ct, "implicit", unknown=True)
    add("42-dupuid-a-cr-greek.dcm", "greek", "CR", lambda o: build_cr(o, seed=1), dupuid=True)
    add("43-dupuid-b-cr-greek.dcm", "greek", "CR", lambda o: build_cr(o, seed=2), dupuid=True)
    add("44-dupsame-a-dx-hebrew.dcm", "hebrew", "DX", build_dx, dupsame="45-dupsame-b-dx-hebrew.dcm")
    add("46-dx-utf8-deflated.dcm", "utf8", "DX", build_dx, "deflated")
    add("47-mr-gb18030.dcm", "gb18030", "MR", build_mr)
    add("48-dx-latin1-burned-in-yes.dcm", "latin1", "DX", lambda o: build_dx(o, burned="YES"))
    add("49-cr-arabic-jpeg-lossless.dcm", "arabic", "CR", build_cr, "jpegll")
    add("50-dx-hebrew-rle.dcm", "hebrew", "DX", build_dx, "rle")
    add("51-cr-cyrillic-jpegls.dcm", "cyrillic", "CR", build_cr, "jpegls")
    add("52-ct-arabic.dcm", "arabic", "CT", build_ct)
    return P


def expectation(o, entry, ds):
    if entry.get("dupuid"):
        return "duplicate-uid-different-object"
    if entry.get("dupsame"):
        return "duplicate-same-object"
    if o.cls in NOT_IMAGES:
        return "not-an-image"
    burned = str(ds.get("BurnedInAnnotation", "")).upper() == "YES" if ds is not None else False
    if o.cls in REFUSED_CLASSES or burned:
        return "refuse-burned-in"
    return "archive"


def make_img2dcm(o, kind, work, out_path):
    """A Secondary Capture written by dcmtk's img2dcm from a BMP or a cjpeg JPEG, completed by dcmodify."""
    w = h = 16
    pix = pattern(h, w, maxval=255, seed=29 if kind == "bmp" else 31).astype(np.uint8)
    if kind == "bmp":
        src = os.path.join(work, f"{o.nn}.bmp")
        rows = b"".join(bytes(np.repeat(pix[y], 3)) for y in range(h - 1, -1, -1))  # bottom-up BGR
        header = b"BM" + struct.pack("<IHHI", 54 + len(rows), 0, 0, 54) + \
            struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
        with open(src, "wb") as f:
            f.write(header + rows)
        cmd = ["img2dcm", "-i", "BMP", src]
        made_by = [f"python (24-bit BMP)", tool_name("dcmtk img2dcm -i BMP")]
    else:
        if not shutil.which("cjpeg"):
            return None
        pgm = os.path.join(work, f"{o.nn}.pgm")
        with open(pgm, "wb") as f:
            f.write(f"P5 {w} {h} 255\n".encode() + pix.tobytes())
        src = os.path.join(work, f"{o.nn}.jpg")
        run(["cjpeg", "-quality", "90", "-outfile", src, pgm])
        cmd = ["img2dcm", "-i", "JPEG", src]
        made_by = ["python (PGM)", "libjpeg-turbo cjpeg -quality 90", tool_name("dcmtk img2dcm -i JPEG")]
    cs = o.cs
    fam = o.family(cs["patient"])
    keys = {
        "SpecificCharacterSet": cs["scs"][0],
        "PatientName": o.plant_pn(cs["patient"]),
        "PatientID": o.plant(o.pid),
        "IssuerOfPatientID": o.plant(f"ISS-{o.tag}-HOSP{o.nn:02d}"),
        "PatientBirthDate": o.plant(f"19{30 + o.nn:02d}{1 + o.nn % 12:02d}{1 + o.nn % 27:02d}"),
        "PatientSex": "F",
        "PatientAddress": o.plant(cs["pat_addr"]),
        "StudyInstanceUID": o.uid("study"),
        "SeriesInstanceUID": o.uid("series"),
        "SOPInstanceUID": o.uid("sop"),
        "StudyDate": DATE, "StudyTime": TIME,
        "AccessionNumber": o.plant(f"ACC{o.tag}{o.nn:04d}"),
        "ReferringPhysicianName": o.plant_pn(cs["referring"]),
        "StudyID": o.plant(f"SID{o.tag}{o.nn:02d}"),
        "StudyDescription": o.plant(f"{cs['word']} {fam} {o.nn:02d}"),
        "SeriesNumber": "1", "InstanceNumber": "1",
        "Modality": "OT",
        "InstitutionName": o.plant(cs["inst"]),
        "InstitutionAddress": o.plant(cs["inst_addr"]),
        "StationName": o.plant(f"STN-{o.tag}-{o.nn:02d}"),
        "OperatorsName": o.plant_pn(cs["operator"]),
        "DeviceSerialNumber": o.plant(f"SN-{o.tag}-{o.nn:04d}"),
        "Manufacturer": "ACME Capture",
        "ImageComments": o.plant(f"{cs['other']} reviewed {o.pid}"),
        "BurnedInAnnotation": "NO",
        "Laterality": "",
        "ContentDate": DATE, "ContentTime": TIME,
    }
    o.plant(cs["other"])
    for k, v in keys.items():
        cmd += ["-k", f"{k}={v}"]
    run(cmd + [out_path])
    # Sequences: dcmodify, in place, no backup file
    mods = {
        "OtherPatientIDsSequence[0].PatientID": o.plant(f"OPID-{o.tag}-{o.nn:04d}"),
        "OtherPatientIDsSequence[0].IssuerOfPatientID": o.plant(f"OISS-{o.tag}-{o.nn:02d}"),
        "OtherPatientIDsSequence[0].TypeOfPatientID": "TEXT",
        "RequestAttributesSequence[0].RequestedProcedureID": o.plant(f"RP-{o.tag}-{o.nn:03d}"),
        "RequestAttributesSequence[0].ScheduledProcedureStepID": o.plant(f"SPS-{o.tag}-{o.nn:03d}"),
    }
    dm = ["dcmodify", "-nb"]
    for k, v in mods.items():
        dm += ["-i", f"{k}={v}"]
    run(dm + [out_path])
    return made_by + [tool_name("dcmtk dcmodify -nb -i (sequences)")]


def dataset_bytes(path):
    """The bytes of the data set, inflated when the transfer syntax is deflated."""
    with open(path, "rb") as f:
        raw = f.read()
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    if ds.file_meta.TransferSyntaxUID == DEFLATED:
        meta_len = ds.file_meta.FileMetaInformationGroupLength
        start = 132 + 12 + meta_len
        return raw[:start] + zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw[start:])
    return raw


ESCAPES = re.compile(rb"\x1b(\$[()*+\-./]?[@-~]|[()*+\-./][@-~]|[@-~])")


def verify(o, path, planted_pn):
    """Checks that every planted value is in the file as the bytes the manifest names, and names decode back."""
    data = dataset_bytes(path)
    encoded = []
    for text, pn in o.strings:
        candidates = [o.encode(text, pn), ESCAPES.sub(b"", o.encode(text, pn))]
        if o.cs_key in ("jp13",):
            candidates.append(text.encode("shift_jis", errors="ignore"))
        found = next((c for c in candidates if c and c in data), None)
        if found is None:
            raise AssertionError(f"{o.name}: planted {text!r} ({candidates[0]!r}) not found in the file")
        encoded.append(found)
        if b"\\" in found and "\\" not in text:
            note = (f"{text!r} encodes with byte 0x5C (backslash) inside a multi-byte character: "
                    f"a reader that splits values on that byte before decoding sees two values")
            if note not in o.notes:
                o.notes.append(note)
    for uid in o.uids:
        if uid.encode() not in data:
            raise AssertionError(f"{o.name}: planted UID {uid} not found in the file")
    back = pydicom.dcmread(path, stop_before_pixels=True)
    if planted_pn is not None and str(back.PatientName) != planted_pn:
        raise AssertionError(f"{o.name}: PatientName decodes as {str(back.PatientName)!r}, not {planted_pn!r}")
    return encoded, back


def main(argv):
    global TOOLS
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    check = "--check" in argv
    out_dir = os.path.abspath(args[0])
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if name.endswith(".dcm") or name == "manifest.json":
            os.remove(os.path.join(out_dir, name))
    TOOLS = tool_versions()
    pydicom.config.replace_un_with_known_vr = False  # keep the hand-made UN elements as UN when writing
    started = time.monotonic()
    manifest = []
    skipped = []
    with tempfile.TemporaryDirectory(prefix="osteonode-corpus-") as work:
        for entry in plan():
            o = Obj(entry["name"], entry["cs"], entry["cls"],
                    uid_key="dupuid-pair" if entry.get("dupuid") else None)
            if entry.get("dupuid"):
                # same study, series and SOP Instance UID; different names, IDs and pixel data
                o.uid_key = "dupuid-pair"
            path = os.path.join(out_dir, o.name)
            ds = None
            if isinstance(entry["builder"], str):
                tools = make_img2dcm(o, entry["builder"].split("-")[1], work, path)
                if tools is None:
                    skipped.append(f"{o.name}: cjpeg missing, JPEG img2dcm file not made")
                    continue
                o.tools = tools
                o.notes.append("written by img2dcm (-k keys) and dcmodify, not by pydicom")
            else:
                ds = entry["builder"](o)
                if entry.get("private"):
                    add_private(o, ds)
                if entry.get("unknown"):
                    add_unknown_public(o, ds)
                if entry["conv"]:
                    tmp = os.path.join(work, "src-" + o.name)
                    write_pydicom(ds, tmp)
                    cmd, label = CONVERSIONS[entry["conv"]]
                    run(cmd(tmp, path))
                    o.tools = [tool_name("pydicom") + " (data set, explicit VR little endian)", tool_name(label)]
                else:
                    write_pydicom(ds, path)
                    o.tools = [tool_name("pydicom") + " (data set, explicit VR little endian)"]
            encoded, back = verify(o, path, o.cs["patient"])
            files = [o.name]
            if entry.get("dupsame"):
                shutil.copyfile(path, os.path.join(out_dir, entry["dupsame"]))
                files.append(entry["dupsame"])
            ts = str(back.file_meta.TransferSyntaxUID)
            for fname in files:
                rec = {
                    "file": fname,
                    "sopClassUid": SOP[o.cls][0],
                    "sopClassName": SOP[o.cls][1],
                    "transferSyntaxUid": ts,
                    "transferSyntaxName": pydicom.uid.UID(ts).name,
                    "specificCharacterSet": "\\".join(o.cs["scs"]),
                    "tools": o.tools + (["cp (byte-identical copy of " + o.name + ")"] if fname != o.name else []),
                    "hasPixels": "PixelData" in back or "PixelData" in pydicom.dcmread(path),
                    "modality": str(back.get("Modality", "")) or None,
                    "burnedInAnnotation": str(back.get("BurnedInAnnotation", "")) or None,
                    "planted": {
                        "strings": [t for t, _ in o.strings],
                        "encodedStrings": [base64.b64encode(b).decode() for b in encoded],
                        "uids": list(o.uids),
                    },
                    "expect": expectation(o, entry, back),
                    "deflated": ts == DEFLATED,
                    "nondeterministic": False,
                }
                if entry.get("dupuid"):
                    rec["duplicateGroup"] = "dupuid-1"
                if entry.get("dupsame"):
                    rec["duplicateGroup"] = "dupsame-1"
                if o.notes:
                    rec["notes"] = list(o.notes)
                manifest.append(rec)
    manifest.sort(key=lambda r: r["file"])
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    elapsed = time.monotonic() - started
    size = sum(os.path.getsize(os.path.join(out_dir, r["file"])) for r in manifest)
    print(f"{len(manifest)} files, {size} bytes, {elapsed:.1f} s -> {out_dir}")
    for s in skipped:
        print("skipped:", s)
    if check:
        return check_files(out_dir, manifest)
    return 0


def check_files(out_dir, manifest):
    bad = 0
    for rec in manifest:
        path = os.path.join(out_dir, rec["file"])
        dump = subprocess.run(["dcmdump", "-q", path], capture_output=True)
        if dump.returncode != 0:
            bad += 1
        if shutil.which("dciodvfy"):
            target = path
            if rec["deflated"]:
                # dciodvfy cannot read deflated data sets: verify dcmconv's inflated copy instead
                target = os.path.join(tempfile.gettempdir(), "inflated-" + rec["file"])
                run(["dcmconv", "+te", path, target])
            res = subprocess.run(["dciodvfy", "-new", target], capture_output=True)
            if target != path:
                os.remove(target)
            text = (res.stdout + res.stderr).decode("utf-8", "replace")
            errors = sum(1 for line in text.splitlines() if line.startswith("Error"))
            warnings_ = sum(1 for line in text.splitlines() if line.startswith("Warning"))
            print(f"{rec['file']:48s} dcmdump={'ok' if dump.returncode == 0 else 'FAIL'} "
                  f"dciodvfy errors={errors} warnings={warnings_}")
        else:
            print(f"{rec['file']:48s} dcmdump={'ok' if dump.returncode == 0 else 'FAIL'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
