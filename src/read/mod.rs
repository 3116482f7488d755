//! Reading a workbook into grids of located raw cells. The only code that knows calamine.
//!
//! The format is told from the content (zip parts, OLE2 signature), the extension only a
//! hint. Only the top-left part of a sheet that a form can occupy is kept (`MAX_ROWS` ×
//! `MAX_COLS`); cells beyond are counted, not held. Nothing here interprets values: a cell is
//! kept as typed, with its formula text. After this stage nobody knows the file format.

mod cells;
mod delimited;
mod guards;
mod html;
mod limits;
mod own;
mod sniff;
mod spreadsheetml;
mod text_formats;

use std::collections::BTreeMap;
use std::path::Path;

pub use crate::findings::{Damage, DamagedPart, IoProblem};
use crate::model::CellRef;
pub use limits::{Budget, Cap, Limits};
pub use own::{is_own_output, OWN_OUTPUT_PROPERTY};
pub use sniff::{Format, NotSheet};

/// Rows and columns of a sheet that are kept: a form fits well inside.
pub const MAX_ROWS: u32 = 2_000;
pub const MAX_COLS: u32 = 64;

/// A cell's value as stored in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A date (year, month, day).
    Date(i32, u32, u32),
}

/// One cell: its stored value, and its formula where it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    pub value: RawValue,
    pub formula: Option<String>,
}

/// One sheet, sparse, in absolute positions (A1 = row 0, col 0).
#[derive(Debug, Clone, Default)]
pub struct SheetGrid {
    pub name: String,
    pub hidden: bool,
    pub cells: BTreeMap<CellRef, RawCell>,
    /// Merged regions (top-left, bottom-right).
    pub merges: Vec<(CellRef, CellRef)>,
    /// Cells that lay beyond the kept area.
    pub cells_beyond: u64,
    /// Whether `merges` was read (an `.xlsx` sheet's are read on demand).
    pub merges_loaded: bool,
}

impl SheetGrid {
    /// Keeps a cell if it holds something and lies in the kept area; counts it otherwise.
    pub(crate) fn put(&mut self, row: u32, col: u32, value: RawValue, formula: Option<String>) {
        if value == RawValue::Empty && formula.is_none() {
            return;
        }
        if row >= MAX_ROWS || col >= MAX_COLS {
            self.cells_beyond += 1;
            return;
        }
        self.cells
            .insert(CellRef::new(row, col), RawCell { value, formula });
    }

    pub fn get(&self, row: u32, col: u32) -> Option<&RawCell> {
        self.cells.get(&CellRef::new(row, col))
    }

    /// The text shown in a cell, or in the merged region covering it (for labels).
    pub fn label_at(&self, row: u32, col: u32) -> Option<String> {
        let at = CellRef::new(row, col);
        let cell = self.cells.get(&at).or_else(|| {
            self.merges
                .iter()
                .find(|(a, b)| a.row <= row && row <= b.row && a.col <= col && col <= b.col)
                .and_then(|(a, _)| self.cells.get(a))
        })?;
        match &cell.value {
            RawValue::Text(s) if !s.trim().is_empty() => Some(s.clone()),
            RawValue::Number(n) => Some(format!("{n}")),
            _ => None,
        }
    }

    /// The last row holding a cell, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().map(|c| c.row).max()
    }

    /// Cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (&CellRef, &RawCell)> {
        self.cells
            .range(CellRef::new(row, 0)..CellRef::new(row, u32::MAX))
    }
}

/// A workbook as read.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    /// The format the extension claims, when it differs from the content.
    pub extension_mismatch: Option<String>,
    pub sheets: Vec<SheetGrid>,
    /// An `.xlsx` package's bytes, kept while its merged regions are not read: reading them is
    /// a second pass over each sheet, done only for a sheet whose header needs them.
    source: Option<Vec<u8>>,
}

impl Workbook {
    /// Reads the merged regions of sheet `index` if they were left out; true when it did.
    pub fn load_merges(&mut self, index: usize) -> bool {
        let (Some(bytes), Some(grid)) = (self.source.as_deref(), self.sheets.get_mut(index)) else {
            return false;
        };
        if grid.merges_loaded {
            return false;
        }
        grid.merges_loaded = true;
        let merges =
            std::panic::catch_unwind(|| cells::xlsx_merges(bytes, &grid.name)).unwrap_or_default();
        let found = !merges.is_empty();
        grid.merges = merges;
        found
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0:?}")]
    Io(IoProblem),
    #[error("empty file")]
    Empty,
    #[error("file too large ({0} bytes)")]
    TooLarge(u64),
    #[error("over a cap: {0:?}")]
    OverCap(Cap),
    #[error("not a spreadsheet ({0:?})")]
    NotSpreadsheet(NotSheet),
    #[error("the workbook is password protected")]
    Encrypted,
    #[error("damaged or unsupported workbook ({:?}): {}", .0.part, .0.library_message)]
    Corrupt(Damage),
}

