//! The run report for machines: the same content as the workbook, as JSON with stable key order.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::findings::{Kind, OutlierMethod};
use crate::model::Column;
use crate::outcome::RunOutcome;
use crate::quality::{Counts, DataQuality, Ratio, Timely, SEVERITIES};
use crate::render::{self, Lang};
use crate::returns::{DateFrom, Status};

fn num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| json!(x))
}

// long-function: the run report's JSON object, section after section (issue 15 rewrites it streaming)
pub fn run_json(out: &RunOutcome, config: &Config, lang: Lang) -> Value {
    let mut totals = Map::new();
    for t in &out.aggregates.totals {
        totals.insert(
            t.code.clone(),
            json!({"month": num(t.month), "ytd": num(t.ytd), "townships": t.townships}),
        );
    }
    let mut rates = Map::new();
    for (r, v) in config.rates.iter().zip(&out.aggregates.rates) {
        rates.insert(
            r.name.get_ref().clone(),
            json!({"month": num(v.month), "ytd": num(v.ytd), "unit": r.unit,
                   "townships": v.townships, "townships_ytd": v.townships_ytd}),
        );
    }
    let mut townships: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for f in &out.table.facts {
        let entry = townships
            .entry(f.township.to_string())
            .or_default()
            .entry(f.code.to_string())
            .or_insert_with(|| json!({"month": null, "ytd": null}));
        entry[f.column.key()] = json!(f.value);
    }
    let returns: Vec<Value> = out
        .assembly
        .returns
        .iter()
        .map(|r| {
            json!({
                "file": r.file,
                "township": r.township,
                "unit_typed": r.unit_typed,
                "template": r.template.is_some(),
                "period": r.period.map(|p| p.to_string()),
                "filed": r.filed.map(|d| d.to_string()),
                "on_time": crate::returns::on_time_of(r, out.period, config.form.deadline_day),
                "date_from": crate::returns::filing_date(r).map(|(_, from)| date_from(from)),
                "status": r.status.key(),
            })
        })
        .collect();
    let mut duplicates: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for r in &out.assembly.returns {
        if let (Status::Superseded, Some(t)) = (r.status, &r.township) {
            let winner = out
                .assembly
                .returns
                .iter()
                .find(|w| w.status == Status::Counted && w.township.as_ref() == Some(t))
                .map(|w| w.file.clone())
                .unwrap_or_default();
            duplicates
                .entry(t.clone())
                .or_insert((winner, vec![]))
                .1
                .push(r.file.clone());
        }
    }
    let files_with = |s: Status| -> Vec<String> {
        out.assembly
            .returns
            .iter()
            .filter(|r| r.status == s)
            .map(|r| r.file.clone())
            .collect()
    };
    let anomalies: Vec<Value> = out
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity.key(),
                "township": f.township,
                "indicator": f.code,
                "column": f.column.map(Column::key),
                "file": f.at.file,
                "sheet": f.at.sheet,
                "cell": f.at.cell.map(|c| c.to_string()),
                "value": f.typed,
                "message": render::message(f, config, lang),
                "values": crate::review::format_values(&crate::review::values_of(f)),
                "method": match &f.kind {
                    Kind::Outlier { method: OutlierMethod::History { .. }, .. } => Some("history"),
                    Kind::Outlier { method: OutlierMethod::Peers { .. }, .. } => Some("peers"),
                    Kind::Outlier { method: OutlierMethod::PeersLastMonth { .. }, .. } => Some("peers_last_month"),
                    _ => None,
                },
                "not_evaluable": match &f.kind {
                    Kind::NotEvaluable(why) => Some(why.key()),
                    _ => None,
                },
                "review": f.review.as_ref().map(|r| json!({
                    "state": r.state.key(),
                    "text": r.text,
                    "by": r.by,
                    "on": r.on,
                    "source": r.source,
                })),
            })
        })
        .collect();
    let mut report = json!({
        "county": config.county,
        "period": out.period.to_string(),
        "totals": totals,
        "rates": rates,
        "townships": townships,
        "returns": returns,
        "missing": out.assembly.missing,
        "duplicates": duplicates.into_iter().map(|(t, (w, s))| json!({"township": t, "winner": w, "superseded": s})).collect::<Vec<_>>(),
        "wrong_period": files_with(Status::WrongPeriod),
        "not_on_roster": files_with(Status::NotOnRoster),
        "unreadable": files_with(Status::Unreadable),
        "skipped": out.assembly.skipped.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        "anomalies": anomalies,
        "history": {
            "store": out.past.store.as_ref().map(|p| p.display().to_string()),
            "previous_month": out.past.previous.is_some(),
            "months": out.past.recent.iter().filter_map(|f| f.period).map(|p| p.to_string()).collect::<Vec<_>>(),
        },
        "corrections": corrections(out, config),
        "quality": quality(&out.quality),
    });
    // The marker key sorts first, so the report lying beside the returns is told by its first
    // bytes (read::is_own_output).
    report[format!("_{}", crate::read::OWN_OUTPUT_PROPERTY).as_str()] = json!("run-report");
    report
}

