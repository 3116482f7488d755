//! Explanations (审核说明) that stick: a 核实性 finding may stand when it has a real explanation,
//! recorded by the county in a file beside the returns (`审核说明.csv`, or `.xlsx`) or written by
//! the township in the 说明 column of its feedback workbook.
//!
//! An explanation is tied to township, period, rule, indicator, column and the values it
//! explains: when the values change it goes stale and the finding is open again. Stock phrases
//! that explain nothing (`核实无误`) are not accepted, and an error (强制性) cannot be explained
//! away, only corrected. This module reads explanations from located cells (`sheet.rs`) and
//! annotates findings; it does no spreadsheet IO of its own and writes nothing.

pub mod board;
mod sheet;

pub use sheet::{from_feedback, from_grid, load, template_rows, LoadError, TEMPLATE_HEADER};

use crate::findings::Finding;
use crate::findings::Kind;
use crate::model::{Column, Period, Review, ReviewState, Severity};

/// The county's decision on an explanation, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Accepted,
    SentBack,
}

/// One explanation as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub township: String,
    pub period: Option<Period>,
    pub rule: String,
    pub code: Option<String>,
    pub column: Option<Column>,
    /// The values it explains (`C12=58; C01=50`), as labels and numbers.
    pub values: Vec<(String, f64)>,
    pub text: String,
    pub decision: Decision,
    pub by: Option<String>,
    pub on: Option<String>,
    /// The file (and sheet) it was read from.
    pub source: String,
}

/// Phrases that explain nothing, as statistical bureaus list them.
pub const STOCK_PHRASES: &[&str] = &[
    "经核实无误",
    "核实无误",
    "核查无误",
    "确认无误",
    "数据无误",
    "情况属实",
    "数据属实",
    "数据真实",
    "数据正常",
    "已核实",
    "已核查",
    "已确认",
    "经核实",
    "经核查",
    "没问题",
    "无问题",
    "核实",
    "无误",
    "属实",
    "正常",
    "真实",
    "确认",
    "正确",
    "准确",
    "数据",
    "情况",
    "已",
    "经",
];

/// Whether an explanation says nothing beyond stock phrases.
pub fn is_stock_phrase(text: &str) -> bool {
    let mut rest: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    for p in STOCK_PHRASES {
        rest = rest.replace(p, "");
    }
    for p in ["ok", "yes", "checked", "correct", "verified", "fine"] {
        rest = rest.replace(p, "");
    }
    rest.chars().count() < 2
}

/// The values a finding is about, labelled as in explanations and in the template.
pub fn values_of(f: &Finding) -> Vec<(String, f64)> {
    let code = f.code.clone().unwrap_or_default();
    match &f.kind {
        Kind::Check { values, .. } => values.clone(),
        Kind::YtdBelowMonth { month, ytd } | Kind::JanuaryYtd { month, ytd } => {
            vec![("本月数".into(), *month), ("本年累计".into(), *ytd)]
        }
        Kind::CarriedForward {
            month,
            ytd,
            previous_ytd,
        } => {
            let mut v = vec![("本月数".into(), *month), ("本年累计".into(), *ytd)];
            if let Some(p) = previous_ytd {
                v.push(("上月本年累计".into(), *p));
            }
            v
        }
        Kind::StockChange {
            value, previous, ..
        } => vec![(code.clone(), *value), (format!("{code}@-1"), *previous)],
        Kind::Outlier { value, .. } => vec![(code, *value)],
        Kind::ReadAs { value, .. } => vec![(code, *value)],
        _ => Vec::new(),
    }
}

/// `C12=58; C01=50`.
pub fn format_values(values: &[(String, f64)]) -> String {
    values
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The inverse of [`format_values`], lenient about separators people type.
pub fn parse_values(text: &str) -> Vec<(String, f64)> {
    text.split([';', '；', '，', '、', '\n'])
        // `C12=58, C01=50`: a comma between pairs; `1,234` keeps its thousands separator.
        .flat_map(|part| {
            if part.matches(['=', '＝']).count() > 1 {
                part.split(',').collect::<Vec<_>>()
            } else {
                vec![part]
            }
        })
        .filter_map(|part| {
            let (k, v) = part.split_once(['=', '＝', ':', '：'])?;
            let v: String = v.trim().chars().filter(|c| *c != ',').collect();
            Some((k.trim().to_string(), v.parse::<f64>().ok()?))
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

fn same_values(a: &[(String, f64)], b: &[(String, f64)]) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, v)| {
            b.iter()
                .any(|(k2, v2)| k == k2 && (v - v2).abs() <= 1e-6 * v.abs().max(1.0))
        })
}

fn matches(e: &Explanation, f: &Finding, period: Period) -> bool {
    f.township.as_deref() == Some(e.township.as_str())
        && f.rule == e.rule
        && e.period.is_none_or(|p| p == period)
        && e.code
            .as_deref()
            .is_none_or(|c| f.code.as_deref() == Some(c))
        && e.column.is_none_or(|c| f.column == Some(c))
}

/// What an explanation makes of a finding.
pub fn state(e: &Explanation, f: &Finding) -> ReviewState {
    if f.severity == Severity::Error {
        ReviewState::NotExplainable
    } else if is_stock_phrase(&e.text) {
        ReviewState::StockPhrase
    } else if !same_values(&e.values, &values_of(f)) {
        ReviewState::Stale
    } else {
        match e.decision {
            Decision::Accepted => ReviewState::Accepted,
            Decision::SentBack => ReviewState::SentBack,
            Decision::Pending => ReviewState::Pending,
        }
    }
}

/// Annotates each finding with the explanation given for it (the last one written wins), and
/// returns a finding for each explanation of this period that explains nothing of the run, for
/// the townships `concerns` says are the run's business (`huizong check` on one return is not
/// told of every other township's explanations).
pub fn apply(
    findings: &mut [Finding],
    explanations: &[Explanation],
    period: Period,
    concerns: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    if explanations.is_empty() {
        return Vec::new();
    }
    let mut used = vec![false; explanations.len()];
    for f in findings.iter_mut().filter(|f| f.township.is_some()) {
        let mut last = None;
        for (i, e) in explanations
            .iter()
            .enumerate()
            .filter(|(_, e)| matches(e, f, period))
        {
            used[i] = true;
            last = Some(e);
        }
        if let Some(e) = last {
            f.review = Some(Box::new(Review {
                state: state(e, f),
                text: e.text.clone(),
                by: e.by.clone(),
                on: e.on.clone(),
                source: e.source.clone(),
            }));
        }
    }
    explanations
        .iter()
        .zip(used)
        .filter(|(e, used)| !used && e.period.is_none_or(|p| p == period) && concerns(&e.township))
        .map(|(e, _)| {
            let file = e.source.split(':').next().unwrap_or_default();
            Finding::new(
                Kind::ExplanationUnused {
                    township: e.township.clone(),
                    rule: e.rule.clone(),
                    code: e.code.clone(),
                },
                crate::model::Location::file(file),
            )
            .with_township(Some(e.township.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
