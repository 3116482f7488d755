//! What a month's blank returns carry forward from the ledger: for each township, the 本年累计
//! of last month's version that counts (the accepted one, else the latest), never a figure an
//! error was found on in that version, and which version it was, so that the template can say
//! where each figure came from. No SQL here (the ledger's rows) and no words (the template
//! command says them).

use std::collections::BTreeMap;

use super::status;
use crate::config::Config;
use crate::ledger::{DecisionKind, Ledger, LedgerError};
use crate::model::Column;

/// One township's carried figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    /// The version the figures come from.
    pub version: i64,
    /// Whether the county accepted (通过) that version; else it is only the latest.
    pub accepted: bool,
    /// Indicator code → 本年累计.
    pub figures: BTreeMap<String, f64>,
    /// Indicator code → the rules whose errors keep it from being carried.
    pub withheld: BTreeMap<String, Vec<String>>,
}

/// Township → what it carries from `period` (the month before the template's); a township with
/// no version in `period` is absent.
pub fn carried(
    ledger: &Ledger,
    config: &Config,
    period: &str,
) -> Result<BTreeMap<String, Carried>, LedgerError> {
    let mut out = BTreeMap::new();
    for row in status::board(ledger, config, period)? {
        let Some(v) = &row.counts else { continue };
        let accepted = row
            .decisions
            .iter()
            .any(|d| d.version_id == v.id && d.kind == DecisionKind::Accept);
        let mut withheld: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in ledger.findings(v.id)? {
            let Some(code) = f.code.filter(|_| f.severity == "error") else {
                continue;
            };
            let rules = withheld.entry(code).or_default();
            if !rules.contains(&f.rule) {
                rules.push(f.rule);
            }
        }
        let figures = ledger
            .values(v.id)?
            .into_iter()
            .filter(|x| x.column == Column::Ytd.key() && !withheld.contains_key(&x.code))
            .filter_map(|x| Some((x.code, x.value?)))
            .collect();
        out.insert(
            row.township.clone(),
            Carried {
                version: v.version,
                accepted,
                figures,
                withheld,
            },
        );
    }
    Ok(out)
}
