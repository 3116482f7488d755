//! One file into the ledger: the single path a return takes, whether it was dropped into the
//! inbox (`huizong watch`) or uploaded (a server calls the same `ingest`).
//!
//! The file's bytes are hashed (SHA-256); bytes seen before make no new version. Otherwise a
//! copy is stored under `.huizong/store/<hash>/<name>` (the inbox is never modified), the copy is
//! checked as `huizong check` checks a return, and the result becomes the next version of its
//! township's return for its period, with findings and values; a version with errors gets its
//! feedback workbook at once. What the file is not (not a return, our own output, another
//! period's unknown unit) is recorded as a file seen and said in the result, never dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Workspace;
use crate::config::Config;
use crate::findings::Finding;
use crate::findings::Kind;
use crate::ledger::{Added, FindingRow, Ledger, LedgerError, NewVersion, ValueRow, Version};
use crate::model::Severity;
use crate::pipeline;
use crate::render::Lang;
use crate::report;
use crate::returns::Status;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Run(#[from] pipeline::RunError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
    #[error("feedback workbook: {0}")]
    Xlsx(String),
}

/// A value that changed from one version to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub code: String,
    pub column: String,
    pub cell: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// A new version, compared with the one before it.
#[derive(Debug, Clone)]
pub struct NewReturn {
    pub version: Version,
    pub previous: Option<Version>,
    /// The findings of this version (notes left out), sorted.
    pub findings: Vec<Finding>,
    pub changes: Vec<Change>,
    /// Findings of the previous version gone, still there, and new (`RULE code column`).
    pub fixed: Vec<String>,
    pub remaining: Vec<String>,
    pub new: Vec<String>,
    /// The feedback workbook written for this version (it has errors).
    pub feedback: Option<PathBuf>,
    /// An earlier version was accepted: it still counts until this one is accepted.
    pub accepted_earlier: Option<i64>,
}

impl NewReturn {
    /// A version with its findings, before it is compared with the one before it.
    fn bare(version: Version, previous: Option<Version>, findings: Vec<Finding>) -> Self {
        NewReturn {
            version,
            previous,
            findings,
            changes: Vec::new(),
            fixed: Vec::new(),
            remaining: Vec::new(),
            new: Vec::new(),
            feedback: None,
            accepted_earlier: None,
        }
    }
}

/// What became of a file.
#[derive(Debug, Clone)]
pub enum Ingested {
    New(Box<NewReturn>),
    /// The same bytes as a file already taken, under another name.
    Same {
        hash: String,
    },
    /// This file, name and bytes, was taken before (a restart sees the inbox again).
    Known,
    /// Not a return that can count: the findings say why (unreadable, no form, not on the
    /// roster, no period…).
    NotCounted {
        status: Status,
        findings: Vec<Finding>,
    },
    /// An upload by one township's account whose content is another township's return:
    /// checked, not recorded as a version (a township never files for another).
    OtherTownship {
        township: String,
    },
}

