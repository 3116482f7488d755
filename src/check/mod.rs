//! Checks on the facts of the counted returns: the configured expression checks (R01-R09 and a
//! county's own, on the frame of `frame.rs`), R10 (`ytd.rs`), the month-to-month rules R11 and
//! R12 (`history.rs`) and outliers, R15 (`outliers.rs`). The fact table and the months before
//! (already loaded) in, findings out; no IO. R13 and R14 are found where values are read
//! (`normalize`, `returns`).

mod expression;
mod frame;
mod history;
mod outliers;
mod ytd;

pub use expression::label;
pub use outliers::{funnel_of, median, peer_model, peer_rows, Funnel, Model, Robust, Unit};

use crate::config::{Check, Config};
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::findings::Kind;
use crate::history::Past;
use crate::model::{Column, Location, Period};

/// A check's finding at the cell a township's value of an indicator was read from.
fn at_cell(
    table: &FactTable,
    check: &Check,
    township: &str,
    code: &str,
    column: Column,
    kind: Kind,
) -> Finding {
    let at = table
        .source(township, code, column)
        .cloned()
        .unwrap_or_default();
    Finding::new(kind, at)
        .with_rule(check.id(), check.severity)
        .with_township(Some(township.to_string()))
        .with_code(Some(code.to_string()))
        .with_column(Some(column))
}

/// Every check of the configuration, over every counted township.
pub fn run(table: &FactTable, config: &Config, period: Period, past: &Past) -> Vec<Finding> {
    let mut out = Vec::new();
    match frame::build(table, config, period, past) {
        Ok(frame) => {
            for (index, check) in config.checks.iter().enumerate() {
                if check.expression().is_some() {
                    let has_previous = past.previous.is_some();
                    expression::evaluate(table, &frame, config, index, has_previous, &mut out);
                }
            }
        }
        Err(e) => {
            // Without the frame no expression check can be evaluated: each says so.
            for (index, check) in config.checks.iter().enumerate() {
                if check.expression().is_some() {
                    let kind = Kind::CheckNotEvaluable {
                        check: index,
                        error: e.to_string(),
                    };
                    out.push(Finding::new(kind, Location::default()));
                }
            }
        }
    }
    ytd::evaluate(table, config, period, &mut out);
    history::carried_forward(table, config, period, past, &mut out);
    history::stock_change(table, config, period, past, &mut out);
    outliers::evaluate(table, config, past, &mut out);
    out
}

#[cfg(test)]
mod tests;
