//! Each rule with a passing and a failing case, through the same path as `run`: facts → wide
//! table → checks.

use super::*;
use crate::model::{Column, Fact, Location};

fn findings(values: &[(&str, Column, f64)], month: u32) -> Vec<String> {
    let config = Config::default_with("县", &["甲镇"]).expect("config");
    let facts: Vec<Fact> = values
        .iter()
        .map(|(code, column, value)| Fact {
            township: "甲镇".into(),
            code: (*code).into(),
            column: *column,
            value: *value,
            at: Location::default(),
        })
        .collect();
    let table = FactTable::build(facts, &config).expect("table");
    let period = Period::new(2026, month).expect("period");
    run(&table, &config, period, &crate::history::Past::default())
        .into_iter()
        .filter(|f| !matches!(f.kind, crate::findings::Kind::NotEvaluable(_)))
        .map(|f| format!("{}:{}", f.rule, f.code.unwrap_or_default()))
        .collect()
}

use Column::{Month as M, Ytd as Y};

/// (case, values typed, findings expected as `RULE:CODE`)
type Case<'a> = (&'a str, &'a [(&'a str, Column, f64)], &'a [&'a str]);

#[test]
fn each_rule_passes_and_fails() {
    let cases: &[Case] = &[
        (
            "R01 pass",
            &[("C01", M, 10.0), ("C02", M, 6.0), ("C03", M, 4.0)],
            &[],
        ),
        (
            "R01 fail",
            &[("C01", M, 10.0), ("C02", M, 6.0), ("C03", M, 5.0)],
            &["R01:C01"],
        ),
        ("R02 pass", &[("A06", M, 10.0), ("A07", M, 10.0)], &[]),
        (
            "R02 fail",
            &[("A08", M, 10.0), ("A09", M, 11.0)],
            &["R02:A09"],
        ),
        ("R03 pass", &[("A01", M, 100.0), ("A03", M, 60.0)], &[]),
        (
            "R03 fail",
            &[("A01", M, 100.0), ("A03", M, 101.0)],
            &["R03:A03"],
        ),
        ("R04 pass", &[("D01", M, 5.0), ("D02", M, 5.0)], &[]),
        (
            "R04 fail",
            &[("D01", M, 5.0), ("D02", M, 6.0)],
            &["R04:D02"],
        ),
        ("R05 pass", &[("C01", M, 5.0), ("C06", M, 5.0)], &[]),
        (
            "R05 fail",
            &[("C01", M, 5.0), ("C06", M, 6.0)],
            &["R05:C06"],
        ),
        ("R06 pass", &[("C01", M, 100.0), ("C12", M, 105.0)], &[]),
        (
            "R06 fail",
            &[("C01", M, 100.0), ("C13", M, 106.0)],
            &["R06:C13"],
        ),
        ("R07 pass", &[("D03", M, 100.0), ("D04", M, 110.0)], &[]),
        (
            "R07 fail",
            &[("D03", M, 100.0), ("D04", M, 111.0)],
            &["R07:D04"],
        ),
        ("R09 pass", &[("C08", M, 0.0)], &[]),
        ("R09 fail", &[("C08", M, 1.0)], &["R09:C08"]),
        ("R10 pass", &[("B01", M, 10.0), ("B01", Y, 90.0)], &[]),
        (
            "R10 fail",
            &[("B01", M, 10.0), ("B01", Y, 9.0)],
            &["R10:B01"],
        ),
        (
            "ytd column fails",
            &[("C01", Y, 30.0), ("C02", Y, 10.0), ("C03", Y, 10.0)],
            &["R01:C01"],
        ),
        (
            "a missing value skips the rule",
            &[("C01", M, 10.0), ("C02", M, 6.0)],
            &[],
        ),
    ];
    for (name, values, want) in cases {
        assert_eq!(findings(values, 10), *want, "{name}");
    }
}

#[test]
fn january_ytd_equals_month() {
    assert_eq!(
        findings(&[("B01", M, 10.0), ("B01", Y, 10.0)], 1),
        Vec::<String>::new()
    );
    assert_eq!(
        findings(&[("B01", M, 10.0), ("B01", Y, 12.0)], 1),
        ["R11:B01"],
        "in January R11 needs no last month"
    );
    assert_eq!(
        findings(&[("B01", M, 10.0), ("B01", Y, 9.0)], 1),
        ["R10:B01", "R11:B01"]
    );
}

/// A county's own rules, pasted from its audit table: full-width operators, 且, last month's
/// value, a rounding tolerance, a missing value counted as 0.
#[test]
fn county_rules_with_tolerance_last_month_and_missing_as_zero() {
    let text = r#"
county = "县"
[[townships]]
name = "甲镇"

[[checks]]
id = "X01"
severity = "warning"
assert = "B05 ＝ B08 × 80"
tolerance = 0.01
columns = "month"

[[checks]]
id = "X02"
severity = "notice"
fail_if = "A05 < A05@-1 且 A05@-1 > 0"
columns = "month"

[[checks]]
id = "X03"
severity = "warning"
assert = "C16 + C17 >= 1"
missing = "zero"
columns = "month"
"#;
    let config = Config::parse(text, "county.toml").expect("config");
    let table = |values: &[(&str, f64)]| {
        let facts = values
            .iter()
            .map(|(code, value)| Fact {
                township: "甲镇".into(),
                code: (*code).into(),
                column: M,
                value: *value,
                at: Location::default(),
            })
            .collect();
        FactTable::build(facts, &config).expect("table")
    };
    let period = Period::new(2026, 10).expect("period");
    let rules = |t: &FactTable, past: &crate::history::Past| -> Vec<String> {
        run(t, &config, period, past)
            .into_iter()
            .map(|f| match f.kind {
                crate::findings::Kind::NotEvaluable(_) => format!("{}?", f.rule),
                _ => f.rule,
            })
            .collect()
    };
    let previous = crate::history::Past {
        store: Some("h".into()),
        previous: Some(crate::history::Figures::from_table(
            Period::new(2026, 9).expect("period"),
            &table(&[("A05", 200.0)]),
        )),
        ..Default::default()
    };
    // Within the tolerance, A05 not down, C16 given: nothing.
    let ok = table(&[("B05", 120.005), ("B08", 1.5), ("A05", 210.0), ("C16", 3.0)]);
    assert_eq!(rules(&ok, &previous), Vec::<String>::new());
    // Beyond the tolerance, A05 down from last month, C16 and C17 missing (counted as 0).
    let bad = table(&[("B05", 120.02), ("B08", 1.5), ("A05", 100.0)]);
    assert_eq!(rules(&bad, &previous), ["X01", "X02", "X03"]);
    // Without last month, the rule that needs it is not evaluable, never passed.
    let none = crate::history::Past {
        store: Some("h".into()),
        ..Default::default()
    };
    assert_eq!(rules(&bad, &none), ["X01", "X02?", "X03"]);
}
