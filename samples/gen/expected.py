"""What a correct tool must find: values as read, totals, rates and rule findings (R01-R15).

Everything here is computed from the generator's own data (integers in 1/SCALE units) and from the
layout records, never by reading the written files back.
"""

from .form import CODES, KIND, RATES, DAYS_IN_MONTH, ROSTER_NAMES, days_to_month_end
from .data import as_number


# -- rules ------------------------------------------------------------------------

PAIRS_STOCK = {"R02": [("A07", "A06"), ("A09", "A08"), ("A11", "A10")],
               "R03": [("A02", "A01"), ("A03", "A01"), ("A04", "A01")]}
PAIRS_FLOW = {"R04": [("C05", "C04"), ("D02", "D01"), ("B07", "B06")],
              "R05": [("C06", "C01")]}
RATIO_LIMITS = {"R06": [("C12", "C01", 105), ("C13", "C01", 105)],
                "R07": [("D04", "D03", 110)]}


def check_return(vals, prev, month):
    """Findings (rule, code, column) for one counted return.

    vals / prev: code -> (month units or None, ytd units or None); prev is last month's counted
    return of the same township (None if there is none)."""
    out = []

    def get(code, col):
        return vals[code][0 if col == "month" else 1]

    def ok(*xs):
        return all(x is not None for x in xs)

    for col in ("month", "ytd"):
        c01, c02, c03 = get("C01", col), get("C02", col), get("C03", col)
        if ok(c01, c02, c03) and c02 + c03 != c01:
            out.append(("R01", "C01", col))
    for rule, pairs in PAIRS_STOCK.items():
        for lhs, rhs in pairs:
            a, b = get(lhs, "month"), get(rhs, "month")
            if ok(a, b) and a > b:
                out.append((rule, lhs, "month"))
    for rule, pairs in PAIRS_FLOW.items():
        for lhs, rhs in pairs:
            for col in ("month", "ytd"):
                a, b = get(lhs, col), get(rhs, col)
                if ok(a, b) and a > b:
                    out.append((rule, lhs, col))
    for rule, limits in RATIO_LIMITS.items():
        for lhs, rhs, pct in limits:
            for col in ("month", "ytd"):
                a, b = get(lhs, col), get(rhs, col)
                if ok(a, b) and 100 * a > pct * b:
                    out.append((rule, lhs, col))
    beds = get("B03", "month")
    for col, days in (("month", DAYS_IN_MONTH[month]), ("ytd", days_to_month_end(month))):
        used = get("B04", col)
        if ok(used, beds) and 100 * used > 105 * beds * days:
            out.append(("R08", "B04", col))
    c08 = get("C08", "month")
    if ok(c08) and c08 > 0:
        out.append(("R09", "C08", "month"))
    for code in CODES:
        m, y = vals[code]
        if KIND[code] == "flow":
            if ok(m, y) and y < m:
                out.append(("R10", code, "ytd"))
            if prev is not None and ok(m, y, prev[code][1]) and y != prev[code][1] + m:
                out.append(("R11", code, "ytd"))
        elif prev is not None and ok(m, prev[code][0]) and prev[code][0] > 0:
            if 100 * abs(m - prev[code][0]) > 20 * prev[code][0]:
                out.append(("R12", code, "month"))
    return out


# -- totals and rates -----------------------------------------------------------------

def totals(counted):
    """counted: township -> vals (units). -> code -> {month, ytd, townships, townships_ytd}."""
    out = {}
    for code in CODES:
        ms = [v[code][0] for v in counted.values() if v[code][0] is not None]
        entry = {"month": as_number(code, sum(ms)) if ms else None}
        if KIND[code] == "flow":
            ys = [v[code][1] for v in counted.values() if v[code][1] is not None]
            entry["ytd"] = as_number(code, sum(ys)) if ys else None
        else:
            ys = None
            entry["ytd"] = None
        entry["townships"] = len(ms)
        entry["townships_ytd"] = None if ys is None else len(ys)
        out[code] = entry
    return out


def _rate(pairs, scale):
    if not pairs:
        return None
    num = sum(p[0] for p in pairs)
    den = sum(p[1] for p in pairs)
    if den == 0:
        return None
    return round(num / den * scale, 6)


def rates(counted, month):
    out = {}
    for name, num, den, scale in RATES:
        mpairs, ypairs = [], []
        for v in counted.values():
            n, d = v[num][0], v[den][0]
            if n is not None and d is not None:
                mpairs.append((n, d * DAYS_IN_MONTH[month] if num == "B04" else d))
            if "flow" in (KIND[num], KIND[den]):
                n = v[num][1] if KIND[num] == "flow" else v[num][0]
                d = v[den][1] if KIND[den] == "flow" else v[den][0]
                if n is not None and d is not None:
                    ypairs.append((n, d * days_to_month_end(month) if num == "B04" else d))
        has_ytd = "flow" in (KIND[num], KIND[den])
        out[name] = {"numerator": num, "denominator": den, "scale": scale,
                     "month": _rate(mpairs, scale), "ytd": _rate(ypairs, scale) if has_ytd else None,
                     "townships": len(mpairs), "townships_ytd": len(ypairs) if has_ytd else None}
    return out


