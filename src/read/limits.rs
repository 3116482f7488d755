//! Caps on the work one file may cost, checked before the memory is spent: a file that is over
//! a cap is reported (文件过大或疑似压缩炸弹), not read. Generous defaults; configurable in
//! `[limits]`.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Size of the file itself.
    pub max_file_mb: u64,
    /// Sum of the uncompressed sizes of a zip package's parts.
    pub max_uncompressed_mb: u64,
    /// Uncompressed / compressed size of a part larger than 1 MB.
    pub max_ratio: u64,
    /// Cells of one sheet, counting the whole rectangle a dense reader would allocate.
    pub max_cells: u64,
    /// Sheets of one workbook.
    pub max_sheets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_mb: 64,
            max_uncompressed_mb: 512,
            max_ratio: 200,
            max_cells: 5_000_000,
            max_sheets: 100,
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
}
