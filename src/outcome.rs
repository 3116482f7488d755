//! The run's outcome as plain data: what report/ writes and the commands print, built by
//! `pipeline` (which report/ does not know). No IO, no words, no computation here.

use crate::aggregate::Aggregates;
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::history::Past;
use crate::model::Period;
use crate::quality::DataQuality;
use crate::returns::Assembly;

/// A run's results.
pub struct RunOutcome {
    pub period: Period,
    pub assembly: Assembly,
    pub table: FactTable,
    pub aggregates: Aggregates,
    /// Every finding, sorted: severity, township, file, sheet, cell, rule.
    pub findings: Vec<Finding>,
    /// What the run knew of the months before it.
    pub past: Past,
    /// Completeness, timeliness and findings per township and for the county.
    pub quality: DataQuality,
    /// The county's board file found beside the returns (`报送状态.csv`, a workspace's
    /// decisions on returns), shown as the 报送状态 sheet.
    pub board: Vec<crate::review::board::BoardLine>,
}
