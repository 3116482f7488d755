#!/usr/bin/env python3
"""A county for measuring R15: 24 townships of 2,500 to 90,000 people, 14 months (2025-09 to
2026-10) of the default form as CSV returns, values drawn from known distributions with
township-level heterogeneity, and typing errors planted in the last two months.

Writes OUT/config.toml (county and roster; the form is the built-in one), OUT/returns/YYYY-MM/*.csv
and OUT/truth.json: the planted errors (month, township, code, true and typed value, kind) and the
ordinary values of the last two months that are extreme under their own true distribution
(beyond its 99.8% limits: P(Y >= y) or P(Y <= y) under 0.001). Deterministic: one seeded
random.Random drives every draw (OUTLIER_SEED sets its seed). Usage: scripts/outlier_county.py OUT
"""

import json
import math
import random
import sys
from pathlib import Path

SEED = int(__import__("os").environ.get("OUTLIER_SEED", "20261128"))   # OUTLIER_SEED=… for another county
MONTHS = [(2025, m) for m in range(9, 13)] + [(2026, m) for m in range(1, 11)]
PLANTED_MONTHS = MONTHS[-2:]
TAIL = 0.001                          # each side of the 99.8% limits
NAMES = ["东关镇", "西河乡", "南山镇", "北塘乡", "青龙镇", "白马乡", "石门镇", "金沙乡", "柳林镇", "桃花乡",
         "长岭镇", "大坝乡", "新集镇", "双桥乡", "高庙镇", "黄土乡", "清泉镇", "红星乡", "太平镇", "龙湾乡",
         "马场镇", "杨柳乡", "三岔镇", "古城乡"]

# code: (name, unit, kind) in the order of the default form.
FORM = [
    ("A01", "常住人口数", "人", "stock"), ("A02", "居民电子健康档案建档人数", "人", "stock"),
    ("A03", "家庭医生签约人数", "人", "stock"), ("A04", "65岁及以上老年人口数", "人", "stock"),
    ("A05", "65岁及以上老年人健康管理人数", "人", "flow"), ("A06", "高血压患者在管人数", "人", "stock"),
    ("A07", "高血压患者规范管理人数", "人", "stock"), ("A08", "2型糖尿病患者在管人数", "人", "stock"),
    ("A09", "2型糖尿病患者规范管理人数", "人", "stock"), ("A10", "严重精神障碍患者在册人数", "人", "stock"),
    ("A11", "严重精神障碍患者规范管理人数", "人", "stock"), ("B01", "门急诊人次", "人次", "flow"),
    ("B02", "出院人数", "人", "flow"), ("B03", "实有床位数", "张", "stock"),
    ("B04", "实际占用总床日数", "日", "flow"), ("B05", "医疗业务收入", "万元", "flow"),
    ("B06", "贫困人口住院人数", "人", "flow"), ("B07", "“先诊疗后付费”受益人数", "人", "flow"),
    ("B08", "垫付资金", "万元", "flow"), ("B09", "医疗废物转运量", "千克", "flow"),
    ("C01", "活产数", "人", "flow"), ("C02", "其中：男", "人", "flow"), ("C03", "其中：女", "人", "flow"),
    ("C04", "产妇数", "人", "flow"), ("C05", "产妇系统管理人数", "人", "flow"),
    ("C06", "住院分娩数", "人", "flow"), ("C07", "高危孕产妇数", "人", "flow"),
    ("C08", "孕产妇死亡数", "人", "flow"), ("C09", "婴儿死亡数", "人", "flow"),
    ("C10", "5岁以下儿童死亡数", "人", "flow"), ("C11", "产前筛查人数", "人", "flow"),
    ("C12", "新生儿疾病筛查人数", "人", "flow"), ("C13", "新生儿听力筛查人数", "人", "flow"),
    ("C14", "婚前医学检查人数", "人", "flow"), ("C15", "结婚登记人数", "人", "flow"),
    ("C16", "农村适龄妇女宫颈癌筛查人数", "人", "flow"), ("C17", "农村适龄妇女乳腺癌筛查人数", "人", "flow"),
    ("D01", "法定传染病报告例数", "例", "flow"), ("D02", "其中：及时报告例数", "例", "flow"),
    ("D03", "免疫规划疫苗应种人次", "人次", "flow"), ("D04", "免疫规划疫苗实种人次", "人次", "flow"),
    ("D05", "健康教育讲座次数", "次", "flow"), ("D06", "健康教育讲座受众人次", "人次", "flow"),
]
KIND = {c: k for c, _, _, k in FORM}
DECIMALS = {"B05": 2, "B08": 2, "B09": 1}
NOT_R15 = {"A01", "C08", "C09", "C10"}          # the population, and deaths (R09)
DENOMINATORS = {"A01", "A06", "A08", "A10", "B06", "C04", "B03", "D03", "C01", "D01", "D05"}
# Flows over the population (per head per month) and the month-to-month gamma noise (shape).
PER_HEAD = {"A05": 0.0012, "B01": 0.12, "B02": 0.0045, "B06": 0.0006, "C01": 0.0007,
            "C14": 0.00035, "C15": 0.0006, "C16": 0.0011, "C17": 0.0009, "D01": 0.0005,
            "D03": 0.0035, "D05": 0.00012}
