"""Which file each township returns each month, with its drifts and injected errors.

Vocabulary of a return spec (see R below):
  writer      openpyxl | xlwt | lo-ods (LibreOffice converts an openpyxl xlsx) | lo-xlsx (re-saved)
  status      counted | superseded | wrong_period | not_on_roster
  period      the month the sheets say (default: the folder's month)
  who         the 填报单位 text (default: <township>卫生院)
  opts        layout drifts, see layout.build_form_sheet
  cells       (code, "month"|"ytd") -> how the value is typed (layout.render_value)
  override    (code, col) -> function(values) giving the number this file shows instead (not carried
              into later months; e.g. columns swapped, a typo, a superseded draft)
  extras      extra sheets: ("instructions", "first"|"last"), ("scratch", name), ("last_month_copy",)
  expect      the R01-R12 and R15 (peers) findings the file must produce: (rule, code, column[,
              "secondary"]); R13 / R14 come from `cells`
  tags        drifts that the spec cannot show by itself (file names, unit-name variants)
"""

import math
from datetime import date

from .form import TABLE_CODES

SEED = 20261022

# Ratios fixed where an injected error must stay under the 20% month-to-month move of R12.
RATIO_OVERRIDES = {"北关镇": {"A07": 0.86}, "清水乡": {"A09": 0.86}, "石桥镇": {"A02": 0.935}}
# 云溪镇 types its population as 3.6万 in October: the population is then exactly 36000.
A01_START = {"云溪镇": 35700}
FIXED = {"云溪镇": {(10, "A01"): 36000}}


def apply_changes(towns):
    """Errors the townships really made in the month column: the year to date follows them."""
    t = towns
    # 2026-08
    x = t["杏林镇"].flows[8]
    x["D04"] = math.ceil(x["D03"] * 1.16)                      # R07 D04 > 1.10 x D03
    # 2026-09
    x = t["西山乡"].flows[9]
    x["B07"] = x["B06"] + 2                                    # R04 B07 > B06
    s = t["北关镇"].stocks[9]
    s["A07"] = s["A06"] + 2                                    # R02 A07 > A06
    t["桃源乡"].flows[9]["C08"] = 1                            # R09 a maternal death
    # 2026-10
    t["杏林镇"].flows[10]["C02"] += 1                          # R01 C02 + C03 != C01
    s = t["清水乡"].stocks[10]
    s["A09"] = s["A08"] + 1                                    # R02 A09 > A08
    s = t["石桥镇"].stocks[10]
    s["A02"] = s["A01"] + 150                                  # R03 A02 > A01
    x = t["龙泉乡"].flows[10]
    x["D02"] = x["D01"] + 1                                    # R04 D02 > D01
    x = t["马坊镇"].flows[10]
    x["C06"] = x["C01"] + 1                                    # R05 C06 > C01
    x = t["云溪镇"].flows[10]
    x["C12"] = x["C01"] + max(3, math.ceil(x["C01"] * 0.12))   # R06 C12 > 1.05 x C01
    x = t["西山乡"].flows[10]
    x["D04"] = math.ceil(x["D03"] * 1.15)                      # R07 D04 > 1.10 x D03
    t["南湖镇"].flows[10]["C08"] = 1                           # R09 a maternal death

    # Rules that compare across months or townships (R08, R12, R15; R11 is a typed override, see
    # build_specs). Each stays clear of every other rule (checked by generate.py).
    # 2026-09
    x, beds = t["青石镇"].flows[9], t["青石镇"].stocks[9]["B03"]
    x["B04"] = math.ceil(beds * 30 * 1.08)                     # R08 bed use 108% (ytd stays at 68%)
    for m in (9, 10):                                          # R12 A03 +25% in September, kept in
        s = t["白沙乡"].stocks[m]                               # October (a contract drive): only
        s["A03"] = round(s["A03"] * 1.25)                      # September moves > 20%
    # 2026-10
    t["柳河镇"].flows[10]["B09"] *= 10                         # R15 peers: 206.3 kg typed as 2063
                                                               # (decimal point missed); ytd follows

    # Peer outliers the random data made by itself (R15 peers, z >= 3.5): brought back to the
    # common level so that R15 finds only what is injected.
    t["东岭乡"].flows[8]["B04"] = round(t["东岭乡"].stocks[8]["B03"] * 31 * 0.62)   # was 78.5% use
    x = t["杏林镇"].flows[8]                                   # a small township with 8 talks
    x["D06"], x["D05"] = round(x["D06"] * 4 / x["D05"]), 4     # (D05 z 4.1, D06 z 4.6): 4 talks
    t["杏林镇"].flows[10]["D06"] = 5 * 30                       # 5 talks to 249 (z 5.6): to 150;
    # its D05 (5 talks) keeps z 3.6 but is 2.6 talks from the median rate: under the floor of 3
    t["龙泉乡"].flows[8]["C14"] = 46                           # was 54 of 68 marriages
    x = t["南湖镇"].flows[10]                                  # a large township with 2 talks
    x["D06"], x["D05"] = x["D06"] * 2, 4                       # (z 3.49 for D06): 4 talks


