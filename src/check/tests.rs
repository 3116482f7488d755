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
