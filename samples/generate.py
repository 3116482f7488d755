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
import csv
import io
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
from gen.scenario import (A01_START, EXPLANATIONS, EXPLANATIONS_FILE, FIXED,  # noqa: E402
                          RATIO_OVERRIDES, SEED, apply_changes, build_specs)
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
    if f["rule"] == "R15":
        extra = f" {f['method']}{extra}"
    if f["rule"] == "R13":
        extra = f" typed {f['typed']!r}"
    elif f["rule"] == "R14":
        extra = " blank"
    return f"{f['rule']} {f['code']} {f['column']} at {f['sheet']}!{f['cell']}{extra}"


def unit_as_typed(spec):
    who = spec["who"] or centre(spec["township"])
    return to_traditional(who) if spec["opts"].get("traditional") else who


def month_expected(month, returns, prev_read, earlier_months):
    """prev_read: last month's counted returns (None when the store holds no last month);
    earlier_months: how many months the store holds before this one (a run per month, in order)."""
    m = month_no(month)
    out = {"folder": f"returns/{month}", "returns": [], "skipped": [], "missing": [], "duplicates": [],
           "wrong_period": [], "not_on_roster": [], "values": {}, "totals": {}, "rates": {},
           "findings": [], "notes": [], "not_evaluable": []}
    counted = {}
    for b in returns:
        spec, layout, read = b["spec"], b["layout"], b["read"]
        status = spec["status"]
        b["findings"], b["notes"] = [], []
        if status == "counted":
            assert spec["township"] not in counted, spec["file"]
            counted[spec["township"]] = read
            prev = None if prev_read is None else prev_read.get(spec["township"])
            b["findings"] = file_findings(spec, layout, read, prev, m)
            b["notes"] = [{**{k: n[k] for k in ("kind", "code", "column")}, "file": spec["file"],
                           "sheet": n["sheet"], "cell": n["cell"], "typed": n["typed"], "value": n["value"]}
                          for n in layout.notes]
        else:
            assert not layout.notes and not layout.invalid and not spec["expect"], spec["file"]
    peer_findings(returns, counted)
    out["not_evaluable"] = not_evaluable(counted, prev_read, earlier_months)
    for b in returns:
        spec = b["spec"]
        status = spec["status"]
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
    want = {tuple(e[:3]): len(e) > 3 for e in spec["expect"] if e[0] != "R15"}
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


def peer_findings(returns, counted):
    """R15 peers over the month's counted returns, checked against the specs; added to the files."""
    got = set(ex.r15_peers(counted))
    want = {}
    for b in returns:
        if b["spec"]["status"] == "counted":
            for e in b["spec"]["expect"]:
                if e[0] == "R15":
                    want[(b["spec"]["township"], e[1])] = len(e) > 3
    if got != set(want):
        raise AssertionError(f"R15 peers give {sorted(got)}, scenario expects {sorted(want)}")
    for b in returns:
        spec, layout, read = b["spec"], b["layout"], b["read"]
        if spec["status"] != "counted":
            continue
        for (t, code), secondary in sorted(want.items()):
            if t != spec["township"]:
                continue
            a = layout.addr[code]
            b["findings"].append({"rule": "R15", "method": "peers", "township": t, "code": code,
                                  "column": "month", "file": spec["file"], "sheet": a["sheet"],
                                  "cell": a["month"], "value": as_number(code, read[code][0]),
                                  **({"secondary": True} if secondary else {})})
    for code in ex.R15_INDICATORS:       # no peers entry in not_evaluable: every indicator has them
        assert ex.r15_peer_stats(counted, code) is not None, code


def not_evaluable(counted, prev_read, earlier_months):
    """What a run (months in order, one store that starts empty) reports as not evaluable."""
    out = []
    if prev_read is None:
        out += [{"rule": r, "reason": "no_previous_month"} for r in ("R11", "R12")]
    out.append({"rule": "R15", "method": "history", "months": earlier_months})
    if prev_read is not None:
        for t in counted:
            if t not in prev_read:
                out += [{"rule": r, "reason": "township_not_in_previous_month", "township": t}
                        for r in ("R11", "R12")]
    return out