fn date_from(from: DateFrom) -> &'static str {
    match from {
        DateFrom::Sheet => "sheet",
        DateFrom::FileTime => "file_time",
    }
}

/// The values that differ between a superseded copy and the copy that counts.
fn corrections(out: &RunOutcome, config: &Config) -> Vec<Value> {
    let side = |v: Option<f64>, at: &Option<crate::model::Location>| {
        json!({
            "value": num(v),
            "sheet": at.as_ref().and_then(|a| a.sheet.clone()),
            "cell": at.as_ref().and_then(|a| a.cell).map(|c| c.to_string()),
        })
    };
    super::diffs::corrections_of(out)
        .into_iter()
        .map(|(township, superseded, winner, d)| {
            json!({
                "township": township,
                "superseded": superseded,
                "winner": winner,
                "code": d.code,
                "indicator": config.indicator(&d.code).map(|i| i.name.clone()),
                "column": d.column.key(),
                "old": side(d.superseded, &d.superseded_at),
                "new": side(d.winner, &d.winner_at),
            })
        })
        .collect()
}

fn ratio(r: Ratio, target: Option<f64>) -> Value {
    let mut v = json!({"num": r.num, "den": r.den, "rate": num(r.rate())});
    if let Some(t) = target {
        v["target"] = json!(t);
        v["met"] = json!(r.meets(t));
    }
    v
}

fn counts(c: &Counts) -> Value {
    let mut v = Map::new();
    for s in SEVERITIES {
        v.insert(s.key().to_string(), json!(c.of(s)));
    }
    v.insert("consistency".into(), json!(c.consistency));
    v.insert("outliers".into(), json!(c.outliers));
    Value::Object(v)
}

/// The data-quality figures: the county's against the targets, and each township's.
fn quality(q: &DataQuality) -> Value {
    let townships: Vec<Value> = q
        .townships
        .iter()
        .map(|t| {
            json!({
                "township": t.township,
                "received": t.received(),
                "file": t.file,
                "filed": t.filed.map(|(d, _)| d.to_string()),
                "date_from": t.filed.map(|(_, from)| date_from(from)),
                "on_time": t.timely.map(|x| match x {
                    Timely::OnTime => "yes",
                    Timely::Late => "no",
                    Timely::NoDate => "no_date",
                }),
                "required_cells": t.cells.den,
                "required_filled": t.cells.num,
                "findings": counts(&t.findings),
            })
        })
        .collect();
    let by_rule: Map<String, Value> = q
        .by_rule
        .iter()
        .map(|(rule, n)| {
            let by: Map<String, Value> = SEVERITIES
                .iter()
                .zip(n)
                .map(|(s, n)| (s.key().to_string(), json!(n)))
                .collect();
            (rule.clone(), Value::Object(by))
        })
        .collect();
    json!({
        "completeness": ratio(q.completeness, Some(q.targets.completeness)),
        "required_cells": ratio(q.cells, Some(q.targets.completeness)),
        "timeliness": ratio(q.timeliness, Some(q.targets.timeliness)),
        "townships": townships,
        "other_files": counts(&q.other),
        "findings": counts(&q.total),
        "by_rule": by_rule,
    })
}