impl ReadError {
    /// A damaged file: where it failed and the parsing library's message.
    pub fn damaged(part: DamagedPart, e: impl std::fmt::Display) -> Self {
        ReadError::Corrupt(Damage {
            part,
            library_message: e.to_string(),
        })
    }
}

/// The system's refusal as data: the io error's kind (and number where the kind says nothing).
impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        ReadError::Io(match e.kind() {
            K::NotFound => IoProblem::NotFound,
            K::PermissionDenied => IoProblem::PermissionDenied,
            K::IsADirectory => IoProblem::NotRegularFile,
            // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: Excel has the file open.
            _ if cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33)) => IoProblem::InUse,
            _ => IoProblem::Other(e.raw_os_error()),
        })
    }
}

/// Reads a workbook from a file.
pub fn read_workbook(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    let meta = std::fs::metadata(path)?;
    // A FIFO or a device would block or never end: only regular files are opened.
    if !meta.is_file() {
        return Err(ReadError::Io(IoProblem::NotRegularFile));
    }
    let len = meta.len();
    if len > limits.max_file_bytes() {
        return Err(ReadError::TooLarge(len));
    }
    let bytes = std::fs::read(path)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut wb = read_unowned(&bytes, ext.as_deref(), limits)?;
    if wb.format == Format::Xlsx {
        wb.source = Some(bytes);
    }
    Ok(wb)
}

/// Reads a workbook from its bytes; `ext` is the file's extension, a hint only.
pub fn read_bytes(bytes: &[u8], ext: Option<&str>, limits: &Limits) -> Result<Workbook, ReadError> {
    let mut wb = read_unowned(bytes, ext, limits)?;
    if wb.format == Format::Xlsx {
        wb.source = Some(bytes.to_vec());
    }
    Ok(wb)
}

/// The workbook without its source bytes (merged regions of `.xlsx` sheets not read).
fn read_unowned(bytes: &[u8], ext: Option<&str>, limits: &Limits) -> Result<Workbook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() as u64 > limits.max_file_bytes() {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    // The budget starts before anything is parsed: sniffing and the guards count too.
    let mut budget = Budget::new(limits);
    let format = sniff::sniff(bytes)?;
    match format {
        Format::Xlsx | Format::Xlsb => guards::check_zip(bytes, limits)?,
        Format::Ods => {
            guards::check_zip(bytes, limits)?;
            guards::check_ods(bytes, limits)?;
        }
        Format::Xls => guards::check_xls(bytes, limits)?,
        _ => {}
    }
    let extension_mismatch = ext
        .filter(|e| !format.accepts_extension(e))
        .map(str::to_string);
    let sheets = read_within(bytes, format, &mut budget)?;
    Ok(Workbook {
        format,
        extension_mismatch,
        source: None,
        sheets,
    })
}

/// Reads `bytes` as `format`, without sniffing or the package guards: the readers' own caps and
/// the time budget only. For the fuzz targets (`fuzz/`), which aim at one reader each.
pub fn read_as(bytes: &[u8], format: Format, limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    read_within(bytes, format, &mut Budget::new(limits))
}

fn read_within(
    bytes: &[u8],
    format: Format,
    budget: &mut Budget,
) -> Result<Vec<SheetGrid>, ReadError> {
    budget.check_time()?;
    // calamine can panic on some malformed inputs; a panic in one file must not end the run.
    let read = || match format {
        Format::Html | Format::Delimited | Format::SpreadsheetMl => {
            text_formats::read_text(bytes, format, budget)
        }
        _ => cells::read_sheets(bytes, format, budget),
    };
    let sheets = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .map_err(|_| ReadError::damaged(DamagedPart::Reader, "the reader panicked"))??;
    // Whatever a reader could not look into (calamine's own work) is judged when it is done.
    budget.check_time()?;
    Ok(sheets)
}

/// A read failure as a finding's vocabulary: the conversion lives here, beside the error,
/// so that `findings` does not know `read`.
impl From<ReadError> for crate::findings::Unreadable {
    fn from(e: ReadError) -> Self {
        use crate::findings::Unreadable;
        use ReadError as E;
        match e {
            E::Io(e) => Unreadable::Io(e),
            E::Empty => Unreadable::Empty,
            E::TooLarge(n) => Unreadable::TooLarge(n),
            E::OverCap(s) => Unreadable::OverCap(s),
            E::NotSpreadsheet(s) => Unreadable::NotSpreadsheet(s),
            E::Encrypted => Unreadable::Encrypted,
            E::Corrupt(s) => Unreadable::Damaged(s),
        }
    }
}