SEASONAL = {"B01": 0.08, "D01": 0.15}           # amplitude of a yearly cycle
GAMMA_SHAPE = 100.0                             # month noise of the rate: CV 10%
# Counts out of another count in the same month: (denominator, share).
SHARE_OF = {"B07": ("B06", 0.7), "C02": ("C01", 0.52), "C05": ("C04", 0.95), "C06": ("C04", 0.99),
            "C07": ("C04", 0.2), "C11": ("C04", 0.9), "C12": ("C01", 0.97), "C13": ("C01", 0.96),
            "D02": ("D01", 0.97), "D04": ("D03", 0.98)}
# Stocks kept as a share of another: (of, share, monthly in, monthly out rates of the stock).
STOCKS = {"A02": ("A01", 0.9), "A03": ("A01", 0.55), "A04": ("A01", 0.15), "A06": ("A04", 0.25),
          "A08": ("A04", 0.09), "A10": ("A01", 0.004)}
MANAGED = {"A07": ("A06", 0.8), "A09": ("A08", 0.75), "A11": ("A10", 0.85)}


class Rng(random.Random):
    def poisson(self, lam):
        """Exact Poisson draw: inversion for small means, a sum of halves for large ones."""
        if lam <= 0:
            return 0
        if lam > 500:
            return self.poisson(lam / 2) + self.poisson(lam / 2)
        u, k, p = self.random(), 0, math.exp(-lam)
        c = p
        while u > c:
            k += 1
            p *= lam / k
            c += p
        return k

    def binomial(self, n, p):
        return sum(1 for _ in range(n) if self.random() < p) if n < 200 else \
            max(0, min(n, round(self.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def log_pmf(kind, k, a, b=None):
    lg = math.lgamma
    if kind == "poisson":
        return -a + k * math.log(a) - lg(k + 1) if a > 0 else (0.0 if k == 0 else -math.inf)
    if kind == "binomial":
        if k > b:
            return -math.inf
        if a <= 0 or a >= 1:
            return 0.0 if (k == 0 and a <= 0) or (k == b and a >= 1) else -math.inf
        return lg(b + 1) - lg(k + 1) - lg(b - k + 1) + k * math.log(a) + (b - k) * math.log1p(-a)
    return lg(k + a) - lg(k + 1) - lg(a) + a * math.log(b) + k * math.log1p(-b)  # negbin r=a, p=b


def tails(kind, y, a, b=None):
    """(P(Y <= y), P(Y >= y)) under the distribution."""
    below = sum(math.exp(log_pmf(kind, j, a, b)) for j in range(y + 1))
    at = math.exp(log_pmf(kind, y, a, b))
    return below, 1 - below + at


TAILS = {}                                      # (month index, township, code) -> true tail


def normal_tail(x, mean, sd):
    return 0.5 * math.erfc(abs(x - mean) / sd / math.sqrt(2)) if sd > 0 else 0.5


def township_sizes(rng):
    """Log-uniform from 2,500 to 90,000, both ends present."""
    sizes = [2500, 90000] + [round(math.exp(rng.uniform(math.log(2500), math.log(90000))))
                             for _ in range(len(NAMES) - 2)]
    rng.shuffle(sizes)
    return sizes


def simulate(rng):
    """-> values[(month index, township)][code], extremes {(month index, township, code)}, and
    tails {(month index, township, code): the smaller tail of the value under its true
    distribution} for the scored months (for the benchmark's report of what each flag was)."""
    values, extremes = {}, set()
    TAILS.clear()
    sizes = township_sizes(rng)
    for t, size in zip(NAMES, sizes):
        h = {c: math.exp(rng.gauss(0, 0.15)) for c in KIND}           # the township's own rates
        share = {c: min(0.995, s * h[c]) for c, (_, s) in {**SHARE_OF, **MANAGED}.items()}
        growth = rng.uniform(-0.001, 0.002)
        beds = max(5, round(size / 1000 * 1.2 * h["B03"]))
        occupancy = min(0.95, 0.6 * h["B04"])
        stock = {}
        for mi, (year, month) in enumerate(MONTHS):
            v = {}
            v["A01"] = round(size * (1 + growth * mi))
            for c, (of, s) in STOCKS.items():
                target = v[of] * min(0.98, s * h[c])
                if c not in stock:
                    stock[c] = round(target)
                else:                                             # comings and goings
                    gain = rng.poisson(max(0.5, 0.01 * target + 0.02 * max(0, target - stock[c])))
                    loss = rng.poisson(max(0.5, 0.01 * target))
                    mean = stock[c] + 0.01 * target + 0.02 * max(0, target - stock[c]) - 0.01 * target
                    stock[c] = max(0, stock[c] + gain - loss)
                    if mi >= len(MONTHS) - 2:
                        TAILS[(mi, t, c)] = normal_tail(stock[c], mean, math.sqrt(0.02 * target + 1))
                        if TAILS[(mi, t, c)] < TAIL:
                            extremes.add((mi, t, c))
                v[c] = stock[c]
            for c, (of, _) in MANAGED.items():
                v[c] = rng.binomial(v[of], share[c])
                flag_binomial(extremes, mi, t, c, v[c], v[of], share[c])
            v["B03"] = beds
            season = {c: 1 + a * math.cos(2 * math.pi * (month - 1) / 12) for c, a in SEASONAL.items()}
            for c, rate in PER_HEAD.items():
                mean = rate * h[c] * v["A01"] * season.get(c, 1.0)
                lam = mean * rng.gammavariate(GAMMA_SHAPE, 1 / GAMMA_SHAPE)
                v[c] = rng.poisson(lam)
                if mi >= len(MONTHS) - 2:
                    r = GAMMA_SHAPE                                # negative binomial: r, p
                    lo, hi = tails("negbin", v[c], r, r / (r + mean))
                    TAILS[(mi, t, c)] = min(lo, hi)
                    if min(lo, hi) < TAIL:
                        extremes.add((mi, t, c))
            v["D06"] = sum(rng.poisson(40 * h["D06"]) for _ in range(v["D05"]))
            if mi >= len(MONTHS) - 2 and v["D05"] > 0:
                lo, hi = tails("poisson", v["D06"], 40 * h["D06"] * v["D05"])
                TAILS[(mi, t, "D06")] = min(lo, hi)
                if min(lo, hi) < TAIL:
                    extremes.add((mi, t, "D06"))
            days = 30
            v["B04"] = rng.binomial(beds * days, occupancy)
            flag_binomial(extremes, mi, t, "B04", v["B04"], beds * days, occupancy)
            v["C04"] = v["C01"] - rng.binomial(v["C01"], 0.01)     # twins
            for c, (of, _) in SHARE_OF.items():
                v[c] = rng.binomial(v[of], share[c])
                flag_binomial(extremes, mi, t, c, v[c], v[of], share[c])
            v["C03"] = v["C01"] - v["C02"]
            for c in ("C08", "C09", "C10"):
                v[c] = rng.poisson(0.02 * v["C01"] / 10)
            for c, per_head in (("B05", 0.0009), ("B08", 0.00002), ("B09", 0.004)):
                mean = per_head * h[c] * v["A01"]
                noise = rng.gauss(0, 0.1)
                v[c] = round(mean * math.exp(noise), DECIMALS[c])
                if mi >= len(MONTHS) - 2:
                    TAILS[(mi, t, c)] = normal_tail(noise, 0, 0.1)
                    if abs(noise) / 0.1 > 3.0902:
                        extremes.add((mi, t, c))
            values[(mi, t)] = v
    return values, extremes


def flag_binomial(extremes, mi, t, code, y, n, p):
    if mi >= len(MONTHS) - 2 and n > 0:
        lo, hi = tails("binomial", y, p, n)
        TAILS[(mi, t, code)] = min(lo, hi)
        if min(lo, hi) < TAIL:
            extremes.add((mi, t, code))


def kind_of(code):
    """What sort of value the benchmark's report calls it."""
    if code in DECIMALS:
        return "decimal"
    if code in STOCKS or code == "A01":
        return "stock"
    if code in MANAGED or code in SHARE_OF or code == "C03":
        return "proportion"
    if code == "D06":
        return "per-unit"
    return "per-head" if code in PER_HEAD else "other"


def transpose(v):
    """The two leading digits swapped (None when they are the same)."""
    s = str(int(v))
    return None if len(s) < 2 or s[0] == s[1] else float(s[1] + s[0] + s[2:])


def plant(rng, values):
    """Typing errors in the last two months: ×10, ÷10, two digits swapped, a value pasted from
    the row above; on small and large townships and counts. -> [{month, township, code, ...}]."""
    planted = []
    sizes = sorted(NAMES, key=lambda t: values[(0, t)]["A01"])
    small, large = sizes[:8], sizes[-8:]
    codes = [c for c in KIND if c not in NOT_R15 and c not in DENOMINATORS]
    order = [c for c, *_ in FORM]
    kinds = ["x10", "div10", "transpose", "pasted"]
    for mi in range(len(MONTHS) - 2, len(MONTHS)):
        for k, kind in enumerate(kinds * 2):
            townships = small if k % 2 == 0 else large
            for _ in range(200):
                t, c = rng.choice(townships), rng.choice(codes)
                if any(p["township"] == t and p["month"] == mi for p in planted):
                    continue
                true = values[(mi, t)][c]
                if kind == "x10":
                    typed = true * 10
                elif kind == "div10":
                    typed = round(true / 10, DECIMALS.get(c, 0)) if true >= 20 else None
                elif kind == "transpose":
                    typed = transpose(true) if true >= 10 and c not in DECIMALS else None
                else:                                   # the row above pasted into this one
                    above = order[order.index(c) - 1]
                    typed = values[(mi, t)][above]
                    typed = typed if typed != true and true > 0 and (typed / true > 2 or typed / true < 0.5) else None
                if typed is None or true == 0:
                    continue
                planted.append({"month": mi, "period": "%d-%02d" % MONTHS[mi], "township": t, "code": c,
                                "kind": kind, "true": true, "typed": typed,
                                "size": "small" if t in small else "large"})
                values[(mi, t)][c] = typed
                break
    return planted


def csv_return(t, year, month, v):
    lines = ["安测县卫生健康工作月报表", f"填报单位：{t}卫生院,,,,报告期：{year}年{month}月",
             "序号,指标代码,指标名称,计量单位,本月数,本年累计,备注"]
    for i, (c, name, unit, kind) in enumerate(FORM):
        x = v[c]
        text = f"{x:.{DECIMALS[c]}f}" if c in DECIMALS else str(int(x))
        lines.append(f"{i + 1},{c},{name},{unit},{text},,")
    nxt = (year + (month == 12), month % 12 + 1)
    lines.append(f"填报日期：{nxt[0]}年{nxt[1]}月3日")
    return "\n".join(lines) + "\n"


def main(out):
    out = Path(out)
    rng = Rng(SEED)
    values, extremes = simulate(rng)
    planted = plant(rng, values)
    planted_keys = {(p["month"], p["township"], p["code"]) for p in planted}
    (out / "returns").mkdir(parents=True, exist_ok=True)
    roster = "".join(f'[[townships]]\nname = "{t}"\n' for t in NAMES)
    (out / "config.toml").write_text(f'county = "安测县"\n{roster}', encoding="utf-8")
    for mi, (year, month) in enumerate(MONTHS):
        folder = out / "returns" / ("%d-%02d" % (year, month))
        folder.mkdir(parents=True, exist_ok=True)
        for t in NAMES:
            (folder / f"{t}.csv").write_text(csv_return(t, year, month, values[(mi, t)]), encoding="utf-8")
    truth = {
        "months": ["%d-%02d" % m for m in MONTHS],
        "scored": ["%d-%02d" % m for m in PLANTED_MONTHS],
        "sizes": {t: values[(0, t)]["A01"] for t in NAMES},
        "planted": planted,
        "classes": {c: kind_of(c) for c in KIND},
        "tails": {f"{'%d-%02d' % MONTHS[mi]} {t} {c}": p for (mi, t, c), p in sorted(TAILS.items())},
        "extremes": [{"period": "%d-%02d" % MONTHS[mi], "township": t, "code": c}
                     for mi, t, c in sorted(extremes) if (mi, t, c) not in planted_keys and c not in NOT_R15],
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(NAMES)} townships ({min(truth['sizes'].values())}–{max(truth['sizes'].values())} people), "
          f"{len(MONTHS)} months, {len(planted)} planted errors, {len(truth['extremes'])} true extremes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/outlier-county")
