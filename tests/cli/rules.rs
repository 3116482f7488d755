//! Every rule R01–R15 with a case that passes and a case that fails, through the same code path
//! as `huizong run` (discover → read → locate → facts → history → checks): ten townships return
//! a consistent CSV each month from April to October; the months before October go into a
//! history store as a run stores them; then one value of one township is changed in October.

use std::collections::BTreeMap;
use std::path::Path;

use huizong::config::{Config, IndicatorKind};
use huizong::findings::Finding;
use huizong::findings::{Kind, OutlierMethod};
use huizong::history::{Figures, Store};
use huizong::model::Period;
use huizong::pipeline::{self, Context};

const TOWNSHIPS: [&str; 10] = [
    "甲镇", "乙乡", "丙镇", "丁乡", "戊镇", "己乡", "庚镇", "辛乡", "壬镇", "癸乡",
];

/// A consistent month: every rule holds (flows are the same every month).
fn base(code: &str) -> f64 {
    match code {
        "A01" => 10000.0,
        "A02" => 9000.0,
        "A03" => 5000.0,
        "A04" => 1500.0,
        "A05" => 100.0,
        "A06" => 800.0,
        "A07" => 600.0,
        "A08" => 300.0,
        "A09" => 200.0,
        "A10" => 50.0,
        "A11" => 40.0,
        "B01" => 3000.0,
        "B02" => 60.0,
        "B03" => 50.0,
        "B04" => 900.0,
        "B05" => 120.5,
        "B06" => 10.0,
        "B07" => 8.0,
        "B08" => 1.5,
        "B09" => 80.5,
        "C01" => 20.0,
        "C02" => 11.0,
        "C03" => 9.0,
        "C04" => 20.0,
        "C05" => 19.0,
        "C06" => 20.0,
        "C07" => 3.0,
        "C08" | "C09" | "C10" => 0.0,
        "C11" => 18.0,
        "C12" | "C13" => 20.0,
        "C14" => 6.0,
        "C15" => 10.0,
        "C16" | "C17" => 40.0,
        "D01" | "D02" => 5.0,
        "D03" => 100.0,
        "D04" => 98.0,
        "D05" => 4.0,
        "D06" => 120.0,
        _ => 0.0,
    }
}