/// SHA-256 of `bytes`, in hex.
pub fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Takes one file into the ledger. `name` is the name shown to people (relative to the inbox,
/// or the name an upload gave).
pub fn ingest(
    ws: &Workspace,
    ledger: &mut Ledger,
    config: &Config,
    file: &Path,
    name: &str,
    lang: Lang,
) -> Result<Ingested, IngestError> {
    ingest_for(ws, ledger, config, file, name, lang, None)
}

/// As [`ingest`], for an upload by `uploader`'s account: a return whose content names another
/// township is refused before any version is recorded.
// long-function: one upload's steps in order (refuse, store, record, feed back); issue 12's code
pub fn ingest_for(
    ws: &Workspace,
    ledger: &mut Ledger,
    config: &Config,
    file: &Path,
    name: &str,
    lang: Lang,
    uploader: Option<&str>,
) -> Result<Ingested, IngestError> {
    let io = |source| IngestError::Io {
        path: file.display().to_string(),
        source,
    };
    let size = std::fs::metadata(file).map_err(io)?.len();
    // Too large to hash in memory: the reader's own limit says so as a finding below.
    let limit = config.limits.max_file_mb.saturating_mul(1024 * 1024);
    let bytes = if size <= limit {
        std::fs::read(file).map_err(io)?
    } else {
        Vec::new()
    };
    let hash = hash_of(&bytes);
    if !bytes.is_empty() && ledger.seen_file(name, &hash)? {
        return Ok(Ingested::Known);
    }
    if !bytes.is_empty() && ledger.seen_hash(&hash)? {
        ledger.record_file(name, size, &hash, "same")?;
        return Ok(Ingested::Same { hash });
    }
    let stored_rel = format!("store/{hash}/{}", file_name_of(name));
    let stored = ws.state().join(&stored_rel);
    if !stored.exists() && !bytes.is_empty() {
        report::write_atomically(&stored, &bytes)?;
    }
    let checked = if bytes.is_empty() { file } else { &stored };
    let context = pipeline::Context {
        period: None,
        history: Some(crate::history::Store::new(ws.history())),
        explanations: Vec::new(),
    };
    let outcome = pipeline::run_files(&[checked.to_path_buf()], config, &context)?;
    let findings = kept(&outcome.findings);
    let counted = outcome
        .assembly
        .returns
        .first()
        .filter(|r| r.status == Status::Counted);
    let (Some(ret), false) = (counted, bytes.is_empty()) else {
        let status = outcome
            .assembly
            .returns
            .first()
            .map_or(Status::Unreadable, |r| r.status);
        ledger.record_file(name, size, &hash, status.key())?;
        return Ok(Ingested::NotCounted { status, findings });
    };
    let township = ret.township.clone().unwrap_or_default();
    if uploader.is_some_and(|u| u != township) {
        ledger.record_file(name, size, &hash, "other_township")?;
        return Ok(Ingested::OtherTownship { township });
    }
    let period = outcome.period.to_string();
    let new = NewVersion {
        township: township.clone(),
        period: period.clone(),
        hash: hash.clone(),
        file_name: name.to_string(),
        size,
        stored: stored_rel,
        filled: ret.filed.map(|d| d.to_string()),
        findings: findings.iter().map(|f| row_of(f, config, lang)).collect(),
        values: outcome
            .table
            .facts
            .iter()
            .map(|f| ValueRow {
                code: f.code.to_string(),
                column: f.column.key().to_string(),
                value: Some(f.value),
                cell: cell_of(&f.at),
            })
            .collect(),
        explainable: crate::review::template_rows(&outcome.findings, outcome.period)
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
    };
    let (version, previous) = match ledger.add_version(&new)? {
        Added::New { version, previous } => (version, previous),
        Added::Same(_) => return Ok(Ingested::Same { hash }),
    };
    let mut result = compare(ledger, version, previous, findings)?;
    if result
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        let path = write_feedback(ws, config, &result, checked, None, lang)?;
        result.feedback = Some(path);
    }
    Ok(Ingested::New(Box::new(result)))
}

/// The diff and the findings fixed, remaining and new against the version before.
fn compare(
    ledger: &Ledger,
    version: Version,
    previous: Option<Version>,
    findings: Vec<Finding>,
) -> Result<NewReturn, IngestError> {
    let mut out = NewReturn::bare(version, previous.clone(), findings);
    let Some(prev) = previous else {
        return Ok(out);
    };
    let key = |v: &ValueRow| (v.code.clone(), v.column.clone());
    let before: BTreeMap<_, _> = ledger
        .values(prev.id)?
        .into_iter()
        .map(|v| (key(&v), v))
        .collect();
    let after: BTreeMap<_, _> = ledger
        .values(out.version.id)?
        .into_iter()
        .map(|v| (key(&v), v))
        .collect();
    for k in before
        .keys()
        .chain(after.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (b, a) = (before.get(k), after.get(k));
        let (bv, av) = (b.and_then(|v| v.value), a.and_then(|v| v.value));
        if bv != av {
            out.changes.push(Change {
                code: k.0.clone(),
                column: k.1.clone(),
                cell: a.or(b).map(|v| v.cell.clone()).unwrap_or_default(),
                before: bv,
                after: av,
            });
        }
    }
    let finding_key = |f: &FindingRow| {
        format!(
            "{} {} {}",
            f.rule,
            f.code.as_deref().unwrap_or("-"),
            f.column.as_deref().unwrap_or("-")
        )
    };
    let old: std::collections::BTreeSet<String> =
        ledger.findings(prev.id)?.iter().map(finding_key).collect();
    let now: std::collections::BTreeSet<String> = ledger
        .findings(out.version.id)?
        .iter()
        .map(finding_key)
        .collect();
    out.fixed = old.difference(&now).cloned().collect();
    out.remaining = old.intersection(&now).cloned().collect();
    out.new = now.difference(&old).cloned().collect();
    out.accepted_earlier = ledger
        .decisions(&out.version.township, &out.version.period)?
        .iter()
        .filter(|d| d.kind == crate::ledger::DecisionKind::Accept)
        .map(|d| d.version)
        .next_back();
    Ok(out)
}

