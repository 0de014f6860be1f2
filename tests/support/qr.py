"""Decoding QR codes as a phone would: render the image, read it with a real decoder (zxing-cpp)."""
from __future__ import annotations

import numpy as np
import pyvips
import zxingcpp


def decode_svg(svg: bytes, dpi: int = 150) -> list[str]:
    """The texts of every QR code in an SVG (rendered with librsvg through pyvips, on white)."""
    return decode_image(pyvips.Image.svgload_buffer(svg, dpi=dpi))


def decode_image(image: pyvips.Image) -> list[str]:
    """The texts of every QR code in a pyvips image."""
    if image.hasalpha():
        image = image.flatten(background=255)
    grey = image.colourspace("b-w").cast("uchar")
    pixels = np.ndarray(buffer=grey.write_to_memory(), dtype=np.uint8, shape=[grey.height, grey.width])
    return [result.text for result in zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)]
