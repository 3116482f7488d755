//! The whole run, stage after stage: discover → scan (read, locate, normalise) → settle the
//! returns → facts → checks → aggregates. Returns everything the reports need; writes nothing.

use std::path::Path;

use rayon::prelude::*;

use crate::aggregate::{self, Aggregates};
use crate::check;
use crate::config::Config;
use crate::discover::{self, DiscoverError};
use crate::facts::FactTable;
use crate::locate::{township::Roster, FormKeys};
use crate::model::{Finding, Period};
use crate::returns::{self, Assembly};

/// A run's results.
pub struct RunOutcome {
    pub period: Period,
    pub assembly: Assembly,
    pub table: FactTable,
    pub aggregates: Aggregates,
    /// Every finding, sorted: severity, township, file, sheet, cell, rule.
    pub findings: Vec<Finding>,
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
pub fn run(folder: &Path, config: &Config, period: Option<Period>) -> Result<RunOutcome, RunError> {
    let found = discover::discover(folder)?;
    run_discovered(
        found,
        &folder.display().to_string(),
        config,
        period,
        &|_| {},
    )
}

/// Checks the given files as one run (`huizong check`): each is read as a return.
pub fn run_files(
    files: &[std::path::PathBuf],
    config: &Config,
    period: Option<Period>,
) -> Result<RunOutcome, RunError> {
    let found = || discover::Discovered {
        files: files.iter().map(|p| discover::candidate(p)).collect(),
        skipped: Vec::new(),
    };
    match run_discovered(found(), "the files given", config, period, &|_| {}) {
        // No file gives a period (all unreadable, say): their findings are still the answer.
        Err(RunError::NoPeriod(_)) => {
            let none = Period::new(1900, 1);
            run_discovered(found(), "the files given", config, none, &|_| {})
        }
        other => other,
    }
}

/// The run after discovery. `progress` is called once per file read (for a progress bar).
pub fn run_discovered(
    found: discover::Discovered,
    what: &str,
    config: &Config,
    period: Option<Period>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RunOutcome, RunError> {
    let keys = FormKeys::new(config);
    let roster = Roster::new(config);
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
    let mut assembly = returns::assemble(scanned, period, found.skipped, config, &roster);
    let period = assembly
        .period
        .ok_or_else(|| RunError::NoPeriod(what.to_string()))?;
    // The facts move into the table, which keeps them as the source of every value.
    let table = FactTable::build(std::mem::take(&mut assembly.facts), config)?;
    let mut findings = assembly.findings.clone();
    findings.extend(crate::quality::file_time_notes(&assembly.returns));
    findings.extend(check::run(&table, config, period));
    let aggregates = aggregate::aggregate(&table, config, period)?;
    sort_findings(&mut findings);
    Ok(RunOutcome {
        period,
        assembly,
        table,
        aggregates,
        findings,
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
