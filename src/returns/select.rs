//! Settling the run: its period, the status of every return, duplicates, missing townships,
//! and, for the returns that count, their facts and cell findings.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::identify::{identify, main_period};
use super::{Return, Scanned, Status};
use crate::config::{Builtin, Config, IndicatorKind};
use crate::findings::Finding;
use crate::findings::{Diff, Kind, Skip};
use crate::locate::township::{Match, Roster};
use crate::model::{Column, Fact, Location, Period};
use crate::normalize::value::Reading;

/// The run once settled.
#[derive(Debug, Default)]
pub struct Assembly {
    pub period: Option<Period>,
    pub returns: Vec<Return>,
    pub missing: Vec<String>,
    pub skipped: Vec<(String, Skip)>,
    pub facts: Vec<Fact>,
    pub findings: Vec<Finding>,
    /// Explanations townships wrote in feedback workbooks sent back.
    pub explanations: Vec<crate::review::Explanation>,
}

fn finding(kind: Kind, file: &str, sheet: Option<String>, township: Option<String>) -> Finding {
    let at = Location {
        file: file.into(),
        sheet: sheet.map(Into::into),
        cell: None,
    };
    Finding::new(kind, at).with_township(township)
}

/// The run's period: the one given, else the one most returns give (the later on a tie).
pub fn settle_period(scanned: &[Scanned], given: Option<Period>) -> Option<Period> {
    if given.is_some() {
        return given;
    }
    let mut counts: BTreeMap<Period, usize> = BTreeMap::new();
    for s in scanned {
        if let Ok(sheets) = &s.outcome {
            if let Some(p) = main_period(sheets, &s.file) {
                *counts.entry(p).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(p, n)| (*n, *p))
        .map(|(p, _)| p)
}

pub fn assemble(
    scanned: Vec<Scanned>,
    given: Option<Period>,
    skipped: Vec<(String, Skip)>,
    config: &Config,
    roster: &Roster,
) -> Assembly {
    let period = settle_period(&scanned, given);
    let mut out = Assembly {
        period,
        skipped,
        ..Assembly::default()
    };
    for (name, why) in &out.skipped {
        out.findings
            .push(finding(Kind::Skipped(*why), name, None, None));
    }
    for mut s in scanned {
        out.explanations.append(&mut s.explanations);
        out.returns.push(decide(s, period, roster));
    }
    resolve_duplicates(&mut out.returns, config);
    let counted: std::collections::HashSet<&str> = out
        .returns
        .iter()
        .filter(|r| r.status == Status::Counted)
        .filter_map(|r| r.township.as_deref())
        .collect();
    let mut missing = Vec::new();
    for t in roster.names() {
        if !counted.contains(t.as_str()) {
            missing.push(t.clone());
        }
    }
    for t in missing {
        {
            out.findings
                .push(finding(Kind::Missing, "", None, Some(t.clone())));
            out.missing.push(t);
        }
    }
    let codes: Vec<Arc<str>> = config.indicators.iter().map(|i| i.code().into()).collect();
    for r in &mut out.returns {
        out.findings.extend(r.findings.iter().cloned());
        if r.status == Status::Counted {
            cell_findings(r, config, &codes, &mut out.facts, &mut out.findings);
        }
        // Once facts and findings are made, the readings are not needed: memory stays flat.
        r.readings = Vec::new();
        r.sheet_notes = Vec::new();
    }
    out
}

// long-function: decides one return's status step by step; not yet split (issue 10)
fn decide(s: Scanned, run: Option<Period>, roster: &Roster) -> Return {
    let mut r = Return {
        file: s.file.clone(),
        township: None,
        unit_typed: None,
        template: s.template.clone(),
        period: None,
        filed: None,
        modified: s.modified,
        status: Status::Counted,
        readings: Vec::new(),
        sheet_notes: Vec::new(),
        findings: Vec::new(),
    };
    if let Some((ext, actual)) = &s.extension_mismatch {
        r.findings.push(finding(
            Kind::ExtensionMismatch {
                ext: ext.clone(),
                actual: actual.clone(),
            },
            &s.file,
            None,
            None,
        ));
    }
    if let Some(township) = &s.feedback {
        r.status = Status::Feedback;
        r.findings.push(finding(
            Kind::FeedbackWorkbook {
                township: township.clone(),
            },
            &s.file,
            None,
            None,
        ));
        // Corrections typed into the feedback are not read; each changed cell is said.
        for (sheet, cell, was, now) in &s.feedback_edits {
            let kind = Kind::FeedbackEdited {
                township: township.clone(),
                was: was.clone(),
                now: now.clone(),
            };
            let at = Location::cell(&s.file, sheet, *cell);
            r.findings
                .push(Finding::new(kind, at).with_township(Some(township.clone())));
        }
        return r;
    }
    let sheets = match s.outcome {
        Err(e) => {
            r.status = Status::Unreadable;
            r.findings
                .push(finding(Kind::Unreadable(e), &s.file, None, None));
            return r;
        }
        Ok(sheets) if sheets.is_empty() => {
            r.status = Status::NoForm;
            r.findings
                .push(finding(Kind::NoFormSheet, &s.file, None, None));
            return r;
        }
        Ok(sheets) => sheets,
    };
    let fallback = main_period(&sheets, &s.file);
    let Some(run) = run.or(fallback) else {
        r.status = Status::WrongPeriod;
        r.findings
            .push(finding(Kind::PeriodUnknown, &s.file, None, None));
        return r;
    };
    let id = identify(&sheets, &s.file, run, roster);
    r.period = id.period;
    r.filed = id.filed;
    r.unit_typed = id.unit_typed.clone();
    r.township = match id.township {
        Match::Exact(i) | Match::Fuzzy(i) => Some(roster.name(i).to_string()),
        Match::NotOnRoster => None,
    };
    // A return made from huizong's template names its township for certain.
    if let Some(marked) = s.template.as_deref().filter(|t| !t.is_empty()) {
        if let Match::Exact(i) = roster.match_unit(marked) {
            let marked = roster.name(i).to_string();
            if r.township.as_deref() != Some(marked.as_str()) {
                r.findings.push(finding(
                    Kind::TemplateTownship {
                        typed: r.unit_typed.clone().unwrap_or_default(),
                        marked: marked.clone(),
                    },
                    &s.file,
                    None,
                    Some(marked.clone()),
                ));
                r.township = Some(marked);
            }
        }
    }
    for (kind, sheet) in id.notes {
        r.findings
            .push(finding(kind, &s.file, sheet, r.township.clone()));
    }
    r.status = if r.township.is_none() {
        if r.unit_typed.is_some() {
            Status::NotOnRoster
        } else {
            Status::TownshipUnknown
        }
    } else if r.period.is_some_and(|p| p != run) {
        r.findings.push(finding(
            Kind::WrongPeriod {
                period: r.period.unwrap_or(run),
                run,
            },
            &s.file,
            None,
            r.township.clone(),
        ));
        Status::WrongPeriod
    } else {
        Status::Counted
    };
    // The used sheets' readings move into the return, each with its sheet's shared name.
    let mut sheets = sheets;
    for i in id.used {
        let sheet = &mut sheets[i];
        let name: Arc<str> = sheet.name.as_str().into();
        r.readings.extend(
            std::mem::take(&mut sheet.readings)
                .into_iter()
                .map(|x| (Arc::clone(&name), x)),
        );
        r.sheet_notes.extend(
            std::mem::take(&mut sheet.notes)
                .into_iter()
                .map(|x| (Arc::clone(&name), x)),
        );
    }
    // A value found in a later used sheet never replaces one already taken.
    let mut seen = std::collections::BTreeSet::new();
    r.readings
        .retain(|(_, x)| seen.insert((x.indicator, x.column)));
    r
}

/// Among counted returns of one township, the later 填报日期 wins, then the later file time.
/// The superseded copies list the values that differ, with the cell of each side.
fn resolve_duplicates(returns: &mut [Return], config: &Config) {
    let mut by_township: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in returns.iter().enumerate() {
        if let (Status::Counted, Some(t)) = (r.status, &r.township) {
            by_township.entry(t.clone()).or_default().push(i);
        }
    }
    for (_, idx) in by_township {
        if idx.len() < 2 {
            continue;
        }
        let Some(&winner) = idx.iter().max_by_key(|i| {
            (
                returns[**i].filed,
                returns[**i].modified,
                returns[**i].file.clone(),
            )
        }) else {
            continue;
        };
        let winner_file = returns[winner].file.clone();
        let winner_values = values_of(&returns[winner], config);
        for i in idx.into_iter().filter(|i| *i != winner) {
            let mine = values_of(&returns[i], config);
            let mut diffs = Vec::new();
            for key in mine.keys().chain(winner_values.keys()) {
                let (a, b) = (mine.get(key), winner_values.get(key));
                let value = |x: Option<&(Option<f64>, Location)>| x.and_then(|x| x.0);
                if value(a) != value(b)
                    && !diffs
                        .iter()
                        .any(|d: &Diff| (d.code.clone(), d.column) == *key)
                {
                    diffs.push(Diff {
                        code: key.0.clone(),
                        column: key.1,
                        superseded: value(a),
                        winner: value(b),
                        superseded_at: a.map(|x| x.1.clone()),
                        winner_at: b.map(|x| x.1.clone()),
                    });
                }
            }
            let r = &mut returns[i];
            r.status = Status::Superseded;
            r.findings.push(finding(
                Kind::Superseded {
                    winner: winner_file.clone(),
                    diffs,
                    filed: r.filed,
                },
                &r.file.clone(),
                None,
                r.township.clone(),
            ));
        }
    }
}

/// Every cell read of a return: its value (None when blank or invalid) and where it is.
fn values_of(r: &Return, config: &Config) -> BTreeMap<(String, Column), (Option<f64>, Location)> {
    let file: Arc<str> = r.file.as_str().into();
    r.readings
        .iter()
        .map(|(sheet, x)| {
            let value = match x.reading {
                Reading::Value { value, .. } => Some(value),
                _ => None,
            };
            (
                (config.indicators[x.indicator].code().to_string(), x.column),
                (value, Location::shared(&file, sheet, x.at)),
            )
        })
        .collect()
}

/// Facts and cell findings of a counted return.
// long-function: one pass over a counted return's cells; not yet split (issue 10)
fn cell_findings(
    r: &Return,
    config: &Config,
    codes: &[Arc<str>],
    facts: &mut Vec<Fact>,
    out: &mut Vec<Finding>,
) {
    let township = r.township.clone().unwrap_or_default();
    // Names shared by every fact of the return (a province has millions of facts).
    let shared_township: Arc<str> = township.as_str().into();
    let file: Arc<str> = r.file.as_str().into();
    let invalid = config.severity_of_builtin(Builtin::InvalidValue);
    let blank = config.severity_of_builtin(Builtin::RequiredBlank);
    let mut found = vec![false; config.indicators.len()];
    for (sheet, x) in &r.readings {
        let ind = &config.indicators[x.indicator];
        found[x.indicator] = true;
        let at = Location::shared(&file, sheet, x.at);
        let (kind, severity) = match &x.reading {
            Reading::Value { value, how } => {
                facts.push(Fact {
                    township: Arc::clone(&shared_township),
                    code: Arc::clone(&codes[x.indicator]),
                    column: x.column,
                    value: *value,
                    at: at.clone(),
                });
                match how {
                    Some(h) => {
                        let kind = Kind::ReadAs {
                            how: *h,
                            value: *value,
                        };
                        let sev = kind.rule().1;
                        (kind, Some(sev))
                    }
                    None => continue,
                }
            }
            Reading::Invalid(why) => (Kind::Invalid(why.clone()), invalid),
            Reading::Sentinel(value) => {
                let meaning = config
                    .form
                    .sentinels
                    .iter()
                    .find(|s| s.value == *value)
                    .map(|s| s.meaning.clone())
                    .unwrap_or_default();
                let kind = Kind::Sentinel {
                    value: *value,
                    meaning,
                };
                let sev = kind.rule().1;
                (kind, Some(sev))
            }
            Reading::Blank => {
                let required = match x.column {
                    Column::Month => ind.required,
                    Column::Ytd => ind.required && ind.kind == IndicatorKind::Flow,
                };
                if !required {
                    continue;
                }
                (Kind::Blank, blank)
            }
        };
        let mut f = Finding::new(kind, at)
            .with_township(Some(township.clone()))
            .with_code(Some(ind.code().to_string()))
            .with_column(Some(x.column))
            .with_typed(x.typed.clone());
        if let Some(sev) = severity {
            f.severity = sev;
        }
        out.push(f);
    }
    for (sheet, n) in &r.sheet_notes {
        out.push(
            Finding::new(n.kind.clone(), Location::shared(&file, sheet, n.at))
                .with_township(Some(township.clone()))
                .with_code(n.indicator.map(|i| config.indicators[i].code().to_string()))
                .with_typed(n.typed.clone()),
        );
    }
    for (i, ok) in found.iter().enumerate() {
        if !ok {
            let ind = &config.indicators[i];
            let mut f = finding(
                Kind::IndicatorNotFound,
                &r.file,
                None,
                Some(township.clone()),
            );
            f.code = Some(ind.code().to_string());
            out.push(f);
        }
    }
}
