"""What a correct tool must find: values as read, totals, rates and rule findings (R01-R15).

Everything here is computed from the generator's own data (integers in 1/SCALE units) and from the
layout records, never by reading the written files back.
"""

import functools
import math

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
# The peers method of huizong's R15 (src/check/outliers/funnel.rs), computed here from the
# generator's own values: funnel limits (Spiegelhalter 2005) for counts, Poisson over A01 or
# binomial out of another count, additive over-dispersion (DerSimonian-Laird tau^2 from z-scores
# winsorised at 10% each tail), negative binomial for over-dispersed Poisson counts; amounts
# (decimals > 0) by the modified z-score per head.

R15_EXCLUDED = ("A01", "C08", "C09", "C10")     # the denominator, and rare events (R09, not statistics)
R15_INDICATORS = [c for c in CODES if c not in R15_EXCLUDED]
R15_PROPORTIONS = {"A07": "A06", "A09": "A08", "A11": "A10", "B07": "B06", "C05": "C04", "C06": "C04"}
R15_COUNTS_PER = {"D06": "D05"}                 # audience per talk: Poisson over D05
R15_MIN_PEERS = 8
R15_Z = 3.5
R15_MIN_COUNT = 3
R15_LEVEL = 0.998
R15_WINSORISE = 0.1


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    mid = n // 2
    return xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2


def _log_pmf(model, k, a, b):
    """log P(Y = k): Poisson (a = mean), binomial (a = p, b = n), negative binomial (a = r, b = p)."""
    lg = math.lgamma
    if model == "poisson":
        return -a + k * math.log(a) - lg(k + 1)
    if model == "binomial":
        if k > b:
            return -math.inf
        return lg(b + 1) - lg(k + 1) - lg(b - k + 1) + k * math.log(a) + (b - k) * math.log1p(-a)
    return lg(k + a) - lg(k + 1) - lg(a) + a * math.log(b) + k * math.log1p(-b)


class _Discrete:
    """A count distribution with its cumulative probabilities, summed up to where needed."""

    def __init__(self, model, a, b):
        self.model, self.a, self.b, self.cum = model, a, b, []

    def cdf(self, k):
        while len(self.cum) <= k:
            j = len(self.cum)
            p = math.exp(_log_pmf(self.model, j, self.a, self.b))
            self.cum.append((self.cum[-1] if self.cum else 0.0) + p)
        return min(self.cum[k], 1.0)

    def quantile(self, q):
        k = 0
        while self.cdf(k) < q:
            k += 1
        return k


def _normal_quantile(p):
    """Inverse of the standard normal distribution (bisection on erfc: exact enough here)."""
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _t_cdf(x, df):
    """Student's t distribution function (Simpson's rule on the density: exact enough here)."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    f = lambda t: c * (1 + t * t / df) ** (-(df + 1) / 2)
    n, h = 4000, abs(x) / 4000
    area = h / 3 * sum((1 if i in (0, n) else 4 if i % 2 else 2) * f(i * h) for i in range(n + 1))
    return 0.5 + math.copysign(area, x)


@functools.lru_cache(maxsize=None)
def _t_quantile(p, df):
    lo, hi = 0.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _t_cdf(mid, df) < p else (lo, mid)
    return (lo + hi) / 2


def _tau2_at(tau2, peers, level):
    """tau^2 widened as a prediction interval is: by (t_{peers-2} / z)^2 at the level's quantile."""
    if tau2 <= 0 or peers < 3:
        return tau2
    q = 1 - (1 - level) / 2
    return tau2 * max(1.0, (_t_quantile(q, peers - 2) / _normal_quantile(q)) ** 2)


def _winsorised_mean_square(share):
    """E[min(max(Z, -c), c)^2] for a standard normal winsorised at `share` each tail."""
    if share <= 0:
        return 1.0
    c = -_normal_quantile(share)
    density = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    return 1 - 2 * (c * density + share) + 2 * c * c * share