/// What one cell says: a number, a text as typed, or blank.
#[derive(Clone)]
pub(crate) enum Cell {
    Num(f64),
    Text(&'static str),
    Blank,
}

/// `(code, "month" | "ytd") → cell` changes to the consistent return.
pub(crate) type Changes = Vec<((&'static str, &'static str), Cell)>;

pub(crate) fn csv_return(
    config: &Config,
    township: &str,
    period: Period,
    changes: &Changes,
) -> String {
    let mut s = String::new();
    s.push_str("安平县卫生健康工作月报表\n");
    s.push_str(&format!(
        "填报单位：{township}卫生院,,,,报告期：{}年{}月\n",
        period.year, period.month
    ));
    s.push_str("序号,指标代码,指标名称,计量单位,本月数,本年累计,备注\n");
    let changed: BTreeMap<(&str, &str), Cell> = changes.iter().cloned().collect();
    let shown = |c: &Cell| match c {
        Cell::Num(v) => v.to_string(),
        Cell::Text(t) => t.to_string(),
        Cell::Blank => String::new(),
    };
    for (i, ind) in config.indicators.iter().enumerate() {
        let code = ind.code();
        let month = Cell::Num(base(code));
        let ytd = match ind.kind {
            IndicatorKind::Flow => Cell::Num(base(code) * period.month as f64),
            IndicatorKind::Stock => Cell::Blank,
        };
        let month = changed.get(&(code, "month")).cloned().unwrap_or(month);
        let ytd = changed.get(&(code, "ytd")).cloned().unwrap_or(ytd);
        s.push_str(&format!(
            "{},{code},{},{},{},{},\n",
            i + 1,
            ind.name,
            ind.unit,
            shown(&month),
            shown(&ytd)
        ));
    }
    s.push_str(&format!(
        "填报日期：{}年{}月3日\n",
        period.year,
        period.month + 1
    ));
    s
}

fn config() -> Config {
    Config::default_with("安平县", &TOWNSHIPS).expect("config")
}

/// One month's folder: every township's return, `changes` applied to 甲镇's.
fn month_folder(dir: &Path, config: &Config, period: Period, changes: &Changes) {
    std::fs::create_dir_all(dir).expect("folder");
    for t in TOWNSHIPS {
        let none = Vec::new();
        let c = if t == "甲镇" { changes } else { &none };
        std::fs::write(
            dir.join(format!("{t}.csv")),
            csv_return(config, t, period, c),
        )
        .expect("write");
    }
}

/// A store holding April to September as `huizong run` leaves it.
fn history(root: &Path, config: &Config) -> Store {
    let store = Store::new(root.join("history"));
    for m in 4..=9 {
        let period = Period::new(2026, m).expect("period");
        let dir = root.join(format!("2026-{m:02}"));
        month_folder(&dir, config, period, &Vec::new());
        let ctx = Context {
            history: Some(store.clone()),
            ..Context::default()
        };
        let out = pipeline::run(&dir, config, &ctx).expect("run");
        assert_eq!(out.period, period);
        store
            .save(&Figures::from_table(period, &out.table))
            .expect("save");
    }
    store
}

fn october(
    root: &Path,
    config: &Config,
    store: &Store,
    name: &str,
    changes: &Changes,
) -> Vec<Finding> {
    let dir = root.join(name);
    let period = Period::new(2026, 10).expect("period");
    month_folder(&dir, config, period, changes);
    let ctx = Context {
        history: Some(store.clone()),
        ..Context::default()
    };
    pipeline::run(&dir, config, &ctx).expect("run").findings
}

fn rules_at(findings: &[Finding], township: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.township.as_deref() == Some(township))
        .map(|f| format!("{}:{}", f.rule, f.code.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn each_rule_r01_to_r15_passes_and_fails_through_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config();
    let store = history(dir.path(), &config);

    // The consistent month: no rule fails anywhere, and nothing is "not evaluable" either.
    let clean = october(dir.path(), &config, &store, "pass", &Vec::new());
    let rule_findings: Vec<String> = clean
        .iter()
        .filter(|f| f.rule.starts_with('R'))
        .map(|f| format!("{} {:?} {:?}", f.rule, f.township, f.kind))
        .collect();
    assert!(rule_findings.is_empty(), "{rule_findings:#?}");

    use Cell::{Blank, Num, Text};
    let cases: Vec<(&str, &str, Changes)> = vec![
        ("R01", "C01", vec![(("C02", "month"), Num(12.0))]),
        ("R02", "A07", vec![(("A07", "month"), Num(900.0))]),
        ("R03", "A03", vec![(("A03", "month"), Num(10001.0))]),
        ("R04", "D02", vec![(("D02", "month"), Num(6.0))]),
        ("R05", "C06", vec![(("C06", "month"), Num(21.0))]),
        ("R06", "C12", vec![(("C12", "month"), Num(22.0))]),
        ("R07", "D04", vec![(("D04", "month"), Num(111.0))]),
        // 50 beds × 31 days × 105% = 1627.5 bed-days.
        ("R08", "B04", vec![(("B04", "month"), Num(1700.0))]),
        ("R09", "C08", vec![(("C08", "month"), Num(1.0))]),
        ("R10", "B01", vec![(("B01", "ytd"), Num(2000.0))]),
        ("R11", "B01", vec![(("B01", "ytd"), Num(30001.0))]),
        ("R12", "A06", vec![(("A06", "month"), Num(1000.0))]),
        ("R13", "A10", vec![(("A10", "month"), Text("12.5"))]),
        ("R14", "C15", vec![(("C15", "month"), Blank)]),
        (
            "R15",
            "B01",
            vec![
                (("B01", "month"), Num(30000.0)),
                (("B01", "ytd"), Num(57000.0)),
            ],
        ),
    ];
    for (rule, code, changes) in cases {
        let found = october(dir.path(), &config, &store, rule, &changes);
        let want = format!("{rule}:{code}");
        assert!(
            rules_at(&found, "甲镇").contains(&want),
            "{rule} fails: {want} not in {:?}",
            rules_at(&found, "甲镇")
        );
        assert!(
            !rules_at(&clean, "甲镇").contains(&want),
            "{rule} passes on the consistent month"
        );
        if rule == "R15" {
            // Both kinds: against its own six months and against the nine other townships.
            let methods: Vec<_> = found
                .iter()
                .filter_map(|f| match f.kind {
                    Kind::Outlier { method, .. } => Some(method),
                    _ => None,
                })
                .collect();
            assert!(
                methods
                    .iter()
                    .any(|m| matches!(m, OutlierMethod::History { months: 6, .. })),
                "{methods:?}"
            );
            assert!(
                methods
                    .iter()
                    .any(|m| matches!(m, OutlierMethod::Peers { townships: 10, .. })),
                "{methods:?}"
            );
        }
    }
}

#[test]
fn cross_month_rules_are_not_evaluable_without_last_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config();
    let store = Store::new(dir.path().join("empty-history"));
    let found = october(dir.path(), &config, &store, "alone", &Vec::new());
    let not_evaluable: Vec<&str> = found
        .iter()
        .filter(|f| matches!(f.kind, Kind::NotEvaluable(_)))
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(not_evaluable, ["R11", "R12", "R15"], "{found:#?}");
    // Not evaluable is never passed silently, and never an error either.
    assert!(found
        .iter()
        .filter(|f| matches!(f.kind, Kind::NotEvaluable(_)))
        .all(|f| !f.severity.fails_run()));
}

/// A value the form declares as a state (`-2` = 未开展) is noted, never summed, never R13.
#[test]
fn a_declared_sentinel_is_noted_and_not_summed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config();
    config.form.sentinels.push(huizong::config::Sentinel {
        value: -2.0,
        meaning: "未开展".into(),
        meaning_en: None,
    });
    let folder = dir.path().join("2026-10");
    let period = Period::new(2026, 10).expect("period");
    month_folder(
        &folder,
        &config,
        period,
        &vec![(("C16", "month"), Cell::Num(-2.0))],
    );
    let out = pipeline::run(&folder, &config, &Context::default()).expect("run");
    let at_c16: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.code.as_deref() == Some("C16") && f.township.as_deref() == Some("甲镇"))
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(at_c16, ["N08"]);
    let c16 = out
        .aggregates
        .totals
        .iter()
        .find(|t| t.code == "C16")
        .expect("C16 total");
    assert_eq!((c16.month, c16.townships), (Some(9.0 * 40.0), 9));
    // Without the declaration the same cell is an invalid negative.
    let plain = pipeline::run(&folder, &self::config(), &Context::default()).expect("run");
    assert!(plain
        .findings
        .iter()
        .any(|f| f.rule == "R13" && f.code.as_deref() == Some("C16")));
}

