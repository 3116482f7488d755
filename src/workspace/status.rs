//! The board of a period: every roster township with its state, versions, timeliness, open
//! errors and warnings, and the version that counts (accepted, else the latest). Computed from
//! the ledger's rows; no SQL here, no words (render/ names the states).

use crate::config::Config;
use crate::ledger::{Decision, DecisionKind, FindingRow, Ledger, LedgerError, Version};
use crate::model::{Date, Period};

/// A township's state in the month (in the vocabulary, so that render/ names it without
/// knowing the workspace).
pub use crate::model::BoardState as State;

/// One township's line of the board.
#[derive(Debug, Clone)]
pub struct Row {
    pub township: String,
    pub state: State,
    pub versions: Vec<Version>,
    /// The version the county workbook uses: the accepted one, else the latest.
    pub counts: Option<Version>,
    pub on_time: Option<bool>,
    /// Open errors and unexplained warnings (alerts included) of the latest version.
    pub open: Vec<FindingRow>,
    pub open_errors: usize,
    pub open_warnings: usize,
    /// The last reason for sending back.
    pub returned_because: Option<String>,
    /// A version newer than the accepted one waits for a decision (the accepted one still counts).
    pub newer_than_accepted: Option<i64>,
    pub decisions: Vec<Decision>,
}

/// The board of `period`, in roster order.
pub fn board(ledger: &Ledger, config: &Config, period: &str) -> Result<Vec<Row>, LedgerError> {
    let mut rows = Vec::new();
    for t in &config.townships {
        rows.push(row(ledger, config, t.name(), period)?);
    }
    Ok(rows)
}

// long-function: one township's state decided from its versions and decisions; issue 12's code
fn row(ledger: &Ledger, config: &Config, township: &str, period: &str) -> Result<Row, LedgerError> {
    let versions = ledger.versions(township, period)?;
    let decisions = ledger.decisions(township, period)?;
    let mut out = Row {
        township: township.to_string(),
        state: State::Missing,
        versions: versions.clone(),
        counts: None,
        on_time: None,
        open: Vec::new(),
        open_errors: 0,
        open_warnings: 0,
        returned_because: None,
        newer_than_accepted: None,
        decisions: decisions.clone(),
    };
    let Some(latest) = versions.last().cloned() else {
        return Ok(out);
    };
    let on = |v: &Version, k: DecisionKind| {
        decisions
            .iter()
            .filter(|d| d.version_id == v.id && d.kind == k)
            .count()
            > 0
    };
    let accepted = decisions
        .iter()
        .rfind(|d| d.kind == DecisionKind::Accept)
        .and_then(|d| versions.iter().find(|v| v.id == d.version_id).cloned());
    out.returned_because = decisions
        .iter()
        .rfind(|d| d.kind == DecisionKind::Return)
        .map(|d| d.text.clone());
    // The last word on each explanation of the latest version wins.
    let explained = |f: &FindingRow| {
        decisions
            .iter()
            .rfind(|d| {
                d.version_id == latest.id
                    && matches!(
                        d.kind,
                        DecisionKind::ExplanationAccept | DecisionKind::ExplanationReturn
                    )
                    && d.rule.as_deref() == Some(f.rule.as_str())
                    && (d.code.is_none() || d.code == f.code)
            })
            .is_some_and(|d| d.kind == DecisionKind::ExplanationAccept)
    };
    for f in ledger.findings(latest.id)? {
        match f.severity.as_str() {
            "error" => out.open_errors += 1,
            "alert" | "warning" if !explained(&f) => out.open_warnings += 1,
            _ => continue,
        }
        out.open.push(f);
    }
    let returned_before = versions[..versions.len() - 1]
        .iter()
        .any(|v| on(v, DecisionKind::Return));
    let latest_returned = decisions
        .iter()
        .rfind(|d| {
            d.version_id == latest.id
                && matches!(d.kind, DecisionKind::Accept | DecisionKind::Return)
        })
        .map(|d| d.kind);
    out.state = match latest_returned {
        Some(DecisionKind::Accept) => State::Accepted,
        Some(_) => State::Returned,
        None if out.open_errors > 0 => State::Errors,
        None if returned_before => State::Resubmitted,
        None if out.open_warnings > 0 => State::ExplanationPending,
        None => State::Clean,
    };
    if let Some(a) = &accepted {
        if a.id != latest.id {
            out.newer_than_accepted = Some(latest.version);
        }
    }
    let filed = latest.filled.as_deref().and_then(parse_date);
    out.on_time = Period::parse(period)
        .and_then(|p| crate::returns::on_time(filed, p, config.form.deadline_day));
    out.counts = accepted.or(Some(latest));
    Ok(out)
}

fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(Date {
        year: y as i32,
        month: m as u32,
        day: d as u32,
    })
}

/// The 催报 message of a board (words in render/): townships missing, sent back or with errors.
/// `None` when nobody needs chasing.
pub fn chase(
    county: &str,
    period: &str,
    board: &[Row],
    lang: crate::render::Lang,
) -> Option<String> {
    let chased: Vec<crate::render::workspace::Chased> = board
        .iter()
        .map(|r| crate::render::workspace::Chased {
            township: &r.township,
            state: r.state,
            returned_because: r.returned_because.as_deref(),
            errors: r
                .open
                .iter()
                .filter(|f| f.severity == "error")
                .map(|f| (f.rule.as_str(), f.cell.as_str()))
                .collect(),
        })
        .collect();
    crate::render::workspace::chase(county, period, &chased, lang)
}
