//! CSV and tab-separated text → one [`SheetGrid`]; the delimiter is the one that splits the
//! first lines most consistently. Through the csv crate, one record at a time: each line's
//! bytes, width and fields are checked against the [`Budget`] before a cell is kept. May not
//! interpret values (see `text_formats::typeless`).

use super::limits::{Budget, Cap};
use super::text_formats::{check_field, typeless};
use super::{ReadError, SheetGrid, MAX_COLS, MAX_ROWS};

/// Lines looked at to choose the delimiter, and bytes of each.
const HEAD_LINES: usize = 20;
const HEAD_BYTES: usize = 64 * 1024;

pub fn read_delimited(text: &str, budget: &mut Budget) -> Result<Vec<SheetGrid>, ReadError> {
    let limits = budget.limits;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut grid = SheetGrid {
        name: "CSV".into(),
        ..SheetGrid::default()
    };
    let mut count: u64 = 0;
    let mut record = csv::StringRecord::new();
    let mut row: u64 = 0;
    loop {
        budget.step()?;
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(ReadError::damaged(super::DamagedPart::Csv { line }, e));
            }
        }
        if reader.position().byte() - start > limits.max_line_bytes() {
            return Err(ReadError::OverCap(Cap::LineKb(limits.max_line_kb)));
        }
        if record.len() as u64 > limits.max_row_cells {
            return Err(ReadError::OverCap(Cap::RowCells(limits.max_row_cells)));
        }
        count = count.saturating_add(record.len() as u64);
        if count > limits.max_cells {
            return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
        }
        for (c, field) in record.iter().enumerate() {
            check_field(field, budget)?;
            if row < u64::from(MAX_ROWS) && (c as u64) < u64::from(MAX_COLS) {
                grid.put(row as u32, c as u32, typeless(field), None);
            } else if !field.trim().is_empty() {
                grid.cells_beyond += 1;
            }
        }
        row += 1;
    }
    Ok(vec![grid])
}

/// The delimiter that splits the most of the first lines, then the most often.
fn delimiter(text: &str) -> u8 {
    let mut head = &text[..floor_char_boundary(text, HEAD_BYTES)];
    if let Some((at, _)) = head.match_indices('\n').nth(HEAD_LINES - 1) {
        head = &head[..at];
    }
    let lines: Vec<&str> = head.lines().collect();
    [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| {
            let counts: Vec<usize> = lines
                .iter()
                .map(|l| l.matches(*d as char).count())
                .collect();
            let rows_with = counts.iter().filter(|c| **c > 0).count();
            (rows_with, counts.iter().sum::<usize>())
        })
        .unwrap_or(b',')
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, RawValue};

    fn read(text: &str, limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
        read_delimited(text, &mut Budget::new(limits))
    }

    #[test]
    fn semicolons_and_quotes() {
        let g = &read("标题\na;b;\"c;d\"\n1;2;3\n", &Limits::default()).expect("read")[0];
        assert_eq!(
            g.get(1, 2).map(|c| &c.value),
            Some(&RawValue::Text("c;d".into()))
        );
        assert_eq!(g.get(2, 0).map(|c| &c.value), Some(&RawValue::Number(1.0)));
    }

    #[test]
    fn a_huge_field_a_long_line_and_a_wide_row_are_over_caps() {
        let d = Limits::default();
        let field = format!("a,b\n\"{}\",1\n", "x".repeat(40_000));
        assert!(matches!(
            read(&field, &d),
            Err(ReadError::OverCap(Cap::FieldChars(32_767)))
        ));
        let line = format!("{}\n", "12345678,".repeat(130_000));
        let limits = Limits {
            max_row_cells: 1_000_000,
            ..d
        };
        assert!(matches!(
            read(&line, &limits),
            Err(ReadError::OverCap(Cap::LineKb(1024)))
        ));
        let wide = format!("{}\n", ",".repeat(20_000));
        assert!(matches!(
            read(&wide, &d),
            Err(ReadError::OverCap(Cap::RowCells(16_384)))
        ));
    }

    #[test]
    fn cells_beyond_the_kept_grid_are_counted() {
        let text = format!(
            "{}\n",
            (0..70).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
        );
        let g = &read(&text, &Limits::default()).expect("read")[0];
        assert_eq!(g.cells.len(), 64);
        assert_eq!(g.cells_beyond, 6);
    }
}
