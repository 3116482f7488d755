"""Open every written workbook again and check it holds what the generator says it holds.

.xlsx files are opened with openpyxl directly; .xls and .ods are first converted to .xlsx by
LibreOffice in a temporary folder. For each file: sheet names, order and visibility, merged ranges,
every cell of the abstract workbook, and the cells named by notes and findings.
"""

import os
import tempfile

import openpyxl

from .writers import soffice_convert


def _same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def _norm_formula(f):
    return str(f).replace(" ", "").upper()


class Checker:
    def __init__(self):
        self.errors = []
        self.checked_cells = 0

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def check_book(self, label, path, writer, model, layout, findings, notes, formula_values):
        wb_f = openpyxl.load_workbook(path, data_only=False)
        wb_v = openpyxl.load_workbook(path, data_only=True)
        names = [sh.name for sh in model.sheets]
        if wb_f.sheetnames != names:
            self.fail(label, f"sheets {wb_f.sheetnames} != {names}")
            return
        for sh in model.sheets:
            wsf, wsv = wb_f[sh.name], wb_v[sh.name]
            where = f"{label}!{sh.name}"
            state = "hidden" if sh.hidden else "visible"
            if wsf.sheet_state != state:
                self.fail(where, f"state {wsf.sheet_state} != {state}")
            got = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in wsf.merged_cells.ranges}
            if got != set(sh.merges):
                self.fail(where, f"merges {sorted(got)} != {sorted(sh.merges)}")
            seen = set()
            for row in wsf.iter_rows():
                for c in row:
                    if c.value is not None and c.value != "":
                        seen.add((c.row, c.column))
            extra = seen - set(sh.cells)
            if extra:
                self.fail(where, f"unexpected cells {sorted(extra)[:5]}")
            for (r, col), spec in sh.cells.items():
                self.checked_cells += 1
                f, v = wsf.cell(r, col), wsv.cell(r, col)
                cell = f.coordinate
                if spec.kind == "formula":
                    if f.data_type != "f" or _norm_formula(f.value) != _norm_formula(spec.value):
                        self.fail(where, f"{cell} formula {f.value!r} != {spec.value!r}")
                    want = formula_values.get((sh.name, cell))
                    if writer == "openpyxl":
                        if v.value is not None:
                            self.fail(where, f"{cell} formula has a stored result {v.value!r}")
                    elif not _same(v.value, want):
                        self.fail(where, f"{cell} formula result {v.value!r} != {want!r}")
                elif spec.kind == "error":
                    if v.value != spec.value:
                        self.fail(where, f"{cell} error {v.value!r} != {spec.value!r}")
                else:
                    if not _same(f.value, spec.value):
                        self.fail(where, f"{cell} {f.value!r} != {spec.value!r}")
                    if isinstance(spec.value, str) and f.data_type != "s":
                        self.fail(where, f"{cell} {spec.value!r} is not a text cell ({f.data_type})")
                    if spec.kind == "pct" and "%" not in f.number_format:
                        self.fail(where, f"{cell} not formatted as a percentage")
        for n in notes:
            f, v = wb_f[n["sheet"]][n["cell"]], wb_v[n["sheet"]][n["cell"]]
            if n["kind"] == "formula_result":
                ok = _norm_formula(f.value) == _norm_formula(n["typed"]) and _same(v.value, n["value"])
            else:
                ok = f.value == n["typed"]
            if not ok:
                self.fail(label, f"note {n} but cell holds {f.value!r} / {v.value!r}")
        for x in findings:
            f, v = wb_f[x["sheet"]][x["cell"]], wb_v[x["sheet"]][x["cell"]]
            if x["rule"] == "R14":
                ok = f.value is None
            elif x["rule"] == "R13":
                typed = x["typed"]
                if isinstance(typed, str) and typed.startswith("="):
                    ok = _norm_formula(f.value) == _norm_formula(typed)
                    ok = ok and (v.value is None if writer == "openpyxl" else v.value == "#DIV/0!")
                else:
                    ok = _same(v.value, typed)
            else:
                ok = _same(v.value, x["value"])
            if not ok:
                self.fail(label, f"finding {x['rule']} {x['code']} at {x['sheet']}!{x['cell']}: "
                                 f"cell holds {f.value!r} / {v.value!r}")


def run(records):
    """records: dicts with path, label, writer, model, layout, findings, notes, formula_values."""
    checker = Checker()
    with tempfile.TemporaryDirectory(prefix="huizong_check_") as tmp:
        to_convert = [r for r in records if not r["path"].endswith(".xlsx")]
        links = []
        for i, r in enumerate(to_convert):
            ext = os.path.splitext(r["path"])[1]
            link = os.path.join(tmp, f"c{i:03d}{ext}")
            os.symlink(os.path.abspath(r["path"]), link)
            links.append(link)
        outdir = os.path.join(tmp, "out")
        os.makedirs(outdir)
        soffice_convert(links, "xlsx", outdir)
        converted = {id(r): os.path.join(outdir, f"c{i:03d}.xlsx") for i, r in enumerate(to_convert)}
        for r in records:
            path = converted.get(id(r), r["path"])
            checker.check_book(r["label"], path, r["writer"], r["model"], r["layout"],
                               r["findings"], r["notes"], r["formula_values"])
    return checker


def check_explanations(checker, path, header, doc_month):
    """The 审核说明 file: a BOM, CRLF line ends, the header, one row per listed explanation, each
    naming a finding of the month, 数值 equal to the return's values unless the state is stale."""
    import csv
    import io
    label = os.path.basename(path)
    data = open(path, "rb").read()
    if not data.startswith(b"\xef\xbb\xbf"):
        checker.fail(label, "no UTF-8 BOM")
    if data.count(b"\n") != data.count(b"\r\n") or not data.endswith(b"\r\n"):
        checker.fail(label, "line ends are not CRLF")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    if rows[0] != header:
        checker.fail(label, f"header {rows[0]}")
    listed = doc_month["explanations"]
    if len(rows) - 1 != len(listed):
        checker.fail(label, f"{len(rows) - 1} rows, expected.json lists {len(listed)}")
    col = {"本月数": "month", "本年累计": "ytd"}
    for row, e in zip(rows[1:], listed):
        township, _, rule, code, column, shown = row[:6]
        if (township, rule, code, col.get(column)) != (e["township"], e["rule"], e["code"], e["column"]):
            checker.fail(label, f"row {row} is not {e}")
            continue
        if not any((f["township"], f["rule"], f["code"], f["column"]) == (township, rule, code, e["column"])
                   for f in doc_month["findings"]):
            checker.fail(label, f"row {row} names no finding")
        vals = doc_month["values"][township]
        parsed = {}
        for part in shown.split("; "):
            c, v = part.split("=")
            parsed[c] = float(v)
        same = all(vals[c][e["column"]] is not None and abs(vals[c][e["column"]] - v) < 1e-9
                   for c, v in parsed.items())
        if same == (e["state"] == "stale"):
            checker.fail(label, f"row {row}: 数值 {'match' if same else 'differ'} but state {e['state']}")
