"""Clean, internally consistent data for every township (integers in 1/SCALE units)."""

from .form import CODES, KIND, SCALE, DAYS_IN_MONTH, ROSTER_NAMES, OFF_ROSTER

FIRST_STOCK_MONTH = 7      # stocks are kept from July (the month before the first return)
LAST_MONTH = 10
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "国庆", "春梅", "文斌", "晓东", "桂兰", "永红", "立新"]


class Town:
    """One township's monthly series. flows[m][code] for m = 1..10, stocks[m][code] for m = 7..10."""

    def __init__(self, name):
        self.name = name
        self.flows = {m: {} for m in range(1, LAST_MONTH + 1)}
        self.stocks = {m: {} for m in range(FIRST_STOCK_MONTH, LAST_MONTH + 1)}
        self.lastyear = {}          # (m, code) -> units, for the 上年同期 column
        self.people = ()            # 单位负责人, 统计负责人, 填表人
        self.phone = ""
        self.filed_day = {}         # m -> day of the next month the return was filed

    # -- reading -------------------------------------------------------
    def month(self, m, code):
        return self.flows[m][code] if KIND[code] == "flow" else self.stocks[m][code]

    def ytd(self, m, code):
        if KIND[code] != "flow":
            return None
        return sum(self.flows[i][code] for i in range(1, m + 1))

    def values(self, m):
        """code -> (month units, ytd units or None)."""
        return {c: (self.month(m, c), self.ytd(m, c)) for c in CODES}

    # -- changes that a township "really" reported (ytd follows) ----------
    def add_flow(self, m, code, delta):
        assert KIND[code] == "flow"
        self.flows[m][code] += delta

    def set_stock(self, m, code, value):
        assert KIND[code] == "stock"
        self.stocks[m][code] = value


def _clamp(v, lo, hi):
    return max(lo, min(hi, v))


def _stock_step(prev, new):
    """Keep a stock's month-to-month move under 2.5% (the form's stocks move slowly)."""
    if prev and abs(new - prev) / prev >= 0.025:
        new = prev + int(prev * 0.02) * (1 if new > prev else -1)
    return new


def _make_stocks(t, rng, a01_start, ratio_overrides, fixed):
    u = rng.uniform
    r = {
        "A02": u(0.86, 0.94), "A03": u(0.40, 0.65), "A04": u(0.12, 0.18), "A06": u(0.22, 0.28),
        "A07": u(0.70, 0.84), "A08": u(0.07, 0.09), "A09": u(0.70, 0.84), "A10": u(0.0035, 0.0045),
        "A11": u(0.85, 0.95),
    }
    r.update(ratio_overrides)
    beds = _clamp(round(a01_start / 500 * u(0.8, 1.2)), 20, 120)
    base = {"A02": "A01", "A03": "A01", "A04": "A01", "A06": "A04", "A07": "A06", "A08": "A04",
            "A09": "A08", "A10": "A01", "A11": "A10"}
    a01 = a01_start
    for m in range(FIRST_STOCK_MONTH, LAST_MONTH + 1):
        s = t.stocks[m]
        if m > FIRST_STOCK_MONTH:
            a01 = round(a01 * (1 + u(-0.004, 0.006)))
            for k in r:
                noise = u(-0.004, 0.004)
                if k not in ratio_overrides:
                    r[k] *= 1 + noise
        s["A01"] = fixed.get((m, "A01"), a01)
        for code in ("A02", "A03", "A04", "A06", "A07", "A08", "A09", "A10", "A11"):
            v = round(s[base[code]] * r[code])
            if m > FIRST_STOCK_MONTH:
                v = _stock_step(t.stocks[m - 1][code], v)
            s[code] = v
        s["B03"] = beds


