"""Assemble one return: the abstract workbook, where everything landed, and the values a reader gets."""

from datetime import date

from .data import as_number
from .form import CODES, KIND, OFF_ROSTER, centre
from .layout import Layout, WorkbookModel, build_form_sheet, instructions_sheet, scratch_sheet


def month_no(period):
    return int(period.split("-")[1])


def filed_date(spec, town, m):
    if spec["filed"]:
        return spec["filed"]
    return date(2026, m + 1, town.filed_day[m])


def reported_values(spec, town, m):
    """code -> [month units, ytd units]: the numbers this file shows (before R13 / R14 cells)."""
    base = town.values(m)
    vals = {c: list(v) for c, v in base.items()}
    for (code, col), fn in spec["override"].items():
        vals[code][0 if col == "month" else 1] = fn(base)
    return vals


def _ctx(spec, town, m, vals, table_name, hidden=False, opts=None, cells=None, filed=None):
    return {
        "name": table_name, "hidden": hidden,
        "opts": spec["opts"] if opts is None else opts,
        "cells": spec["cells"] if cells is None else cells,
        "numbers": {c: (as_number(c, vals[c][0]), as_number(c, vals[c][1])) for c in CODES},
        "lastyear": {c: as_number(c, town.lastyear[(m, c)]) for c in CODES},
        "who": spec["who"] or centre(town.name),
        "period": (2026, m),
        "filed": filed or filed_date(spec, town, m),
        "people": town.people, "phone": town.phone,
    }


def build_return(spec, towns):
    """-> (WorkbookModel, Layout, read values: code -> [month, ytd] units or None, filed date)."""
    town = towns[spec["township"]]
    m = month_no(spec["period"])
    vals = reported_values(spec, town, m)
    layout = Layout()
    sheets = []
    for table in spec["sheet_order"]:
        sheets.append(build_form_sheet(table, _ctx(spec, town, m, vals, spec["sheet_names"][table]), layout))

    for extra in spec["extras"]:
        if extra[0] == "instructions":
            sh = instructions_sheet()
            sheets.insert(0, sh) if extra[1] == "first" else sheets.append(sh)
        elif extra[0] == "scratch":
            pairs = [(town.month(m - 1, c), town.month(m, c)) for c in ("B01", "B02", "C01", "D03")]
            sheets.append(scratch_sheet(extra[1], pairs))
        elif extra[0] == "last_month_copy":
            prev = {c: list(v) for c, v in town.values(m - 1).items()}
            prev_filed = date(2026, m, town.filed_day[m - 1])
            ctx = _ctx(spec, town, m - 1, prev, "表1 (2)", hidden=True, opts={}, cells={}, filed=prev_filed)
            sheets.append(build_form_sheet(1, ctx, Layout()))    # not read: its layout is not kept
        else:
            raise ValueError(extra)

    read = {c: list(v) for c, v in vals.items()}
    for c in CODES:
        if KIND[c] == "stock":
            read[c][1] = None
    for bad in layout.invalid:
        read[bad["code"]][0 if bad["column"] == "month" else 1] = None
    return WorkbookModel(sheets), layout, read, filed_date(spec, town, m)


def drift_tags(spec):
    """Drifts of one file, derived from its spec."""
    tags = []
    w = spec["writer"]
    tags += {"xlwt": ["format_xls"], "lo-ods": ["format_ods"],
             "lo-xlsx": ["libreoffice_resaved_xlsx"], "openpyxl": []}[w]
    if spec["sheet_names"] != {1: "表1", 2: "表2"}:
        tags.append("sheets_renamed")
    if spec["sheet_order"] != [1, 2]:
        tags.append("sheets_reordered_表2_first")
    for extra in spec["extras"]:
        tags.append({"instructions": "extra_sheet_填表说明", "scratch": "hidden_sheet",
                     "last_month_copy": "form_twice_hidden_last_month_表1 (2)"}[extra[0]])
    o = spec["opts"]
    flags = [("header_down", "header_moved_down"), ("extra_col", "extra_column_上年同期"),
             ("no_code", "code_column_deleted"), ("merged_header", "merged_header_cells"),
             ("second_header", "second_header_row_甲乙丙丁"), ("spacer_after", "blank_spacer_rows"),
             ("total_row", "total_row_合计"), ("notes_under", "notes_under_table"),
             ("traditional", "traditional_characters"), ("names", "indicator_names_edited"),
             ("order", "rows_reordered_表2")]
    tags += [tag for key, tag in flags if o.get(key)]
    if o.get("stock_ytd") == "blank":
        tags.append("stock_ytd_blank")
    if o.get("period_fmt", "cn") != "cn":
        tags.append({"iso": "period_iso", "spaced": "period_spaced_halfwidth_colon",
                     "title": "period_only_in_title"}[o["period_fmt"]])
    if o.get("filed_fmt", "cn") != "cn":
        tags.append({"iso": "filed_date_iso", "dot": "filed_date_dots"}[o["filed_fmt"]])
    if o.get("unit_fmt") == "half":
        tags.append("halfwidth_brackets_colon")
    kinds = {"text": "text_numbers", "thousands": "thousands_separators", "fullwidth": "fullwidth_digits",
             "unit": "unit_suffix", "wan": "wan_multiplier", "zero": "zero_words",
             "formula": "formulas_with_results"}
    for cell in spec["cells"].values():
        tag = kinds.get(cell[0])
        if tag and tag not in tags:
            tags.append(tag)
    tags += spec["tags"]
    if spec["township"] == OFF_ROSTER and "not_on_roster" not in tags:
        tags.append("not_on_roster")
    return tags
