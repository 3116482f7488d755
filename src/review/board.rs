//! The board file (`报送状态.csv`): the county's decisions on returns (通过, 打回 with the
//! reason, by whom, when) and each roster township's state, as a workspace lays them beside the
//! versions that count. A folder run that finds it (told by its header, never by its name) shows
//! it as the 报送状态 sheet, so a workspace's county workbook and `huizong run` on the same
//! files are the same bytes. Read here; written by `workspace::counted`; no words made here.

use std::io::Read;
use std::path::Path;

pub use crate::model::{is_board_head, BOARD_HEADER};

/// The name a workspace gives the file (any name works: the header decides).
pub const BOARD_FILE: &str = "报送状态.csv";

/// One township's line, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLine {
    pub cells: [String; 13],
}

impl BoardLine {
    pub fn township(&self) -> &str {
        &self.cells[0]
    }
    /// The state as written (`已通过`, …).
    pub fn state(&self) -> &str {
        &self.cells[2]
    }
}

/// The board file's lines, or `None` when `path` is not one (by content). A file bigger than
/// `max_bytes` is not read (a board has a line a township).
pub fn load(path: &Path, max_bytes: u64) -> Option<Vec<BoardLine>> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > max_bytes || !is_board_head(&bytes) {
        return None;
    }
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Option<Vec<BoardLine>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        let mut cells: [String; 13] = Default::default();
        for (i, c) in record.iter().take(13).enumerate() {
            cells[i] = c.to_string();
        }
        out.push(BoardLine { cells });
    }
    Some(out)
}

/// The file's bytes (UTF-8 with a BOM, so Excel opens it in Chinese).
pub fn write(lines: &[BoardLine]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    w.write_record(BOARD_HEADER)?;
    for l in lines {
        w.write_record(&l.cells)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_then_read_by_content() {
        let mut cells: [String; 13] = Default::default();
        cells[0] = "清水乡".into();
        cells[2] = "已打回".into();
        cells[10] = "C15 未填, 请补报".into();
        let line = BoardLine { cells };
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("any name.csv");
        std::fs::write(&p, write(std::slice::from_ref(&line)).expect("csv")).expect("write");
        assert_eq!(load(&p, 1 << 20), Some(vec![line]));
        // A return's CSV is not a board, nor is a board past the size cap.
        assert_eq!(load(&p, 10), None);
        let other = dir.path().join("报送状态.csv");
        std::fs::write(&other, "序号,指标代码,指标名称\n").expect("write");
        assert_eq!(load(&other, 1 << 20), None);
    }
}