/// The feedback workbook (退回修改通知) of a version: its findings, its sheets with the cells at
/// fault marked, and the reason when it was sent back.
pub fn write_feedback(
    ws: &Workspace,
    config: &Config,
    r: &NewReturn,
    stored: &Path,
    reason: Option<&str>,
    lang: Lang,
) -> Result<PathBuf, IngestError> {
    let sheets = match crate::read::read_workbook(stored, &config.limits) {
        Ok(wb) => wb.sheets,
        Err(_) => Vec::new(), // the list of findings is still worth sending
    };
    let period = crate::model::Period::parse(&r.version.period).unwrap_or(crate::model::Period {
        year: 1900,
        month: 1,
    });
    let refs: Vec<&Finding> = r.findings.iter().collect();
    let bytes = report::feedback_workbook_with_reason(
        config,
        &r.version.township,
        period,
        &sheets,
        &refs,
        reason,
        lang,
    )
    .map_err(|e| IngestError::Xlsx(e.to_string()))?;
    let path = ws.feedback().join(feedback_name(&r.version, lang));
    report::write_atomically(&path, &bytes)?;
    Ok(path)
}

/// The feedback workbook's file name for a version, in `lang`.
fn feedback_name(v: &Version, lang: Lang) -> String {
    format!(
        "{}_{}_{}{}{}.xlsx",
        report::safe_file_name(&v.township),
        v.period,
        lang.t("第", "v"),
        v.version,
        lang.t("版_退回修改通知", "_feedback")
    )
}

/// Writes the feedback workbook of every version with errors that has none (in either
/// language): a process killed after recording a version and before writing its feedback
/// leaves that version without one, and the township would never hear of its errors. The
/// findings come again from the stored copy, as `ingest` found them. Returns the files written.
pub fn restore_missing_feedback(
    ws: &Workspace,
    ledger: &Ledger,
    config: &Config,
    lang: Lang,
) -> Result<Vec<PathBuf>, IngestError> {
    let mut written = Vec::new();
    for period in ledger.periods()? {
        for t in &config.townships {
            for v in ledger.versions(t.name(), &period)? {
                let has_errors = ledger.findings(v.id)?.iter().any(|f| f.severity == "error");
                let present = [Lang::Zh, Lang::En]
                    .iter()
                    .any(|l| ws.feedback().join(feedback_name(&v, *l)).exists());
                if !has_errors || present {
                    continue;
                }
                written.push(feedback_again(ws, config, v, None, lang)?);
            }
        }
    }
    Ok(written)
}

/// A version's feedback workbook written again from its stored copy, carrying `reason` when
/// the return is sent back (打回): the CLI's `huizong return` and the page's 打回 both call this,
/// so the township reads why, wherever the statistician decided.
pub fn feedback_again(
    ws: &Workspace,
    config: &Config,
    v: Version,
    reason: Option<&str>,
    lang: Lang,
) -> Result<PathBuf, IngestError> {
    let stored = ws.state().join(&v.stored);
    let findings = version_findings(ws, config, &stored)?;
    let r = NewReturn::bare(v, None, findings);
    write_feedback(ws, config, &r, &stored, reason, lang)
}

/// A stored version's findings as `ingest` keeps them.
fn version_findings(
    ws: &Workspace,
    config: &Config,
    stored: &Path,
) -> Result<Vec<Finding>, IngestError> {
    let context = pipeline::Context {
        period: None,
        history: Some(crate::history::Store::new(ws.history())),
        explanations: Vec::new(),
    };
    let outcome = pipeline::run_files(&[stored.to_path_buf()], config, &context)?;
    Ok(kept(&outcome.findings))
}

/// Other townships missing, and rules that need the whole month (peers, last month), are the
/// month's business: `huizong run` says them, once.
fn kept(findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| {
            f.severity != Severity::Note && !matches!(f.kind, Kind::Missing | Kind::NotEvaluable(_))
        })
        .cloned()
        .collect()
}

fn row_of(f: &Finding, config: &Config, lang: Lang) -> FindingRow {
    FindingRow {
        rule: f.rule.clone(),
        severity: severity_key(f.severity).into(),
        code: f.code.clone(),
        column: f.column.map(|c| c.key().to_string()),
        cell: cell_of(&f.at),
        line: crate::render::line(f, config, lang),
    }
}

pub fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Alert => "alert",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
        Severity::Note => "note",
    }
}

fn cell_of(at: &crate::model::Location) -> String {
    match (&at.sheet, at.cell) {
        (Some(s), Some(c)) => format!("{s}!{c}"),
        (Some(s), None) => s.to_string(),
        _ => String::new(),
    }
}

/// The last part of a name (an inbox sub-folder is not part of the stored copy's name).
fn file_name_of(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if last.is_empty() || last == "." || last == ".." {
        "return".into()
    } else {
        last.to_string()
    }
}
