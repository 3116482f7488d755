//! The run report for machines: the same content as the workbook, as JSON with stable key order,
//! streamed from typed structs into a writer (no `serde_json::Value` tree: at a province's scale
//! the tree cost a fifth of the run and more memory than the facts). Fields are declared in
//! alphabetical order and maps are `BTreeMap`s, so the bytes are those a sorted object gives.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde::ser::{Serialize, Serializer};

use crate::config::Config;
use crate::findings::{Finding, Kind, OutlierMethod};
use crate::model::{Column, Location};
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};
use crate::returns::{DateFrom, Return, Status};

mod quality;
use quality::Quality;

/// Writes the run report to `w`, pretty-printed (two spaces), as it is built.
pub fn write_run_json(
    w: impl Write,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(w, &Report::new(out, config, lang))
}

/// The findings, each worded as it is written: no list of them is built first.
struct Anomalies<'a> {
    findings: &'a [Finding],
    config: &'a Config,
    lang: Lang,
}

impl Serialize for Anomalies<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.findings
                .iter()
                .map(|f| Anomaly::new(f, self.config, self.lang)),
        )
    }
}

/// A map serialised from an iterator of (key, value) made on demand, keys already in order.
struct MapOf<F>(F);

impl<F, I, K, V> Serialize for MapOf<F>
where
    F: Fn() -> I,
    I: Iterator<Item = (K, V)>,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map((self.0)())
    }
}

/// The report's top level. The marker key sorts first, so the report lying beside the returns
/// is told by its first bytes (read::is_own_output; a unit test holds the name to the constant).
#[derive(serde::Serialize)]
struct Report<'a> {
    #[serde(rename = "_huizong-output")]
    marker: &'static str,
    anomalies: Anomalies<'a>,
    corrections: Vec<Correction<'a>>,
    county: &'a str,
    duplicates: Vec<Duplicate<'a>>,
    history: History,
    missing: &'a [String],
    not_on_roster: Vec<&'a str>,
    period: String,
    quality: Quality<'a>,
    rates: BTreeMap<&'a str, Rate<'a>>,
    returns: Vec<ReturnEntry<'a>>,
    skipped: Vec<&'a str>,
    totals: BTreeMap<&'a str, TotalEntry>,
    townships: Townships<'a>,
    unreadable: Vec<&'a str>,
    wrong_period: Vec<&'a str>,
}

impl<'a> Report<'a> {
    fn new(out: &'a RunOutcome, config: &'a Config, lang: Lang) -> Self {
        let files_with = |s: Status| -> Vec<&'a str> {
            out.assembly
                .returns
                .iter()
                .filter(|r| r.status == s)
                .map(|r| r.file.as_str())
                .collect()
        };
        Report {
            marker: "run-report",
            anomalies: Anomalies {
                findings: &out.findings,
                config,
                lang,
            },
            corrections: corrections(out, config),
            county: &config.county,
            duplicates: duplicates(out),
            history: History {
                months: out
                    .past
                    .recent
                    .iter()
                    .filter_map(|f| f.period)
                    .map(|p| p.to_string())
                    .collect(),
                previous_month: out.past.previous.is_some(),
                store: out.past.store.as_ref().map(|p| p.display().to_string()),
            },
            missing: &out.assembly.missing,
            not_on_roster: files_with(Status::NotOnRoster),
            period: out.period.to_string(),
            quality: Quality::new(&out.quality),
            rates: config
                .rates
                .iter()
                .zip(&out.aggregates.rates)
                .map(|(r, v)| {
                    let rate = Rate {
                        month: v.month,
                        townships: v.townships,
                        townships_ytd: v.townships_ytd,
                        unit: &r.unit,
                        ytd: v.ytd,
                    };
                    (r.name.get_ref().as_str(), rate)
                })
                .collect(),
            returns: out
                .assembly
                .returns
                .iter()
                .map(|r| ReturnEntry::new(r, out, config))
                .collect(),
            skipped: out
                .assembly
                .skipped
                .iter()
                .map(|(n, _)| n.as_str())
                .collect(),
            totals: out
                .aggregates
                .totals
                .iter()
                .map(|t| {
                    let total = TotalEntry {
                        month: t.month,
                        townships: t.townships,
                        ytd: t.ytd,
                    };
                    (t.code.as_str(), total)
                })
                .collect(),
            townships: Townships::new(out),
            unreadable: files_with(Status::Unreadable),
            wrong_period: files_with(Status::WrongPeriod),
        }
    }
}