def R(file, township, writer="openpyxl", **kw):
    spec = dict(file=file, township=township, writer=writer, status="counted", period=None,
                filed=None, who=None, opts={}, cells={}, override={}, sheet_names={1: "表1", 2: "表2"},
                sheet_order=[1, 2], extras=[], expect=[], tags=[])
    unknown = set(kw) - set(spec)
    assert not unknown, unknown
    spec.update(kw)
    return spec


def _swap(code):
    return {(code, "month"): lambda v: v[code][1], (code, "ytd"): lambda v: v[code][0]}


def _shift(code, delta):
    return {(code, "month"): lambda v: v[code][0] + delta, (code, "ytd"): lambda v: v[code][1] + delta}


def _transposed(n):
    """The last two digits swapped (1165 -> 1156): a typing slip."""
    a, b = divmod(n, 100)
    out = a * 100 + (b % 10) * 10 + b // 10
    assert out != n, n
    return out


def _ytd_typo(code):
    """本年累计 typed as last month's 本年累计 + 本月数 with a slip (not carried into later months)."""
    return {(code, "ytd"): lambda v: _transposed(v[code][1])}


# 清水乡's September return, also dropped (as a copy) into the October folder.
QINGSHUI_SEP = dict(opts={"filed_fmt": "dot", "period_fmt": "iso"})


