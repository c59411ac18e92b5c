"""Reading documents as a person (or a door scanner) would: PDF pages turned into images
with poppler's pdftoppm, QR codes decoded from them with zxing-cpp."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

DPI = 200

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)


def pages_as_images(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    path = tmp_path / "badges.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", path, tmp_path / "page"], check=True
    )
    return [Image.open(png).convert("L") for png in sorted(tmp_path.glob("page-*.png"))]


def decode_qr(image: Image.Image) -> list[Any]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed")
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