def _funnel_fit(units, model):
    """units: [(count, size)] -> (target, tau2) or None (src/check/outliers/funnel.rs, additive)."""
    units = [(y, n) for y, n in units if n > 0 and y >= 0]
    if len(units) < 2:
        return None
    var1 = (lambda t: t) if model == "poisson" else (lambda t: t * (1 - t))
    usable = lambda t: t > 0 and (model == "poisson" or t < 1)
    pooled = lambda us: sum(y for y, _ in us) / sum(n for _, n in us)
    first = pooled(units)
    if not usable(first):
        return None
    z = lambda t, y, n: (y / n - t) / math.sqrt(var1(t) / n)
    trim = math.floor(len(units) * R15_WINSORISE)
    by_z = sorted(units, key=lambda u: z(first, *u))
    target = pooled(by_z[trim:len(units) - trim])
    target = target if usable(target) else first
    zs = sorted(z(target, y, n) for y, n in units)
    lo, hi = zs[trim], zs[len(zs) - 1 - trim]
    phi = sum(min(max(v, lo), hi) ** 2 for v in zs) / len(zs) / _winsorised_mean_square(trim / len(zs))
    w = [n / var1(target) for _, n in units]
    sw, sw2 = sum(w), sum(x * x for x in w)
    excess = len(units) * phi - (len(units) - 1)
    tau2 = excess / (sw - sw2 / sw) if excess > 0 and sw - sw2 / sw > 0 else 0.0
    return target, tau2


def _funnel_judge(model, target, tau2, peers, y, n, level=R15_LEVEL):
    """-> (expected, low, high, beyond) at `level` for a count y of denominator n."""
    mean = target * n
    tau2 = _tau2_at(tau2, peers, level)
    tail = (1 - level) / 2
    var = (target if model == "poisson" else target * (1 - target)) * n + tau2 * n * n
    if model == "binomial" and tau2 > 0:
        half = -_normal_quantile(tail) * math.sqrt(var)
        low, high = max(mean - half, 0.0), min(mean + half, n)
    else:
        if model == "poisson" and tau2 == 0:
            d = _Discrete("poisson", mean, None)
        elif model == "poisson":
            d = _Discrete("negbin", mean * mean / (var - mean), mean / var)
        else:
            d = _Discrete("binomial", target, round(n))
        low, high = d.quantile(tail), d.quantile(1 - tail)
    return mean, low, high, y < low or y > high


def r15_peer_stats(counted, code):
    """One indicator's peers (month column) over counted returns -> None when not evaluable, else
    dict with model, n and rows: township -> (x, denominator, flagged, expected)."""
    from .form import SCALE
    model = "binomial" if code in R15_PROPORTIONS else ("poisson" if SCALE[code] == 1 else "per_head")
    den = R15_PROPORTIONS.get(code) or R15_COUNTS_PER.get(code, "A01")
    pts = {}
    for t, v in counted.items():
        x, d = v[code][0], v[den][0]
        if x is None or d is None or d <= 0:
            continue
        pts[t] = (x / SCALE[code], d / SCALE[den])    # the number as written (万元, 千克 with decimals)
    if len(pts) < R15_MIN_PEERS:
        return None
    rows = {}
    if model == "per_head":
        ps = {t: x / a for t, (x, a) in pts.items()}
        med = _median(ps.values())
        mad = _median([abs(p - med) for p in ps.values()])
        meanad = sum(abs(p - med) for p in ps.values()) / len(ps)
        if mad > 0:
            scale, k = mad, 0.6745
        elif meanad > 0:
            scale, k = meanad, 0.7979
        else:
            return None
        for t, (x, a) in pts.items():
            z = k * abs(ps[t] - med) / scale
            rows[t] = (x, a, z >= R15_Z, med * a)
    else:
        fit = _funnel_fit(list(pts.values()), model)
        if fit is None:
            return None
        target, tau2 = fit
        for t, (x, n) in pts.items():
            mean, _, _, beyond = _funnel_judge(model, target, tau2, len(pts), x, n)
            rows[t] = (x, n, beyond, mean)
    return {"model": model, "n": len(pts), "rows": rows}


def r15_peers(counted):
    """-> [(township, code)] flagged by the peer method for one month."""
    out = []
    for code in R15_INDICATORS:
        st = r15_peer_stats(counted, code)
        if st is None:
            continue
        for t, (x, _, flagged, expected) in st["rows"].items():
            if flagged and abs(x - expected) >= R15_MIN_COUNT:
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