/// 甲镇 reports three times the others' 门诊 visits (B02) every month: a standing difference,
/// which its own months judge (`standing_level`), while a typing error on top still stands out.
#[test]
fn a_township_that_always_differs_from_its_peers_is_judged_by_its_own_months() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config();
    // Off: no standing differences and no corroboration (the peers' strong limits alone flag
    // a value only when its own months lean the same way, which they do not here).
    let mut off = config.clone();
    for check in &mut off.checks {
        check.outlier.standing_level = 0.0;
        check.outlier.corroborate = 0.0;
    }
    let own = |period: Period, month: f64| -> Changes {
        vec![
            (("B02", "month"), Cell::Num(month)),
            (
                ("B02", "ytd"),
                Cell::Num(180.0 * (period.month - 1) as f64 + month),
            ),
        ]
    };
    let store = Store::new(dir.path().join("history"));
    for m in 4..=9 {
        let period = Period::new(2026, m).expect("period");
        let folder = dir.path().join(format!("2026-{m:02}"));
        month_folder(&folder, &config, period, &own(period, 180.0));
        let ctx = Context {
            history: Some(store.clone()),
            ..Context::default()
        };
        let out = pipeline::run(&folder, &config, &ctx).expect("run");
        store
            .save(&Figures::from_table(period, &out.table))
            .expect("save");
    }
    let october_with = |config: &Config, name: &str, month: f64| {
        let folder = dir.path().join(name);
        let period = Period::new(2026, 10).expect("period");
        month_folder(&folder, config, period, &own(period, month));
        let ctx = Context {
            history: Some(store.clone()),
            ..Context::default()
        };
        let found = pipeline::run(&folder, config, &ctx).expect("run").findings;
        found
            .into_iter()
            .filter(|f| f.township.as_deref() == Some("甲镇") && f.code.as_deref() == Some("B02"))
            .filter_map(|f| match f.kind {
                Kind::Outlier { method, .. } => Some(method),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let usual = october_with(&config, "usual", 180.0);
    assert!(usual.is_empty(), "its usual level is no outlier: {usual:?}");
    let compared = october_with(&off, "compared", 180.0);
    assert!(
        compared
            .iter()
            .any(|m| matches!(m, OutlierMethod::Peers { .. })),
        "with standing_level = 0 and corroborate = 0 the peers flag it: {compared:?}"
    );
    let typo = october_with(&config, "typo", 1800.0);
    assert!(
        typo.iter()
            .any(|m| matches!(m, OutlierMethod::History { .. })),
        "a typing error on top is found against its own months: {typo:?}"
    );
}
