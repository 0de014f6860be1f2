"""Write the spreadsheet fixtures of tests/data/libreoffice/ with LibreOffice Calc, as curators' files are written.

Run once, by hand, where LibreOffice is installed (Debian: ``apt-get install libreoffice-calc-nogui``), and commit
the files it produces; the tests only read the committed files, so CI needs no LibreOffice:

    python tools/make_libreoffice_fixtures.py

The source table (below) has what real catalogues carry: cells with line breaks (Alt+Enter), double quotes,
commas, Chinese with characters outside GBK's two-byte range (GB18030 four-byte: 𠀀), dates as catalogues write
them, an extra column. Calc reads it (as UTF-8 CSV) and saves it as a UTF-8 CSV, a GB18030 CSV (what "Text CSV"
with a Chinese character set gives) and an .xlsx workbook.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "libreoffice"
HEADER = ["id", "museum", "hall", "section", "title_zh", "title_en", "period", "date_start", "date_end",
          "material", "description_zh", "description_en", "donor", "files"]
ROWS = [
    ["lo-ding", "copper", "bronze-vessels", "shang", "兽面纹鼎", 'Ding with "taotie" masks, cast', "商", "-1600", "-1046",
     "青铜", "第一段：器身饰兽面纹。\n第二段：三足，双立耳。", "First paragraph.\nSecond paragraph, with a comma.",
     "王先生, 铜陵", ""],
    ["lo-mirror", "copper", "mirrors", "", "𠀀字铜镜", "Mirror with the character 𠀀", "明万历", "", "",
     "青铜", "背面铭文：“长宜子孙”", 'Inscribed "long live the descendants"', "", ""],
    ["lo-record", "copper", "mirrors", "", "无图记录", "Record only", "", "c.1850", "1850s",
     "", "", "", "", ""],
]
#: LibreOffice's CSV filter options: field separator ',', text delimiter '"', character set, first line 1.
FILTERS = {"utf8": "44,34,76,1", "gb18030": "44,34,85,1"}  # 76: UTF-8, 85: GB18030 (rtl_TextEncoding)


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice (soffice) is not installed", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        source = work_dir / "catalogue.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows([HEADER, *ROWS])
        profile = f"-env:UserInstallation=file://{work_dir / 'profile'}"

        def convert(target: str, name: str) -> None:
            outdir = work_dir / name
            subprocess.run([soffice, profile, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", target,
                            "--outdir", str(outdir), str(source)], check=True, capture_output=True, timeout=300)
            produced = next(outdir.iterdir())
            shutil.copy(produced, OUT / name)

        convert("xlsx:Calc MS Excel 2007 XML", "catalogue.xlsx")
        convert(f"csv:Text - txt - csv (StarCalc):{FILTERS['utf8']}", "catalogue-utf8.csv")
        convert(f"csv:Text - txt - csv (StarCalc):{FILTERS['gb18030']}", "catalogue-gb18030.csv")
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(OUT.parents[2]), path.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
