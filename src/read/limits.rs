//! Caps on the work one file may cost, checked before the memory is spent: a file that is over
//! a cap is reported (文件过大、疑似压缩炸弹或读取代价过高), not read. Generous defaults for a
//! return; configurable in `[limits]`. Also the per-file [`Budget`] the readers carry: the cell
//! count and the wall-clock deadline, checked as they go. Knows no file format.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::ReadError;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Size of the file itself.
    pub max_file_mb: u64,
    /// Sum of the uncompressed sizes of a zip package's parts.
    pub max_uncompressed_mb: u64,
    /// Uncompressed / compressed size of a part larger than 1 MB.
    pub max_ratio: u64,
    /// Cells of one sheet, counting the whole rectangle a dense reader would allocate, and every
    /// cell a span or merge covers.
    pub max_cells: u64,
    /// Sheets of one workbook (tables of an HTML page).
    pub max_sheets: usize,
    /// Size of a text-format file (HTML, SpreadsheetML 2003, CSV): these are parsed whole.
    pub max_text_mb: u64,
    /// Cells in one row (Excel's own width is 16,384).
    pub max_row_cells: u64,
    /// Characters of one cell's text (Excel's own limit is 32,767).
    pub max_field_chars: u64,
    /// Bytes of one line (record) of a CSV file.
    pub max_line_kb: u64,
    /// Elements open inside each other (HTML, XML).
    pub max_depth: u64,
    /// Elements (tags) of an HTML or XML file.
    pub max_nodes: u64,
    /// Attributes of one HTML tag (html5ever's tokenizer checks each against all the others).
    pub max_attributes: u64,
    /// Merged regions of one sheet (a form has a few dozen).
    pub max_merges: u64,
    /// Wall-clock time reading one file may take, in seconds.
    pub max_seconds: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_mb: 64,
            max_uncompressed_mb: 512,
            max_ratio: 200,
            max_cells: 5_000_000,
            max_sheets: 100,
            max_text_mb: 16,
            max_row_cells: 16_384,
            max_field_chars: 32_767,
            max_line_kb: 1_024,
            max_depth: 256,
            max_nodes: 500_000,
            max_attributes: 1_000,
            max_merges: 10_000,
            max_seconds: 5.0,
        }
    }
}

impl Limits {
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.saturating_mul(1024 * 1024)
    }

    pub fn max_uncompressed_bytes(&self) -> u64 {
        self.max_uncompressed_mb.saturating_mul(1024 * 1024)
    }

    pub fn max_text_bytes(&self) -> u64 {
        self.max_text_mb.saturating_mul(1024 * 1024)
    }

    pub fn max_line_bytes(&self) -> u64 {
        self.max_line_kb.saturating_mul(1024)
    }

    /// The time allowed for one file; a negative or not-a-number setting allows none.
    pub fn max_duration(&self) -> Duration {
        Duration::try_from_secs_f64(self.max_seconds).unwrap_or(if self.max_seconds > 0.0 {
            Duration::MAX
        } else {
            Duration::ZERO
        })
    }
}

pub use crate::findings::Cap;

/// What reading one file may still spend: checked by the readers as they go, before they
/// allocate. Cheap to check; the clock is read only every so many steps.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub limits: Limits,
    started: Instant,
    allowed: Duration,
    steps: u64,
}

/// Steps between two looks at the clock.
const CLOCK_EVERY: u64 = 1 << 12;

impl Budget {
    pub fn new(limits: &Limits) -> Self {
        Self {
            limits: *limits,
            started: Instant::now(),
            allowed: limits.max_duration(),
            steps: 0,
        }
    }

    /// Over the time allowed? Checked now.
    pub fn check_time(&self) -> Result<(), ReadError> {
        if self.started.elapsed() > self.allowed {
            return Err(self.too_costly());
        }
        Ok(())
    }

    /// One step of work: looks at the clock every [`CLOCK_EVERY`] steps (and at the first, so
    /// that a budget of zero seconds is over at once, deterministically).
    pub fn step(&mut self) -> Result<(), ReadError> {
        self.steps += 1;
        if self.steps % CLOCK_EVERY == 1 {
            self.check_time()?;
        }
        Ok(())
    }

    fn too_costly(&self) -> ReadError {
        let ms = self.allowed.as_millis().min(u128::from(u64::MAX)) as u64;
        ReadError::OverCap(Cap::Millis(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_is_over_at_the_first_step() {
        let limits = Limits {
            max_seconds: 0.0,
            ..Limits::default()
        };
        let mut b = Budget::new(&limits);
        std::thread::sleep(Duration::from_millis(2));
        assert!(matches!(b.step(), Err(ReadError::OverCap(Cap::Millis(0)))));
    }

    #[test]
    fn the_default_budget_allows_work() {
        let mut b = Budget::new(&Limits::default());
        for _ in 0..10_000 {
            b.step().expect("within budget");
        }
    }

    #[test]
    fn odd_settings_of_seconds_do_not_panic() {
        for s in [f64::NAN, -1.0, f64::INFINITY, 1e300] {
            let l = Limits {
                max_seconds: s,
                ..Limits::default()
            };
            let _ = l.max_duration();
        }
    }
}