def _make_flows(t, rng):
    u = rng.uniform
    a01 = t.stocks[FIRST_STOCK_MONTH]["A01"]
    visits = u(0.13, 0.20)
    for m in range(1, LAST_MONTH + 1):
        season = 1 + 0.12 * (1 if m in (1, 2, 12) else (-1 if m in (6, 7, 8) else 0)) + u(-0.05, 0.05)
        sm = t.stocks[max(m, FIRST_STOCK_MONTH)]
        f = t.flows[m]
        f["A05"] = round(sm["A04"] * u(0.04, 0.09))
        f["B01"] = _clamp(round(a01 * visits * season), 2000, 12000)
        beds = sm["B03"]
        f["B02"] = _clamp(round(beds * u(1.6, 2.4) * season), 50, 250)
        f["B04"] = round(beds * DAYS_IN_MONTH[m] * u(0.45, 0.80))
        f["B05"] = round(f["B01"] * u(150, 200) / 100)            # 万元 in cents
        f["B06"] = round(f["B02"] * u(0.08, 0.20))
        f["B07"] = round(f["B06"] * u(0.6, 1.0))
        f["B08"] = round(f["B07"] * u(500, 1500) / 100)           # 万元 in cents
        f["B09"] = round(f["B01"] * u(0.2, 0.4))                  # kg in tenths
        c01 = _clamp(round(a01 * 0.009 / 12 * u(0.75, 1.25)), 10, 45)
        f["C01"] = c01
        f["C02"] = round(c01 * u(0.46, 0.58))
        f["C03"] = c01 - f["C02"]
        f["C04"] = c01 - (1 if rng.random() < 0.12 else 0)
        f["C05"] = max(0, f["C04"] - rng.choice([0, 0, 1, 1, 2]))
        f["C06"] = c01 - (1 if rng.random() < 0.4 else 0)
        f["C07"] = round(f["C04"] * u(0.15, 0.25))
        f["C08"] = 0
        f["C09"] = 1 if rng.random() < 0.03 else 0
        f["C10"] = f["C09"] + (1 if rng.random() < 0.02 else 0)
        f["C11"] = max(0, f["C04"] - rng.choice([0, 1, 2, 3]))
        f["C12"] = max(0, c01 - rng.choice([0, 0, 1, 2]))
        f["C13"] = max(0, c01 - rng.choice([0, 0, 1, 2]))
        f["C15"] = 2 * round(c01 * u(0.8, 1.2))
        f["C14"] = round(f["C15"] * u(0.6, 0.8))
        f["C16"] = round(a01 * u(0.001, 0.006))
        f["C17"] = round(f["C16"] * u(0.8, 1.1))
        f["D01"] = _clamp(round(a01 / 2000 * u(0.5, 1.5)), 3, 30)
        f["D02"] = max(0, f["D01"] - (0 if rng.random() < 0.6 else rng.randint(1, 2)))
        f["D03"] = _clamp(round(a01 * u(0.018, 0.026)), 300, 1500)
        f["D04"] = round(f["D03"] * u(0.95, 1.0))
        f["D05"] = rng.randint(2, 8)
        f["D06"] = round(f["D05"] * u(30, 50))


def _make_misc(t, rng):
    t.people = tuple(rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(3))
    t.phone = "0318-%07d" % rng.randint(5200000, 5299999)
    for m in range(8, LAST_MONTH + 1):
        t.filed_day[m] = rng.randint(1, 8)
        for c in CODES:
            v = t.month(m, c)
            f = rng.uniform(0.85, 1.15) if KIND[c] == "flow" else rng.uniform(0.95, 1.0)
            t.lastyear[(m, c)] = round(v * f)


def make_towns(rng, ratio_overrides=None, fixed=None, a01_start=None):
    """All roster townships plus the off-roster one, in a fixed order from one rng."""
    ratio_overrides = ratio_overrides or {}
    fixed = fixed or {}
    a01_start = a01_start or {}
    towns = {}
    for name in ROSTER_NAMES + [OFF_ROSTER]:
        t = Town(name)
        start = rng.randint(15000, 60000)
        _make_stocks(t, rng, a01_start.get(name, start), ratio_overrides.get(name, {}), fixed.get(name, {}))
        _make_flows(t, rng)
        _make_misc(t, rng)
        towns[name] = t
    return towns


def as_number(code, units):
    """Integer units -> the number written in the form (int, or float with the code's decimals)."""
    if units is None:
        return None
    if SCALE[code] == 1:
        return units
    return round(units / SCALE[code], len(str(SCALE[code])) - 1)
