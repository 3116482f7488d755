"""Turn abstract workbooks into files: openpyxl (.xlsx), xlwt (.xls), LibreOffice (.ods, re-saved .xlsx).

Every zip-based output is normalised afterwards (fixed document dates and zip entry times), so that
two runs give byte-identical files.
"""

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import datetime

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Font

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


# -- normalisation ---------------------------------------------------------------

_STAMP_RE = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?")
_STAMPED = ("docProps/core.xml", "meta.xml")


_MASTER_RE = re.compile(rb"(<office:master-styles>)(.*?)(</office:master-styles>)", re.S)
_PAGE_RE = re.compile(rb"<style:master-page .*?</style:master-page>|<style:master-page [^>]*/>", re.S)


def _sort_master_pages(data):
    """LibreOffice writes an .ods's page styles (one per sheet) in hash order: sort them by name."""
    def fix(m):
        pages = _PAGE_RE.findall(m.group(2))
        assert b"".join(pages) == m.group(2), "unexpected content in office:master-styles"
        return m.group(1) + b"".join(sorted(pages)) + m.group(3)
    return _MASTER_RE.sub(fix, data)


def normalize_zip(path, stamp):
    """Rewrite a zip (xlsx / ods) with fixed entry times and fixed document dates."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%S").encode()
    tmp = path + ".norm"
    with zipfile.ZipFile(tmp, "w") as out:
        for info, data in items:
            if info.filename in _STAMPED:
                data = _STAMP_RE.sub(iso, data)
            if info.filename == "styles.xml" and path.endswith(".ods"):
                data = _sort_master_pages(data)
            zi = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            zi.compress_type = info.compress_type
            zi.external_attr = info.external_attr
            zi.create_system = 3
            out.writestr(zi, data)
    os.replace(tmp, path)


# -- openpyxl --------------------------------------------------------------------

def write_openpyxl(model, path, stamp):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in model.sheets:
        ws = wb.create_sheet(sh.name)
        for (r, c), cell in sorted(sh.cells.items()):
            x = ws.cell(row=r, column=c)
            x.value = cell.value
            if cell.fmt:
                x.number_format = cell.fmt
            if cell.kind == "error":
                assert x.data_type == "e", cell
            if cell.kind == "formula":
                assert x.data_type == "f", cell
            if cell.kind == "value" and isinstance(cell.value, str):
                assert x.data_type == "s", cell
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            ws.cell(row=r1, column=c1).alignment = Alignment(horizontal="center", vertical="center")
        if (1, 1) in sh.cells and any(m[:2] == (1, 1) for m in sh.merges):
            ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        for c, w in sh.widths.items():
            ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = w
        if sh.hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, sh in enumerate(model.sheets) if not sh.hidden)
    wb.properties.creator = "Administrator"
    wb.properties.lastModifiedBy = "Administrator"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)
    normalize_zip(path, stamp)


# -- xlwt ------------------------------------------------------------------------

def write_xlwt(model, path):
    wb = xlwt.Workbook(encoding="utf-8")
    plain = xlwt.easyxf("")
    centred = xlwt.easyxf("align: horiz center, vert center")
    title = xlwt.easyxf("font: bold on, height 280; align: horiz center, vert center")
    pct = xlwt.easyxf("", num_format_str="0%")
    for sh in model.sheets:
        ws = wb.add_sheet(sh.name, cell_overwrite_ok=True)
        origins = {}
        for r1, c1, r2, c2 in sh.merges:
            origins[(r1, c1)] = (r2, c2)
        for (r, c), cell in sorted(sh.cells.items()):
            if cell.kind in ("formula", "error"):
                raise ValueError(f"xlwt writer: no {cell.kind} cells ({sh.name} r{r}c{c})")
            style = pct if cell.kind == "pct" else plain
            if (r, c) in origins:
                r2, c2 = origins.pop((r, c))
                ws.write_merge(r - 1, r2 - 1, c - 1, c2 - 1, cell.value, title if r == 1 else centred)
            else:
                ws.write(r - 1, c - 1, cell.value, style)
        for (r1, c1), (r2, c2) in origins.items():      # merges without a value
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, "", centred)
        for c, w in sh.widths.items():
            ws.col(c - 1).width = int(256 * w)
        if sh.hidden:
            ws.visibility = 1
    wb.save(path)


# -- LibreOffice -------------------------------------------------------------------

FILTERS = {"ods": "ods", "xlsx": "xlsx:Calc Office Open XML"}


# LibreOffice writes the name of the font it fell back to for CJK text into every rich-text run it
# saves, so the files would depend on the fonts installed (DejaVu Sans without a CJK font, WenQuanYi
# Micro Hei with fonts-wqy-microhei, ...). It runs with the system's fontconfig minus every font that
# covers Chinese, so that the output is the same on any machine with the usual fonts.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>
    <pattern><patelt name="lang"><string>zh-tw</string></patelt></pattern>
    <pattern><patelt name="lang"><string>ja</string></patelt></pattern>
    <pattern><patelt name="lang"><string>ko</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


def soffice_convert(sources, fmt, outdir):
    """Convert files with one headless LibreOffice call, in a throw-away profile."""
    if not sources:
        return
    profile = tempfile.mkdtemp(prefix="lo_profile_huizong_")
    try:
        fonts_conf = os.path.join(profile, "fonts.conf")
        with open(fonts_conf, "w", encoding="utf-8") as fh:
            fh.write(FONTS_CONF)
        cmd = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", FILTERS[fmt], "--outdir", outdir, *sources]
        env = dict(os.environ, FONTCONFIG_FILE=fonts_conf)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        for src in sources:
            out = os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "." + fmt)
            if not os.path.exists(out):
                raise RuntimeError(f"LibreOffice did not convert {src}:\n{res.stdout}\n{res.stderr}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class LibreOfficeQueue:
    """Collects openpyxl sources to convert, then converts them in one batch per target format."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.jobs = []          # (source, target, fmt, stamp)

    def add(self, model, target, fmt, stamp):
        src = os.path.join(self.workdir, f"src{len(self.jobs):03d}.xlsx")
        write_openpyxl(model, src, stamp)
        self.jobs.append((src, target, fmt, stamp))

    def run(self):
        for fmt in FILTERS:
            jobs = [j for j in self.jobs if j[2] == fmt]
            outdir = os.path.join(self.workdir, "out_" + fmt)
            os.makedirs(outdir, exist_ok=True)
            soffice_convert([j[0] for j in jobs], fmt, outdir)
            for src, target, _, stamp in jobs:
                out = os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "." + fmt)
                normalize_zip(out, stamp)
                shutil.move(out, target)


def stamp_for(filed):
    """The document time of a return: its filing day, 09:30."""
    return datetime(filed.year, filed.month, filed.day, 9, 30, 0)