def build_specs(rng):
    aug = [
        R("青石镇8月报表.xlsx", "青石镇"),
        R("8月 白沙乡.xls", "白沙乡", "xlwt", opts={"stock_ytd": "blank"}, tags=["filename_month_first"]),
        R("柳河镇_2026年08月.xlsx", "柳河镇", opts={"filed_fmt": "iso"}),
        R("东岭乡8月.xlsx", "东岭乡", cells={("B08", "month"): ("r13", -5)}),
        R("南湖镇卫生院2026年8月报表.xlsx", "南湖镇", sheet_names={1: "Sheet1", 2: "Sheet2"}),
        R("西山乡8月.ods", "西山乡", "lo-ods"),
        R("北关镇8月.xlsx", "北关镇", opts={"header_down": True}),
        R("石桥镇2026年8月卫生健康月报.xlsx", "石桥镇",
          cells={("A01", "month"): ("thousands",), ("A02", "month"): ("thousands",),
                 ("B01", "month"): ("thousands",), ("B01", "ytd"): ("thousands",)}),
        R("龙泉乡_8月.xls", "龙泉乡", "xlwt",
          override={("B01", "month"): lambda v: v["B01"][0] * 10},      # a zero too many
          expect=[("R10", "B01", "ytd"), ("R15", "B01", "month", "secondary")]),
        R("杏林镇8月.xlsx", "杏林镇", opts={"filed_fmt": "iso"}, expect=[("R07", "D04", "month")]),
        R("桃源乡8月报表.xlsx", "桃源乡",
          cells={("C08", "month"): ("zero", "无"), ("C08", "ytd"): ("zero", "无"),
                 ("C09", "month"): ("zero", "无")}),
        R("云溪镇8月.xlsx", "云溪镇", "lo-xlsx",
          cells={("C01", "month"): ("formula", "={month:C02}+{month:C03}")}),
        R("马坊镇 8月.xlsx", "马坊镇", opts={"period_fmt": "iso"}),
        R("清水乡2026-08.xlsx", "清水乡", cells={("C15", "month"): ("r14",)}),
    ]
    sep = [
        R("青石镇9月报表.xlsx", "青石镇", opts={"unit_fmt": "half"}, extras=[("instructions", "last")],
          expect=[("R08", "B04", "month")]),
        R("9月 白沙乡.xls", "白沙乡", "xlwt", sheet_names={1: "表一", 2: "表二"},
          expect=[("R12", "A03", "month")], tags=["filename_month_first"]),
        R("柳河镇_2026年09月.xlsx", "柳河镇", opts={"spacer_after": ["A05", "A11", "C07", "D02"]},
          cells={("A01", "month"): ("thousands",), ("A02", "month"): ("thousands",)}),
        R("东岭乡2026年9月.xls", "东岭乡", "xlwt",
          cells={("C08", "month"): ("zero", "无"), ("C09", "month"): ("zero", "/"),
                 ("C10", "month"): ("zero", "—")}),
        R("南湖镇9月.xlsx", "南湖镇",
          cells={("B02", "month"): ("fullwidth",), ("A03", "month"): ("text",),
                 ("C16", "month"): ("text",), ("D05", "month"): ("r13_error", "#REF!")}),
        R("西山乡9月.ods", "西山乡", "lo-ods",
          expect=[("R04", "B07", "month"), ("R15", "B07", "month", "secondary")]),
        R("北关镇9月.xlsx", "北关镇", opts={"header_down": True},
          expect=[("R02", "A07", "month"), ("R15", "A07", "month", "secondary")]),
        R("石桥镇2026年9月卫生健康月报.xlsx", "石桥镇", sheet_order=[2, 1],
          cells={("B05", "ytd"): ("r14",)}),
        R("龙泉乡_9月.xls", "龙泉乡", "xlwt", opts={"second_header": True}),
        R("杏林镇9月.xlsx", "杏林镇", "lo-xlsx", opts={"notes_under": True}),
        R("桃源乡9月报表.xlsx", "桃源乡",
          opts={"names": {"C02": "其中:男", "C03": "其中:女", "B07": "\"先诊疗后付费\"受益人数"}},
          expect=[("R09", "C08", "month")]),
        R("云溪镇9月.xlsx", "云溪镇",
          cells={("C13", "month"): ("r13_pct", 0.92), ("C07", "month"): ("unit",),
                 ("B02", "month"): ("unit",)}),
        R("马坊镇 9月.xlsx", "马坊镇", opts={"period_fmt": "spaced", "filed_fmt": "iso"},
          cells={("A01", "month"): ("text",), ("B01", "month"): ("text",), ("B01", "ytd"): ("text",)}),
        R("清水乡2026-09.xlsx", "清水乡", **QINGSHUI_SEP),
    ]
    order2 = rng.sample(TABLE_CODES[2], len(TABLE_CODES[2]))
    oct_ = [
        R("青石镇10月报表.xlsx", "青石镇", status="superseded", who="青石镇", filed=date(2026, 11, 3),
          override={**_shift("B01", -120), **_shift("C16", 5), **_shift("D06", -10)},
          tags=["unit_name_without_卫生院", "duplicate_original"]),
        R("青石镇10月报表(修改版).xlsx", "青石镇", filed=date(2026, 11, 5),
          opts={"traditional": True, "filed_fmt": "dot"},
          cells={("A11", "month"): ("r13", "95%")},
          tags=["duplicate_revision_wins"]),
        R("10月 白沙乡.xls", "白沙乡", "xlwt", sheet_names={1: "表一", 2: "表二"},
          opts={"header_down": True, "stock_ytd": "blank"}, override=_swap("B02"),
          expect=[("R10", "B02", "ytd"), ("R11", "B02", "ytd", "secondary"),
                  ("R15", "B02", "month", "secondary")],
          tags=["filename_month_first"]),
        R("柳河镇_2026年10月.xlsx", "柳河镇", who="柳和镇卫生院",
          opts={"extra_col": True, "names": {"A04": "65岁以上老年人口数", "A05": "65岁以上老年人健康管理人数"}},
          cells={("C07", "month"): ("r13", -5), ("D03", "ytd"): ("r14",)},
          expect=[("R15", "B09", "month")], tags=["unit_name_typo"]),
        R("东岭乡9月.xlsx", "东岭乡", "lo-xlsx", filed=date(2026, 11, 2),
          cells={("C01", "month"): ("formula", "={month:C02}+{month:C03}"),
                 ("C01", "ytd"): ("formula", "={ytd:C02}+{ytd:C03}"),
                 ("B06", "month"): ("r13_error", "=1/0")},
          tags=["filename_says_other_month"]),
        R("新建 Microsoft Excel 工作表.xlsx", "南湖镇", sheet_order=[2, 1],
          sheet_names={2: "Sheet1", 1: "Sheet2"}, opts={"period_fmt": "title"},
          cells={("A01", "month"): ("text",), ("B01", "month"): ("thousands",),
                 ("B01", "ytd"): ("thousands",), ("C09", "month"): ("zero", "/"),
                 ("C10", "month"): ("zero", "无"), ("A06", "month"): ("r14",)},
          expect=[("R09", "C08", "month")], tags=["filename_generic"]),
        R("西山乡卫生院10月月报.ods", "西山乡", "lo-ods",
          extras=[("instructions", "first"), ("scratch", "Sheet3")],
          expect=[("R07", "D04", "month")]),
        R("石桥镇2026年10月卫生健康月报.xlsx", "石桥镇", extras=[("last_month_copy",)],
          expect=[("R03", "A02", "month")]),
        R("龙泉乡_10月.xls", "龙泉乡", "xlwt",
          opts={"merged_header": True, "total_row": True, "notes_under": True},
          override=_ytd_typo("C16"),                                    # R11: 1165 typed 1156
          expect=[("R04", "D02", "month"), ("R11", "C16", "ytd")]),
        R("杏林镇10月.xlsx", "杏林镇",
          opts={"second_header": True, "spacer_after": ["A11", "B04", "C07", "C17"],
                "names": {"A03": "家庭医生 签约人数", "C02": "其中:男", "C03": "其中:女",
                          "D02": "其中:及时报告例数"}},
          expect=[("R01", "C01", "month"), ("R01", "C01", "ytd", "secondary")]),
        R("桃源乡10月报表.xlsx", "桃源乡", opts={"filed_fmt": "iso", "period_fmt": "spaced"},
          cells={("D06", "month"): ("r13_formula", "={month:D05}*40"),
                 ("C08", "month"): ("zero", "—")}),
        R("云溪镇10月.ods", "云溪镇", "lo-ods", opts={"no_code": True},
          cells={("A01", "month"): ("wan", "3.6万"), ("C07", "month"): ("unit",),
                 ("B02", "month"): ("fullwidth",), ("D05", "month"): ("fullwidth",)},
          expect=[("R06", "C12", "month")]),
        R("马坊镇 10月.xlsx", "马坊镇", "lo-xlsx", opts={"order": {2: order2}, "notes_under": True},
          expect=[("R05", "C06", "month")]),
        R("清水乡2026-10.xlsx", "清水乡", opts={"period_fmt": "iso"},
          cells={("C01", "month"): ("r13", 12.5)},
          expect=[("R02", "A09", "month"), ("R15", "A09", "month", "secondary")]),
        R("清水乡月报.xlsx", "清水乡", status="wrong_period", period="2026-09", **QINGSHUI_SEP,
          tags=["wrong_month_in_folder"]),
        R("新华镇卫生院10月报表.xlsx", "新华镇", status="not_on_roster", tags=["not_on_roster"]),
    ]
    junk = {"2026-10": [("~$白沙乡10月.xlsx", rng.randbytes(165)), ("Thumbs.db", rng.randbytes(3584))]}
    return {"2026-08": aug, "2026-09": sep, "2026-10": oct_}, junk


