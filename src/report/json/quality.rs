//! The run report's data-quality section: the county's figures against the targets, and each
//! township's, as typed structs serialised in key order (see the parent module).

use std::collections::BTreeMap;

use crate::quality::{Counts, DataQuality, Ratio, Timely, SEVERITIES};

/// A part of a whole against its target.
#[derive(serde::Serialize)]
struct RatioEntry {
    den: usize,
    met: Option<bool>,
    num: usize,
    rate: Option<f64>,
    target: f64,
}

fn ratio(r: Ratio, target: f64) -> RatioEntry {
    RatioEntry {
        den: r.den,
        met: r.meets(target),
        num: r.num,
        rate: r.rate(),
        target,
    }
}

/// Findings by severity key, with the consistency failures and outliers, in key order.
fn counts(c: &Counts) -> BTreeMap<&'static str, usize> {
    let mut v: BTreeMap<&'static str, usize> =
        SEVERITIES.iter().map(|s| (s.key(), c.of(*s))).collect();
    v.insert("consistency", c.consistency);
    v.insert("outliers", c.outliers);
    v
}

/// The data-quality figures: the county's against the targets, and each township's.
#[derive(serde::Serialize)]
pub(super) struct Quality<'a> {
    by_rule: BTreeMap<&'a str, BTreeMap<&'static str, usize>>,
    completeness: RatioEntry,
    findings: BTreeMap<&'static str, usize>,
    other_files: BTreeMap<&'static str, usize>,
    required_cells: RatioEntry,
    timeliness: RatioEntry,
    townships: Vec<TownshipEntry<'a>>,
}

#[derive(serde::Serialize)]
struct TownshipEntry<'a> {
    date_from: Option<&'static str>,
    file: Option<&'a str>,
    filed: Option<String>,
    findings: BTreeMap<&'static str, usize>,
    on_time: Option<&'static str>,
    received: bool,
    required_cells: usize,
    required_filled: usize,
    township: &'a str,
}

impl<'a> Quality<'a> {
    pub(super) fn new(q: &'a DataQuality) -> Self {
        Quality {
            by_rule: q
                .by_rule
                .iter()
                .map(|(rule, n)| {
                    let by = SEVERITIES
                        .iter()
                        .zip(n)
                        .map(|(s, n)| (s.key(), *n))
                        .collect();
                    (rule.as_str(), by)
                })
                .collect(),
            completeness: ratio(q.completeness, q.targets.completeness),
            findings: counts(&q.total),
            other_files: counts(&q.other),
            required_cells: ratio(q.cells, q.targets.completeness),
            timeliness: ratio(q.timeliness, q.targets.timeliness),
            townships: q
                .townships
                .iter()
                .map(|t| TownshipEntry {
                    date_from: t.filed.map(|(_, from)| super::date_from(from)),
                    file: t.file.as_deref(),
                    filed: t.filed.map(|(d, _)| d.to_string()),
                    findings: counts(&t.findings),
                    on_time: t.timely.map(|x| match x {
                        Timely::OnTime => "yes",
                        Timely::Late => "no",
                        Timely::NoDate => "no_date",
                    }),
                    received: t.received(),
                    required_cells: t.cells.den,
                    required_filled: t.cells.num,
                    township: &t.township,
                })
                .collect(),
        }
    }
}