def values_json(vals):
    return {code: {"month": as_number(code, vals[code][0]), "ytd": as_number(code, vals[code][1])}
            for code in CODES}


def roster_order(township):
    return ROSTER_NAMES.index(township) if township in ROSTER_NAMES else len(ROSTER_NAMES)


def checks_skipped(code, column):
    """Rules and rates a correct tool cannot evaluate when (code, column) is invalid (R13 / R14)."""
    out = []
    col_ok = column == "month" or KIND[code] == "flow"
    if code in ("C01", "C02", "C03"):
        out.append("R01 C02+C03=C01")
    for rule, pairs in PAIRS_STOCK.items():
        out += [f"{rule} {a}<={b}" for a, b in pairs if code in (a, b) and column == "month"]
    for rule, pairs in PAIRS_FLOW.items():
        out += [f"{rule} {a}<={b}" for a, b in pairs if code in (a, b) and col_ok]
    for rule, limits in RATIO_LIMITS.items():
        out += [f"{rule} {a}<={p / 100:.2f}x{b}" for a, b, p in limits if code in (a, b) and col_ok]
    if code in ("B03", "B04"):
        out.append("R08 病床使用率<=105%")
    if code == "C08" and column == "month":
        out.append("R09 C08>0")
    if KIND[code] == "flow":
        out.append(f"R10/R11 {code}")
    elif column == "month":
        out.append(f"R12 {code}")
    if column == "month" and code == "A01":
        out.append("R15 peers (every indicator)")
    elif column == "month" and code in R15_INDICATORS:
        out.append(f"R15 peers {code}")
    for name, num, den, _ in RATES:
        if code not in (num, den):
            continue
        if column == "month" and KIND[code] == "stock":
            out.append(f"{name} (month and ytd)" if "flow" in (KIND[num], KIND[den]) else name)
        elif column == "month" or KIND[code] == "flow":
            out.append(f"{name} ({column})")
    return out


# -- R15: statistical outliers ----------------------------------------------------------

R15_EXCLUDED = ("A01", "C08", "C09", "C10")     # the denominator, and rare events (R09, not statistics)
R15_INDICATORS = [c for c in CODES if c not in R15_EXCLUDED]
R15_MIN_PEERS = 8
R15_Z = 3.5
R15_MIN_COUNT = 3


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    mid = n // 2
    return xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2


def r15_peer_stats(counted, code):
    """Per-capita peers of one indicator (month column) over counted returns.

    counted: township -> vals (units). -> None when not evaluable, else dict with med, mad, meanad,
    and rows: township -> (x, a01, p, z, deviation in counts)."""
    from .form import SCALE
    pts = {}
    for t, v in counted.items():
        x, a01 = v[code][0], v["A01"][0]
        if x is None or a01 is None or a01 <= 0:
            continue
        x = x / SCALE[code]                      # the number as written (万元, 千克 with decimals)
        pts[t] = (x, a01, x / a01)
    if len(pts) < R15_MIN_PEERS:
        return None
    ps = [p for _, _, p in pts.values()]
    med = _median(ps)
    mad = _median([abs(p - med) for p in ps])
    meanad = sum(abs(p - med) for p in ps) / len(ps)
    if mad > 0:
        scale, k = mad, 0.6745
    elif meanad > 0:
        scale, k = meanad, 0.7979
    else:
        return None
    rows = {t: (x, a01, p, k * abs(p - med) / scale, abs(x - med * a01)) for t, (x, a01, p) in pts.items()}
    return {"med": med, "mad": mad, "meanad": meanad, "n": len(pts), "rows": rows}


def r15_peers(counted):
    """-> [(township, code)] flagged by the peer method for one month."""
    out = []
    for code in R15_INDICATORS:
        st = r15_peer_stats(counted, code)
        if st is None:
            continue
        for t, (_, _, _, z, dev) in st["rows"].items():
            if z >= R15_Z and dev >= R15_MIN_COUNT:
                out.append((t, code))
    return out


# -- explanations (审核说明) --------------------------------------------------------------

SEVERITY = {"R01": "error", "R02": "error", "R03": "error", "R04": "error", "R05": "warning",
            "R06": "warning", "R07": "warning", "R08": "warning", "R09": "alert", "R10": "error",
            "R11": "error", "R12": "warning", "R13": "error", "R14": "error", "R15": "warning"}
STOCK_PHRASES = ("核实无误", "数据无误", "已核实", "经核实无误", "情况属实")


def expression_codes(rule, code):
    """The codes of the rule's expression behind a finding at `code`, in order of appearance."""
    if rule == "R01":
        return ["C02", "C03", "C01"]
    for pairs in (PAIRS_STOCK.get(rule, []), PAIRS_FLOW.get(rule, [])):
        for lhs, rhs in pairs:
            if lhs == code:
                return [lhs, rhs]
    for lhs, rhs, _ in RATIO_LIMITS.get(rule, []):
        if lhs == code:
            return [lhs, rhs]
    raise ValueError((rule, code))


def plain_number(x):
    """12 -> '12', 12.0 -> '12', 12.5 -> '12.5'."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return str(x)


def values_text(pairs):
    """[(code, number)] -> 'C12=36; C01=32'."""
    return "; ".join(f"{c}={plain_number(v)}" for c, v in pairs)