# Explanations (审核说明) the county keeps beside the returns: one file per month folder, UTF-8 with
# a BOM and CRLF line ends, as Excel saves "CSV UTF-8". 数值 holds the values the explanation was
# written for (the rule's codes, in the order they appear in its expression, for the finding's
# column); `values` shifts them where the explanation was written for an earlier copy (-> stale).
EXPLANATIONS_FILE = "审核说明.csv"
EXPLANATIONS = {"2026-10": [
    dict(township="云溪镇", rule="R06", code="C12", column="month", status="接受", by="刘文斌",
         on="2026-11-08", state="accepted",
         text=lambda v: (f"月末出生的新生儿在本月筛查，上月活产的新生儿中有{v['C12'] - v['C01']}名于"
                         f"10月初完成采血筛查，计入本月筛查人数，本月活产{v['C01']}人均已筛查。")),
    dict(township="西山乡", rule="R07", code="D04", column="month", status="接受", by="刘文斌",
         on="2026-11-08", state="stock_phrase", text="核实无误"),
    dict(township="清水乡", rule="R02", code="A09", column="month", status="接受", by="刘文斌",
         on="2026-11-08", state="not_explainable",
         text="糖尿病规范管理人数含本月从县医院转回的患者，在管人数尚未同步更新。"),
    dict(township="马坊镇", rule="R05", code="C06", column="month", status="接受", by="刘文斌",
         on="2026-11-08", state="stale", values={"C06": 1, "C01": 1},
         text="本月住院分娩中有1例死产，死产不计入活产数，故住院分娩数多于活产数。"),
]}