def explanations(month, doc_month):
    """The month's 审核说明 rows (for the CSV) and the states a correct tool gives them."""
    rows, states = [], []
    for e in EXPLANATIONS.get(month, []):
        f = [x for x in doc_month["findings"] if (x["township"], x["rule"], x["code"], x["column"]) ==
             (e["township"], e["rule"], e["code"], e["column"])]
        assert len(f) == 1, e
        vals = doc_month["values"][e["township"]]
        codes = ex.expression_codes(e["rule"], e["code"])
        shown = [(c, vals[c][e["column"]] + e.get("values", {}).get(c, 0)) for c in codes]
        text = e["text"](dict(shown)) if callable(e["text"]) else e["text"]
        stale = any(e.get("values", {}).get(c, 0) for c in codes)
        state = ("not_explainable" if ex.SEVERITY[e["rule"]] == "error" else
                 "stale" if stale else "stock_phrase" if text in ex.STOCK_PHRASES else
                 "accepted" if e["status"] == "接受" else "pending")
        assert state == e["state"], (e, state)
        rows.append([e["township"], month, e["rule"], e["code"], COLUMN_CN[e["column"]],
                     ex.values_text(shown), text, e["status"], e["by"], e["on"]])
        states.append({"township": e["township"], "rule": e["rule"], "code": e["code"],
                       "column": e["column"], "state": state})
    return rows, states


COLUMN_CN = {"month": "本月数", "ytd": "本年累计"}
EXPLANATIONS_HEADER = ["乡镇", "报告期", "规则", "指标", "栏目", "数值", "说明", "状态", "审核人", "审核日期"]


def explanations_bytes(rows):
    """CSV as Excel saves 'CSV UTF-8': a BOM, CRLF line ends, quotes only where needed."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(EXPLANATIONS_HEADER)
    w.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def build_expected(built, junk):
    """-> (expected.json document, {month: 审核说明 rows})."""
    doc = {"county": COUNTY, "roster": [list(x) for x in ROSTER], "seed": SEED,
           "conventions": CONVENTIONS, "months": {}}
    notes_rows = {}
    prev = None
    for i, month in enumerate(MONTHS):
        doc["months"][month], prev = month_expected(month, built[month], prev, i)
        doc["months"][month]["skipped"] = [name for name, _ in junk.get(month, [])]
        if month in EXPLANATIONS:
            notes_rows[month], doc["months"][month]["explanations"] = explanations(month, doc["months"][month])
            doc["months"][month]["explanations_file"] = EXPLANATIONS_FILE
    return doc, notes_rows


def write_explanations(root, notes_rows):
    """Write each month's 审核说明 file beside the returns; -> {month: path}."""
    out = {}
    for month, rows in notes_rows.items():
        path = os.path.join(root, "returns", month, EXPLANATIONS_FILE)
        with open(path, "wb") as fh:
            fh.write(explanations_bytes(rows))
        out[month] = path
    return out


