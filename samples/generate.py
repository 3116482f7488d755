#!/usr/bin/env python3
"""Deterministic sample returns for huizong (安平县, 2026-08 .. 2026-10).

Run from the repository root:

    python3 samples/generate.py            # rewrite samples/returns/* and samples/expected.json
    python3 samples/generate.py --no-check # skip reopening the files afterwards
    python3 samples/generate.py --out DIR  # write into DIR instead of samples/ (e.g. to compare runs)

Needs Python 3.11, openpyxl, xlwt and LibreOffice (`soffice`) for the .ods and re-saved .xlsx files.
Nothing depends on the clock: one random.Random(20261022) drives every choice, and every zip
(xlsx / ods) is rewritten with fixed times, so two runs give byte-identical files.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gen import expected as ex                                     # noqa: E402
from gen import selfcheck                                          # noqa: E402
from gen.build import build_return, drift_tags, month_no           # noqa: E402
from gen.data import as_number, make_towns                         # noqa: E402
from gen.form import COUNTY, MONTHS, ROSTER, ROSTER_NAMES, centre, to_traditional  # noqa: E402
from gen.scenario import (A01_START, FIXED, RATIO_OVERRIDES, SEED,  # noqa: E402
                          apply_changes, build_specs)
from gen.writers import LibreOfficeQueue, stamp_for, write_openpyxl, write_xlwt  # noqa: E402

WRITER_NAME = {"openpyxl": "openpyxl", "xlwt": "xlwt", "lo-ods": "libreoffice", "lo-xlsx": "libreoffice"}
WRITER_README = {"openpyxl": "openpyxl", "xlwt": "xlwt", "libreoffice": "LibreOffice (re-saved xlsx)",
                 "libreoffice-ods": "LibreOffice (ods)"}
README_BEGIN = "<!-- BEGIN GENERATED FILE TABLE -->"
README_END = "<!-- END GENERATED FILE TABLE -->"


# -- writing the returns ----------------------------------------------------------------

def write_returns(root, specs, junk, towns, workdir):
    """Write every file; -> month -> list of built returns (spec, model, layout, read, filed, path)."""
    built = {}
    lo = LibreOfficeQueue(workdir)
    for month in MONTHS:
        folder = os.path.join(root, "returns", month)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        built[month] = []
        for spec in specs[month]:
            spec["period"] = spec["period"] or month
            model, layout, read, filed = build_return(spec, towns)
            path = os.path.join(folder, spec["file"])
            stamp = stamp_for(filed)
            if spec["writer"] == "openpyxl":
                write_openpyxl(model, path, stamp)
            elif spec["writer"] == "xlwt":
                write_xlwt(model, path)
            else:
                lo.add(model, path, "ods" if spec["writer"] == "lo-ods" else "xlsx", stamp)
            built[month].append(dict(spec=spec, model=model, layout=layout, read=read, filed=filed, path=path))
        for name, data in junk.get(month, []):
            with open(os.path.join(folder, name), "wb") as fh:
                fh.write(data)
    lo.run()
    return built


# -- expected.json ----------------------------------------------------------------------------

def injected_text(f):
    extra = " (follows)" if f.get("secondary") else ""
    if f["rule"] == "R13":
        extra = f" typed {f['typed']!r}"
    elif f["rule"] == "R14":
        extra = " blank"
    return f"{f['rule']} {f['code']} {f['column']} at {f['sheet']}!{f['cell']}{extra}"


def unit_as_typed(spec):
    who = spec["who"] or centre(spec["township"])
    return to_traditional(who) if spec["opts"].get("traditional") else who


def month_expected(month, returns, prev_read):
    m = month_no(month)
    out = {"folder": f"returns/{month}", "returns": [], "skipped": [], "missing": [], "duplicates": [],
           "wrong_period": [], "not_on_roster": [], "values": {}, "totals": {}, "rates": {},
           "findings": [], "notes": []}
    counted = {}
    for b in returns:
        spec, layout, read = b["spec"], b["layout"], b["read"]
        status = spec["status"]
        b["findings"], b["notes"] = [], []
        if status == "counted":
            assert spec["township"] not in counted, spec["file"]
            counted[spec["township"]] = read
            b["findings"] = file_findings(spec, layout, read, prev_read.get(spec["township"]), m)
            b["notes"] = [{**{k: n[k] for k in ("kind", "code", "column")}, "file": spec["file"],
                           "sheet": n["sheet"], "cell": n["cell"], "typed": n["typed"], "value": n["value"]}
                          for n in layout.notes]
        else:
            assert not layout.notes and not layout.invalid and not spec["expect"], spec["file"]
        out["returns"].append({
            "file": spec["file"], "township": spec["township"], "period": spec["period"],
            "filed": b["filed"].isoformat(), "status": status, "writer": WRITER_NAME[spec["writer"]],
            "drifts": drift_tags(spec), "injected": [injected_text(f) for f in b["findings"]],
            "sheets": [{"name": sh.name, "hidden": sh.hidden} for sh in b["model"].sheets],
            "unit_text": unit_as_typed(spec),
        })
        out["findings"] += b["findings"]
        out["notes"] += b["notes"]
        if status == "wrong_period":
            out["wrong_period"].append(spec["file"])
        if status == "not_on_roster":
            out["not_on_roster"].append(spec["file"])
    for t in ROSTER_NAMES:
        files = [b["spec"] for b in returns if b["spec"]["township"] == t and
                 b["spec"]["status"] in ("counted", "superseded")]
        if len(files) > 1:
            out["duplicates"].append({"township": t,
                                      "winner": next(s["file"] for s in files if s["status"] == "counted"),
                                      "superseded": [s["file"] for s in files if s["status"] == "superseded"]})
    out["missing"] = [t for t in ROSTER_NAMES if t not in counted]
    counted = dict(sorted(counted.items(), key=lambda kv: ex.roster_order(kv[0])))
    out["values"] = {t: ex.values_json(v) for t, v in counted.items()}
    out["totals"] = ex.totals(counted)
    out["rates"] = ex.rates(counted, m)
    out["findings"].sort(key=lambda f: (ex.roster_order(f["township"]), f["rule"], f["code"], f["column"]))
    return out, counted


def file_findings(spec, layout, read, prev, m):
    """R01-R12 by evaluating the rules, R13/R14 from the cells typed wrong; checked against spec."""
    got = ex.check_return(read, prev, m)
    want = {tuple(e[:3]): len(e) > 3 for e in spec["expect"]}
    if set(got) != set(want):
        raise AssertionError(f"{spec['file']}: rules give {sorted(got)}, scenario expects {sorted(want)}")
    out = []
    for rule, code, col in got:
        a = layout.addr[code]
        out.append({"rule": rule, "township": spec["township"], "code": code, "column": col,
                    "file": spec["file"], "sheet": a["sheet"], "cell": a[col],
                    "value": as_number(code, read[code][0 if col == "month" else 1]),
                    **({"secondary": True} if want[(rule, code, col)] else {})})
    for bad in layout.invalid:
        out.append({"rule": bad["rule"], "township": spec["township"], "code": bad["code"],
                    "column": bad["column"], "file": spec["file"], "sheet": bad["sheet"],
                    "cell": bad["cell"], "typed": bad["typed"] if bad["rule"] == "R13" else None,
                    "skips": ex.checks_skipped(bad["code"], bad["column"])})
    return out


def build_expected(built, junk):
    doc = {"county": COUNTY, "roster": [list(x) for x in ROSTER], "seed": SEED,
           "conventions": CONVENTIONS, "months": {}}
    prev = {}
    for month in MONTHS:
        doc["months"][month], prev = month_expected(month, built[month], prev)
        doc["months"][month]["skipped"] = [name for name, _ in junk.get(month, [])]
    return doc


CONVENTIONS = {
    "values": "counted returns only; numbers as read (万 multiplied out, zero words = 0); "
              "null where the cell is R13/R14-invalid; a stock's ytd is always null",
    "totals": "sum over counted returns of valid values; townships = returns with a valid month value, "
              "townships_ytd = with a valid ytd value",
    "rates": "sum(num)/sum(den)*scale over townships where both parts are valid, rounded to 6 decimals; "
             "ytd uses the ytd of flow parts and the month of stock parts; 病床使用率 den = B03 x days "
             "(month: days in the month, ytd: days from 1 January)",
    "rule_columns": "R01, R04-R07: month and ytd columns (ytd only where all parts are flows); "
                    "R02, R03, R12: month (stocks); R08: B04 month and ytd; R09: C08 month only; "
                    "R10, R11: ytd cell of flows; R11 and R12 compare with last month's counted return",
    "findings": "R01 at C01, R02-R07 at the left-hand side, R09 at C08, R10/R11 at the ytd cell, "
                "R12 at the stock's month cell, R13/R14 at the offending cell (skips: the checks and rates "
                "that cannot be evaluated for that township because of it); 'secondary' marks a "
                "finding that follows from another injected error in the same cell or row; R15 is not listed",
    "cells": "A1 notation in the file as written; sheet names as written",
}


# -- README --------------------------------------------------------------------------------------

def readme_table(doc):
    lines = ["| month | file | township | period | writer | status | drifts | injected errors |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for month, mo in doc["months"].items():
        for r in mo["returns"]:
            writer = WRITER_README[r["writer"] + ("-ods" if r["file"].endswith(".ods") else "")]
            lines.append(f"| {month} | `{r['file']}` | {r['township']} | {r['period']} | {writer} | "
                         f"{r['status']} | {', '.join(r['drifts']) or '—'} | "
                         f"{'; '.join(r['injected']) or '—'} |")
        for name in mo["skipped"]:
            lines.append(f"| {month} | `{name}` | — | — | random bytes | skipped | not a workbook | — |")
        for t in mo["missing"]:
            lines.append(f"| {month} | (none) | {t} | — | — | missing | no return | — |")
    return "\n".join(lines)


def update_readme(root, doc):
    path = os.path.join(root, "README.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else \
        f"# Sample returns\n\n{README_BEGIN}\n{README_END}\n"
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{README_BEGIN}\n{readme_table(doc)}\n{README_END}{tail}")


# -- main ----------------------------------------------------------------------------------------

def self_check(built, doc):
    records = []
    for month in MONTHS:
        for b in built[month]:
            fv = {(n["sheet"], n["cell"]): n["value"] for n in b["layout"].notes if n["kind"] == "formula_result"}
            fv.update({(x["sheet"], x["cell"]): "#DIV/0!" for x in b["layout"].invalid
                       if str(x["typed"]).startswith("=1/0")})
            records.append(dict(path=b["path"], label=f"{month}/{b['spec']['file']}", writer=b["spec"]["writer"],
                                model=b["model"], layout=b["layout"], findings=b["findings"],
                                notes=b["notes"], formula_values=fv))
    checker = selfcheck.run(records)
    for e in checker.errors:
        print("CHECK FAILED:", e, file=sys.stderr)
    if checker.errors:
        sys.exit(1)
    n = sum(len(mo["findings"]) for mo in doc["months"].values())
    print(f"self-check: {len(records)} workbooks, {checker.checked_cells} cells, {n} findings: all hold")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=here, help="root to write returns/ and expected.json into")
    ap.add_argument("--no-check", action="store_true", help="do not reopen the files afterwards")
    args = ap.parse_args()
    started = time.monotonic()

    rng = random.Random(SEED)
    towns = make_towns(rng, RATIO_OVERRIDES, FIXED, A01_START)
    apply_changes(towns)
    specs, junk = build_specs(rng)

    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="huizong_gen_") as workdir:
        built = write_returns(args.out, specs, junk, towns, workdir)
    doc = build_expected(built, junk)
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    update_readme(args.out, doc)
    print(f"wrote {sum(len(v) for v in built.values())} returns in {time.monotonic() - started:.1f}s")
    if not args.no_check:
        self_check(built, doc)
    print(f"done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
