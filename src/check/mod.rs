//! Checks on the facts of the counted returns: the configured expression checks (R01-R09 and a
//! county's own) and the built-in year-to-date rule (R10). The wide fact table in, findings out;
//! no IO. R13 and R14 are found where values are read (`normalize`, `returns`).

mod expression;
mod ytd;

use crate::config::Config;
use crate::facts::FactTable;
use crate::model::{Finding, Period};

/// Every check of the configuration, over every counted township.
pub fn run(table: &FactTable, config: &Config, period: Period) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, check) in config.checks.iter().enumerate() {
        if check.expression().is_some() {
            expression::evaluate(table, config, index, &mut out);
        }
    }
    ytd::evaluate(table, config, period, &mut out);
    out
}

#[cfg(test)]
mod tests;