#[derive(serde::Serialize)]
struct TotalEntry {
    month: Option<f64>,
    townships: usize,
    ytd: Option<f64>,
}

#[derive(serde::Serialize)]
struct Rate<'a> {
    month: Option<f64>,
    townships: usize,
    townships_ytd: usize,
    unit: &'a str,
    ytd: Option<f64>,
}

#[derive(serde::Serialize)]
struct History {
    months: Vec<String>,
    previous_month: bool,
    store: Option<String>,
}

/// Each township's values, `{township: {code: {month, ytd}}}`, townships and codes in byte
/// order; where a cell was read twice the later fact wins. The facts are bucketed by the wide
/// table's (sorted) township rows, so no map of maps is built.
struct Townships<'a> {
    names: &'a [String],
    facts: &'a [crate::model::Fact],
    /// Fact indices bucketed by township row, in the facts' order.
    by_row: Vec<Vec<u32>>,
}

impl<'a> Townships<'a> {
    fn new(out: &'a RunOutcome) -> Self {
        let names = &out.table.townships;
        let row_of: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut by_row = vec![Vec::new(); names.len()];
        for (i, f) in out.table.facts.iter().enumerate() {
            if let Some(row) = row_of.get(&*f.township) {
                by_row[*row].push(i as u32);
            }
        }
        Self {
            names,
            facts: &out.table.facts,
            by_row,
        }
    }

    /// One township's values by code, in byte order of the codes.
    fn values(&self, row: usize) -> Vec<(&'a str, MonthYtd)> {
        let mut mine: Vec<&crate::model::Fact> = self.by_row[row]
            .iter()
            .map(|i| &self.facts[*i as usize])
            .collect();
        // Stable: a code's facts stay in their order, so the later one wins below.
        mine.sort_by(|a, b| a.code.cmp(&b.code));
        let mut values: Vec<(&'a str, MonthYtd)> = Vec::new();
        for f in mine {
            if values.last().is_none_or(|(c, _)| *c != &*f.code) {
                values.push((&f.code, MonthYtd::default()));
            }
            if let Some((_, v)) = values.last_mut() {
                match f.column {
                    Column::Month => v.month = Some(f.value),
                    Column::Ytd => v.ytd = Some(f.value),
                }
            }
        }
        values
    }
}

impl Serialize for Townships<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.names
                .iter()
                .enumerate()
                .map(|(row, name)| (name, MapOf(move || self.values(row).into_iter()))),
        )
    }
}

#[derive(serde::Serialize, Default)]
struct MonthYtd {
    month: Option<f64>,
    ytd: Option<f64>,
}

#[derive(serde::Serialize)]
struct ReturnEntry<'a> {
    date_from: Option<&'static str>,
    file: &'a str,
    filed: Option<String>,
    on_time: Option<bool>,
    period: Option<String>,
    status: &'static str,
    template: bool,
    township: Option<&'a str>,
    unit_typed: Option<&'a str>,
}

impl<'a> ReturnEntry<'a> {
    fn new(r: &'a Return, out: &RunOutcome, config: &Config) -> Self {
        ReturnEntry {
            date_from: crate::returns::filing_date(r).map(|(_, from)| date_from(from)),
            file: &r.file,
            filed: r.filed.map(|d| d.to_string()),
            on_time: crate::returns::on_time_of(r, out.period, config.form.deadline_day),
            period: r.period.map(|p| p.to_string()),
            status: r.status.key(),
            template: r.template.is_some(),
            township: r.township.as_deref(),
            unit_typed: r.unit_typed.as_deref(),
        }
    }
}

#[derive(serde::Serialize)]
struct Duplicate<'a> {
    superseded: Vec<&'a str>,
    township: &'a str,
    winner: &'a str,
}

/// Superseded copies by township (in byte order), each with the copy that counts.
fn duplicates(out: &RunOutcome) -> Vec<Duplicate<'_>> {
    let mut by_township: BTreeMap<&str, (&str, Vec<&str>)> = BTreeMap::new();
    for r in &out.assembly.returns {
        if let (Status::Superseded, Some(t)) = (r.status, &r.township) {
            let winner = out
                .assembly
                .returns
                .iter()
                .find(|w| w.status == Status::Counted && w.township.as_ref() == Some(t))
                .map_or("", |w| w.file.as_str());
            by_township
                .entry(t)
                .or_insert((winner, vec![]))
                .1
                .push(&r.file);
        }
    }
    by_township
        .into_iter()
        .map(|(township, (winner, superseded))| Duplicate {
            superseded,
            township,
            winner,
        })
        .collect()
}