CONVENTIONS = {
    "values": "counted returns only; numbers as read (万 multiplied out, zero words = 0); "
              "null where the cell is R13/R14-invalid; a stock's ytd is always null",
    "totals": "sum over counted returns of valid values; townships = returns with a valid month value, "
              "townships_ytd = with a valid ytd value",
    "rates": "sum(num)/sum(den)*scale over townships where both parts are valid, rounded to 6 decimals; "
             "ytd uses the ytd of flow parts and the month of stock parts; 病床使用率 den = B03 x days "
             "(month: days in the month, ytd: days from 1 January)",
    "runs": "the months are run in order 2026-08, 2026-09, 2026-10 with one history store that starts "
            "empty; each run stores its month's accepted figures (the valid values of the counted "
            "returns), and R11/R12 compare with last month's stored figures of the same township",
    "rule_columns": "R01, R04-R07: month and ytd columns (ytd only where all parts are flows); "
                    "R02, R03, R12: month (stocks); R08: B04 month and ytd; R09: C08 month only; "
                    "R10, R11: ytd cell of flows; R11 and R12 compare with last month's counted return "
                    "(skipped where either value is null); R15: month column only",
    "R08": "B04 > 1.05 x B03 x days (month: days in the month; ytd: days from 1 January to the month end, "
           "with this month's B03)",
    "R11": "flow: ytd != last month's ytd + month (in January ytd must equal month)",
    "R12": "stock: last month's value > 0 and |month - last month| > 20% of last month",
    "R15": "peers: every indicator except A01, C08, C09, C10, month column; over the counted returns "
           "where the indicator and its denominator are both valid and the denominator > 0 (at least 8, "
           "else skip the indicator). Counts: funnel limits (Spiegelhalter 2005), denominator A01 "
           "(Poisson) or, for A07/A06, A09/A08, A11/A10, B07/B06, C05/C04, C06/C04, the count it is a "
           "share of (binomial), for D06 per D05 (Poisson per talk); target = pooled rate after leaving out the floor(10% n) most extreme "
           "z-scores at each end; tau^2 by DerSimonian-Laird from z-scores winsorised at the same ranks "
           "(their mean square divided by that of a winsorised standard normal), "
           "widened by (t_{n-2} / z)^2 at the limit's quantile; limits at 99.8%: exact Poisson / "
           "binomial quantiles without tau^2, negative binomial (Poisson) or normal (binomial) with it. "
           "Amounts (decimals > 0): p = x / A01 (as written), modified z = 0.6745 |p - med| / MAD (MAD 0: "
           "0.7979 |p - med| / mean absolute deviation) >= 3.5. A finding (method 'peers', at the month "
           "cell, severity warning) beyond the limits where |x - expected| >= 3. Method 'history' "
           "(the township's own last months) needs 6 previous months: never evaluable here",
    "findings": "R01 at C01, R02-R07 at the left-hand side, R08 at B04, R09 at C08, R10/R11 at the ytd "
                "cell, R12 and R15 at the month cell, R13/R14 at the offending cell (skips: the checks and "
                "rates that cannot be evaluated for that township because of it); 'secondary' marks a "
                "finding that follows from another injected error in the same cell or row; R15 findings "
                "carry method 'peers'; every finding of R01-R15 a correct run gives is listed",
    "not_evaluable": "per month, what the run reports as not evaluable: {rule R11/R12, reason "
                     "no_previous_month} when the store holds no last month; {rule R11/R12, reason "
                     "township_not_in_previous_month, township} for a township counted this month without "
                     "a counted return last month (none arise: 北关镇 is missing only in the last month); "
                     "{rule R15, method history, months: earlier months in the store}. A single null value "
                     "skips its check silently (see skips) and is not listed",
    "explanations": "explanations_file (审核说明.csv, beside the returns; UTF-8 with BOM, CRLF; columns "
                    "乡镇,报告期,规则,指标,栏目,数值,说明,状态,审核人,审核日期) is not a return: not read "
                    "as one, not listed in skipped. explanations lists, in file order, the finding each row "
                    "names (township, rule, code, column) and its state: accepted (a warning, 状态 接受, "
                    "数值 equal to the return's values), stock_phrase (a phrase that explains nothing, e.g. "
                    "核实无误: not accepted), not_explainable (an error: corrected, not explained), stale "
                    "(数值 differ from the return's values). 数值 = the rule's expression codes in order of "
                    "first appearance, for the finding's column, as 'C12=36; C01=32' (integers without "
                    "decimals). Explanations annotate findings; they never remove them",
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
        if mo.get("explanations"):
            rows = "; ".join(f"{e['township']} {e['rule']} {e['code']} {e['column']} → {e['state']}"
                             for e in mo["explanations"])
            lines.append(f"| {month} | `{mo['explanations_file']}` | — | {month} | generator (CSV UTF-8, "
                         f"BOM, CRLF) | explanations | not a return | {rows} |")
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

def self_check(built, doc, explained):
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
    for month, path in explained.items():
        selfcheck.check_explanations(checker, path, EXPLANATIONS_HEADER, doc["months"][month])
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
    doc, notes_rows = build_expected(built, junk)
    explained = write_explanations(args.out, notes_rows)
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    update_readme(args.out, doc)
    print(f"wrote {sum(len(v) for v in built.values())} returns in {time.monotonic() - started:.1f}s")
    if not args.no_check:
        self_check(built, doc, explained)
    print(f"done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
