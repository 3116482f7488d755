"""Lay one return out as an abstract workbook (sheets of cells), applying the layout drifts.

The layout decides every cell's address, so the same pass also records where each indicator's
本月数 / 本年累计 landed, which values were typed in a non-plain way (notes), and which cells are
invalid (R13 / R14). Writers (writers.py) turn the abstract workbook into a real file.
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .form import (FORM_TITLE, TABLE_TITLE, TABLE_CODES, HEADERS, SECOND_HEADER, NAME, UNIT, KIND,
                   INSTRUCTIONS, to_traditional, to_fullwidth)


@dataclass
class CellSpec:
    value: object = None
    kind: str = "value"          # value | formula | error | pct
    fmt: str | None = None


@dataclass
class SheetModel:
    name: str
    hidden: bool = False
    cells: dict = field(default_factory=dict)      # (row, col), 1-based -> CellSpec
    merges: list = field(default_factory=list)     # (r1, c1, r2, c2)
    widths: dict = field(default_factory=dict)     # col -> width

    def put(self, r, c, value, kind="value", fmt=None):
        if value is None and kind == "value":
            self.cells.pop((r, c), None)
            return
        self.cells[(r, c)] = CellSpec(value, kind, fmt)

    def merge(self, r1, c1, r2, c2, value=None):
        if value is not None:
            self.put(r1, c1, value)
        self.merges.append((r1, c1, r2, c2))


@dataclass
class WorkbookModel:
    sheets: list


@dataclass
class Layout:
    """Where things landed in one workbook."""
    addr: dict = field(default_factory=dict)       # code -> {"sheet": name, "month": "E5", "ytd": "F5"}
    notes: list = field(default_factory=list)      # dicts: kind, code, column, sheet, cell, typed, value
    invalid: list = field(default_factory=list)    # dicts: rule, code, column, sheet, cell, typed


def a1(r, c):
    return f"{get_column_letter(c)}{r}"


# -- texts -------------------------------------------------------------------

def period_text(fmt, year, month):
    return {"cn": f"报告期：{year}年{month}月",
            "iso": f"报告期：{year}-{month:02d}",
            "spaced": f"报告期: {year}年 {month} 月"}[fmt]


def filed_text(fmt, d):
    return {"cn": f"填报日期：{d.year}年{d.month}月{d.day}日",
            "iso": f"填报日期：{d.isoformat()}",
            "dot": f"填报日期：{d.year}.{d.month}.{d.day}"}[fmt]


def unit_text(fmt, who):
    return {"full": f"填报单位（盖章）：{who}", "half": f"填报单位(盖章):{who}"}[fmt]


# -- one typed value -----------------------------------------------------------

ZERO_WORDS = ("—", "/", "无")


def render_value(code, col, number, spec, stock_ytd):
    """-> (CellSpec or None, note kind or None, invalid (rule, typed) or None).

    number is the value the reader must get (None where the return has none)."""
    if col == "ytd" and KIND[code] == "stock":
        assert spec is None, (code, spec)
        return (CellSpec("—") if stock_ytd == "dash" else None), None, None
    if spec is None:
        return CellSpec(number), None, None
    what = spec[0]
    if what == "text":
        return CellSpec(str(number)), "text_number", None
    if what == "thousands":
        assert isinstance(number, int) and number >= 1000, (code, number)
        return CellSpec(f"{number:,}"), "thousands", None
    if what == "fullwidth":
        return CellSpec(to_fullwidth(str(number))), "fullwidth", None
    if what == "unit":
        return CellSpec(f"{number}{UNIT[code]}"), "unit_suffix", None
    if what == "wan":
        typed = spec[1]
        assert round(float(typed.rstrip("万")) * 10000) == number, (code, typed, number)
        return CellSpec(typed), "wan", None
    if what == "zero":
        assert number == 0 and spec[1] in ZERO_WORDS and KIND[code] == "flow", (code, number)
        return CellSpec(spec[1]), "zero_word", None
    if what == "formula":                       # a formula whose result LibreOffice stores
        return CellSpec(spec[1], "formula"), "formula_result", None
    if what == "r13":                           # a wrong number or a text that is no number
        return CellSpec(spec[1]), None, ("R13", spec[1])
    if what == "r13_pct":                       # a number formatted as a percentage in a count
        return CellSpec(spec[1], "pct", "0%"), None, ("R13", spec[1])
    if what == "r13_error":                     # an error value (#REF!) or a formula giving one
        kind = "formula" if spec[1].startswith("=") else "error"
        return CellSpec(spec[1], kind), None, ("R13", spec[1])
    if what == "r13_formula":                   # a formula saved without a result (openpyxl)
        return CellSpec(spec[1], "formula"), None, ("R13", spec[1])
    if what == "r14":
        return None, None, ("R14", "")
    raise ValueError(spec)


# -- one form sheet ------------------------------------------------------------

def columns(opts):
    roles = ["seq", "code", "name", "unit", "month", "ytd", "note"]
    if opts.get("no_code"):
        roles.remove("code")
    if opts.get("extra_col"):
        roles.insert(roles.index("month") + 1, "lastyear")
    return {role: i + 1 for i, role in enumerate(roles)}, len(roles)


HEADER_TEXT = dict(zip(["seq", "code", "name", "unit", "month", "ytd", "note"], HEADERS))
HEADER_TEXT["lastyear"] = "上年同期"


def build_form_sheet(table, ctx, layout):
    """ctx: dict with name, hidden, opts, cells, numbers, lastyear, who, period (y, m), filed, people, phone."""
    opts = ctx["opts"]
    tr = to_traditional if opts.get("traditional") else (lambda s: s)
    sh = SheetModel(ctx["name"], hidden=ctx.get("hidden", False))
    col, ncol = columns(opts)
    year, month = ctx["period"]

    # title and unit / period lines
    if opts.get("period_fmt") == "title":
        title = f"{FORM_TITLE}（{year}年{month}月）"
    else:
        title = f"{FORM_TITLE}（{TABLE_TITLE[table]}）"
    sh.merge(1, 1, 1, ncol, tr(title))
    sh.put(2, 1, tr(unit_text(opts.get("unit_fmt", "full"), ctx["who"])))
    if opts.get("period_fmt") != "title":
        sh.put(2, col["month"], tr(period_text(opts.get("period_fmt", "cn"), year, month)))
    row = 3
    if opts.get("header_down"):
        sh.put(4, 1, "单位：人")
        row = 5

    # header rows
    if opts.get("merged_header"):
        for role, c in col.items():
            if role in ("month", "ytd"):
                continue
            sh.merge(row, c, row + 1, c, tr(HEADER_TEXT[role]))
        sh.merge(row, col["month"], row, col["ytd"], tr("报告数"))
        sh.put(row + 1, col["month"], tr(HEADER_TEXT["month"]))
        sh.put(row + 1, col["ytd"], tr(HEADER_TEXT["ytd"]))
        row += 2
    else:
        for role, c in col.items():
            sh.put(row, c, tr(HEADER_TEXT[role]))
        row += 1
    if opts.get("second_header"):
        for role, c in col.items():
            sh.put(row, c, SECOND_HEADER.get(role, ""))
        row += 1

    # indicator rows
    order = opts.get("order", {}).get(table, TABLE_CODES[table])
    spacers = set(opts.get("spacer_after", ()))
    rows = {}
    for i, code in enumerate(order, start=1):
        rows[code] = row
        sh.put(row, col["seq"], i)
        if "code" in col:
            sh.put(row, col["code"], code)
        sh.put(row, col["name"], opts.get("names", {}).get(code) or tr(NAME[code]))
        sh.put(row, col["unit"], tr(UNIT[code]))
        row += 2 if code in spacers else 1
    last = max(rows.values())
    addr_of = {code: {"month": a1(r, col["month"]), "ytd": a1(r, col["ytd"])} for code, r in rows.items()}

    month_sum = ytd_sum = 0
    for code in order:
        r = rows[code]
        for c_name in ("month", "ytd"):
            number = ctx["numbers"][code][0 if c_name == "month" else 1]
            spec = ctx["cells"].get((code, c_name))
            if spec and spec[0] in ("formula", "r13_formula", "r13_error") and "{" in spec[1]:
                spec = (spec[0], re.sub(r"\{(month|ytd):([A-D]\d\d)\}",
                                        lambda m: addr_of[m.group(2)][m.group(1)], spec[1]))
            cell, note, bad = render_value(code, c_name, number, spec, opts.get("stock_ytd", "dash"))
            if cell is not None:
                sh.cells[(r, col[c_name])] = cell
            where = {"code": code, "column": c_name, "sheet": sh.name, "cell": a1(r, col[c_name])}
            if note:
                layout.notes.append({"kind": note, **where, "typed": cell.value, "value": number})
            if bad:
                layout.invalid.append({"rule": bad[0], **where, "typed": bad[1]})
            if isinstance(cell and cell.value, (int, float)) and cell.kind == "value":
                if c_name == "month":
                    month_sum += cell.value
                else:
                    ytd_sum += cell.value
        if "lastyear" in col:
            sh.put(r, col["lastyear"], ctx["lastyear"][code])
        layout.addr[code] = {"sheet": sh.name, **addr_of[code]}

    # under the table
    row = last + 1
    if opts.get("total_row"):
        sh.put(row, col["name"], tr("合计"))
        sh.put(row, col["month"], round(month_sum, 2))
        sh.put(row, col["ytd"], round(ytd_sum, 2))
        row += 1
    if opts.get("notes_under"):
        sh.put(row, 1, tr("注：1. 本表数据截至月末。"))
        sh.put(row + 1, 1, tr("    2. 存量指标不填本年累计。"))
        row += 2
    row += 1
    p = ctx["people"]
    sh.put(row, 1, tr(f"单位负责人：{p[0]}  统计负责人：{p[1]}  填表人：{p[2]}  联系电话：{ctx['phone']}"))
    sh.put(row + 1, 1, tr(filed_text(opts.get("filed_fmt", "cn"), ctx["filed"])))

    sh.widths = {col["seq"]: 6, col["name"]: 30, col["unit"]: 9, col["month"]: 12, col["ytd"]: 12}
    if "code" in col:
        sh.widths[col["code"]] = 9
    return sh


def instructions_sheet(name="填表说明"):
    sh = SheetModel(name)
    for i, line in enumerate(INSTRUCTIONS, start=1):
        sh.put(i, 1, line)
    sh.widths = {1: 70}
    return sh


def scratch_sheet(name, numbers):
    """A hidden helper sheet someone used for their own sums: must not be read."""
    sh = SheetModel(name, hidden=True)
    sh.put(1, 1, "上月数")
    sh.put(1, 2, "本月数")
    sh.put(1, 3, "差")
    for i, (prev, cur) in enumerate(numbers, start=2):
        sh.put(i, 1, prev)
        sh.put(i, 2, cur)
        sh.put(i, 3, cur - prev)
    return sh