#[derive(serde::Serialize)]
struct Anomaly<'a> {
    cell: Option<String>,
    column: Option<&'static str>,
    file: &'a str,
    indicator: Option<&'a str>,
    message: String,
    method: Option<&'static str>,
    not_evaluable: Option<&'static str>,
    review: Option<ReviewEntry<'a>>,
    rule: &'a str,
    severity: &'static str,
    sheet: Option<&'a str>,
    township: Option<&'a str>,
    value: Option<&'a str>,
    values: String,
}

#[derive(serde::Serialize)]
struct ReviewEntry<'a> {
    by: Option<&'a str>,
    on: Option<&'a str>,
    source: &'a str,
    state: &'static str,
    text: &'a str,
}

impl<'a> Anomaly<'a> {
    fn new(f: &'a Finding, config: &Config, lang: Lang) -> Self {
        Anomaly {
            cell: f.at.cell.map(|c| c.to_string()),
            column: f.column.map(Column::key),
            file: &f.at.file,
            indicator: f.code.as_deref(),
            message: render::message(f, config, lang),
            method: match &f.kind {
                Kind::Outlier {
                    method: OutlierMethod::History { .. },
                    ..
                } => Some("history"),
                Kind::Outlier {
                    method: OutlierMethod::Peers { .. },
                    ..
                } => Some("peers"),
                Kind::Outlier {
                    method: OutlierMethod::PeersLastMonth { .. },
                    ..
                } => Some("peers_last_month"),
                _ => None,
            },
            not_evaluable: match &f.kind {
                Kind::NotEvaluable(why) => Some(why.key()),
                _ => None,
            },
            review: f.review.as_ref().map(|r| ReviewEntry {
                by: r.by.as_deref(),
                on: r.on.as_deref(),
                source: &r.source,
                state: r.state.key(),
                text: &r.text,
            }),
            rule: &f.rule,
            severity: f.severity.key(),
            sheet: f.at.sheet.as_deref(),
            township: f.township.as_deref(),
            value: f.typed.as_deref(),
            values: crate::review::format_values(&crate::review::values_of(f)),
        }
    }
}

fn date_from(from: DateFrom) -> &'static str {
    match from {
        DateFrom::Sheet => "sheet",
        DateFrom::FileTime => "file_time",
    }
}

/// One value that differs between a superseded copy and the copy that counts.
#[derive(serde::Serialize)]
struct Correction<'a> {
    code: &'a str,
    column: &'static str,
    indicator: Option<&'a str>,
    new: Side<'a>,
    old: Side<'a>,
    superseded: &'a str,
    township: &'a str,
    winner: &'a str,
}

#[derive(serde::Serialize)]
struct Side<'a> {
    cell: Option<String>,
    sheet: Option<&'a str>,
    value: Option<f64>,
}

impl<'a> Side<'a> {
    fn new(value: Option<f64>, at: &'a Option<Location>) -> Self {
        Side {
            cell: at.as_ref().and_then(|a| a.cell).map(|c| c.to_string()),
            sheet: at.as_ref().and_then(|a| a.sheet.as_deref()),
            value,
        }
    }
}

fn corrections<'a>(out: &'a RunOutcome, config: &'a Config) -> Vec<Correction<'a>> {
    super::diffs::corrections_of(out)
        .into_iter()
        .map(|(township, superseded, winner, d)| Correction {
            code: &d.code,
            column: d.column.key(),
            indicator: config.indicator(&d.code).map(|i| i.name.as_str()),
            new: Side::new(d.winner, &d.winner_at),
            old: Side::new(d.superseded, &d.superseded_at),
            superseded,
            township,
            winner,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_marker_key_is_the_own_output_property() {
        // `#[serde(rename)]` takes a literal: it must stay the constant the reader looks for.
        assert_eq!(
            format!("_{}", crate::read::OWN_OUTPUT_PROPERTY),
            "_huizong-output"
        );
    }
}
