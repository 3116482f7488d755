//! The whole run, stage after stage: discover → scan (read, locate, normalise) → settle the
//! returns → facts → the months before (history store) → checks → explanations → aggregates.
//! Returns everything the reports need; writes nothing.

use std::path::Path;

use rayon::prelude::*;

use crate::aggregate;
use crate::check;
use crate::config::Builtin;
use crate::config::Config;
use crate::discover::{self, DiscoverError};
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::history::{Past, Store};
use crate::locate::{township::Roster, FormKeys};
use crate::model::Period;
use crate::returns;
use crate::review::{self, Explanation};

pub use crate::outcome::RunOutcome;

/// What a run uses besides the returns.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The period, when given (else the one most returns give).
    pub period: Option<Period>,
    /// The history store the cross-month rules read (R11, R12, R15).
    pub history: Option<Store>,
    /// Explanations (审核说明) recorded by the county.
    pub explanations: Vec<Explanation>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("no returns with a period were found in {0}; give --period YYYY-MM")]
    NoPeriod(String),
    #[error("table error: {0}")]
    Table(#[from] polars::error::PolarsError),
}

/// Consolidates the returns in `folder`.
pub fn run(folder: &Path, config: &Config, context: &Context) -> Result<RunOutcome, RunError> {
    let found = discover::discover(folder)?;
    run_discovered(
        found,
        &folder.display().to_string(),
        config,
        context,
        &|_| {},
    )
}

/// Checks the given files as one run (`huizong check`): each is read as a return.
pub fn run_files(
    files: &[std::path::PathBuf],
    config: &Config,
    context: &Context,
) -> Result<RunOutcome, RunError> {
    let found = || discover::Discovered {
        files: files.iter().map(|p| discover::candidate(p)).collect(),
        skipped: Vec::new(),
        explanations: Vec::new(),
        others: Vec::new(),
    };
    match run_discovered(found(), "the files given", config, context, &|_| {}) {
        // No file gives a period (all unreadable, say): their findings are still the answer.
        Err(RunError::NoPeriod(_)) => {
            let none = Context {
                period: Period::new(1900, 1),
                ..context.clone()
            };
            run_discovered(found(), "the files given", config, &none, &|_| {})
        }
        other => other,
    }
}

/// The run after discovery. `progress` is called once per file read (for a progress bar).
// long-function: the stages in their order, each a call; splitting would pass the same dozen values between halves (not yet split, issue 10)
pub fn run_discovered(
    found: discover::Discovered,
    what: &str,
    config: &Config,
    context: &Context,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RunOutcome, RunError> {
    let keys = FormKeys::new(config);
    let roster = Roster::new(config);
    // huizong's own outputs lying beside the returns are skipped, told by their content.
    let mut found = found;
    let (own, files): (Vec<_>, Vec<_>) = std::mem::take(&mut found.files)
        .into_iter()
        .partition(|c| crate::read::is_own_output(&c.path));
    found.files = files;
    // The board file (by content) is the county's, like 审核说明.csv: read, not skipped.
    let max_text = config.limits.max_text_mb.saturating_mul(1 << 20);
    let mut board = Vec::new();
    for c in own {
        match review::board::load(&c.path, max_text) {
            Some(lines) if board.is_empty() => board = lines,
            _ => found
                .skipped
                .push((c.name, crate::findings::Skip::OwnOutput)),
        }
    }
    // A file of another extension may still be ours (the `--json` report): said so, by content.
    for c in std::mem::take(&mut found.others) {
        if crate::read::is_own_output(&c.path) {
            for (name, why) in found.skipped.iter_mut() {
                if *name == c.name {
                    *why = crate::findings::Skip::OwnOutput;
                }
            }
        }
    }
    // Files are independent until the run is settled: read and locate them on all cores.
    let scanned: Vec<_> = found
        .files
        .par_iter()
        .map(|c| {
            let s = returns::scan(c, config, &keys);
            progress(1);
            s
        })
        .collect();
    let mut assembly = returns::assemble(scanned, context.period, found.skipped, config, &roster);
    let period = assembly
        .period
        .ok_or_else(|| RunError::NoPeriod(what.to_string()))?;
    // The facts move into the table, which keeps them as the source of every value.
    let table = FactTable::build(std::mem::take(&mut assembly.facts), config)?;
    // R15 looks furthest back; the others need last month only.
    let window = config
        .builtin_check(Builtin::Outlier)
        .map_or(1, |c| c.outlier.window.max(1));
    let past = match &context.history {
        Some(store) => Past::load(store, period, window),
        None => Past::default(),
    };
    let mut findings = assembly.findings.clone();
    findings.extend(crate::quality::file_time_notes(&assembly.returns));
    findings.extend(check::run(&table, config, period, &past));
    // Explanations: those townships wrote in feedback workbooks, then the county's file, whose
    // decisions come last and so win.
    let mut explanations = std::mem::take(&mut assembly.explanations);
    explanations.extend(context.explanations.iter().cloned());
    // An unused explanation is said for the run's townships, and for names on no roster (typos).
    let concerns = |t: &str| {
        table.townships.iter().any(|own| own == t)
            || !config.townships.iter().any(|r| r.name() == t)
    };
    let unused = review::apply(&mut findings, &explanations, period, &concerns);
    findings.extend(unused);
    let aggregates = aggregate::aggregate(&table, config, period)?;
    sort_findings(&mut findings);
    let quality =
        crate::quality::compute_parts(config, period, &assembly.returns, &table.facts, &findings);
    Ok(RunOutcome {
        period,
        assembly,
        table,
        aggregates,
        findings,
        past,
        quality,
        board,
    })
}

pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, &a.township, &a.at, &a.rule, &a.code).cmp(&(
            b.severity,
            &b.township,
            &b.at,
            &b.rule,
            &b.code,
        ))
    });
}
