//! The run report for machines: the same content as the workbook, as JSON with stable key order.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::findings::{Kind, OutlierMethod};
use crate::model::Column;
use crate::pipeline::RunOutcome;
use crate::render::{self, Lang};
use crate::returns::Status;

fn num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| json!(x))
}

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
                "on_time": crate::returns::on_time(r.filed, out.period, config.form.deadline_day),
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
    json!({
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
    })
}
