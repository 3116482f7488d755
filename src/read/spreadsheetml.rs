//! SpreadsheetML 2003 (`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`) →
//! [`SheetGrid`]s, through quick-xml's streaming reader (no tree). Nesting, elements, cells,
//! merges, row width and each cell's text are counted against the [`Budget`] as the events
//! come; merges are clamped to the kept grid. Positions (`ss:Index`) are read as 64-bit and
//! never overflow. May not interpret values beyond the cell's declared type.

use quick_xml::events::{BytesStart, Event};

use super::limits::{Budget, Cap};
use super::{DamagedPart, RawValue, ReadError, SheetGrid, MAX_COLS, MAX_ROWS};
use crate::model::CellRef;

/// The reading position and the cell being read.
#[derive(Default)]
struct Cursor {
    row: u64,
    col: u64,
    cell_col: u64,
    /// Inside `<Data>`: its type and text so far.
    data: Option<(String, String)>,
    /// Characters of the `<Data>` text so far.
    data_chars: u64,
    formula: Option<String>,
    depth: u64,
    nodes: u64,
    cells: u64,
    merges: u64,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A non-negative integer attribute; junk reads as absent.
fn number(e: &BytesStart, name: &str) -> Option<u64> {
    attr(e, name).and_then(|v| v.trim().parse::<u64>().ok())
}

pub fn read_spreadsheetml(text: &str, budget: &mut Budget) -> Result<Vec<SheetGrid>, ReadError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out: Vec<SheetGrid> = Vec::new();
    let mut at = Cursor::default();
    loop {
        budget.step()?;
        let event = reader.read_event().map_err(|e| {
            let part = DamagedPart::Xml {
                at_byte: Some(reader.buffer_position()),
            };
            ReadError::damaged(part, e)
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                at.depth += 1;
                if at.depth > budget.limits.max_depth {
                    return Err(ReadError::OverCap(Cap::Depth(budget.limits.max_depth)));
                }
                start(&e, &mut out, &mut at, budget)?;
            }
            Event::Empty(e) => start(&e, &mut out, &mut at, budget)?,
            Event::Text(t) => push_text(&mut at, t.as_ref(), budget)?,
            Event::CData(t) => push_text(&mut at, t.as_ref(), budget)?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => {
                        let name: &str = r.as_ref();
                        let s = match name {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        };
                        Some(s.to_string())
                    }
                };
                if let Some(s) = resolved {
                    push_text(&mut at, &s, budget)?;
                }
            }
            Event::End(e) => {
                at.depth = at.depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "Data" => end_data(&mut out, &mut at),
                    "Row" => at.row = at.row.saturating_add(1),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn push_text(at: &mut Cursor, text: &str, budget: &Budget) -> Result<(), ReadError> {
    if let Some((_, s)) = at.data.as_mut() {
        // Counted as it comes: a text of many small pieces is never counted again whole.
        at.data_chars = at.data_chars.saturating_add(text.chars().count() as u64);
        if at.data_chars > budget.limits.max_field_chars {
            return Err(ReadError::OverCap(Cap::FieldChars(
                budget.limits.max_field_chars,
            )));
        }
        s.push_str(text);
    }
    Ok(())
}

fn start(
    e: &BytesStart,
    out: &mut Vec<SheetGrid>,
    at: &mut Cursor,
    budget: &Budget,
) -> Result<(), ReadError> {
    let limits = budget.limits;
    at.nodes += 1;
    if at.nodes > limits.max_nodes {
        return Err(ReadError::OverCap(Cap::Nodes(limits.max_nodes)));
    }
    match e.local_name().as_ref() {
        "Worksheet" => {
            if out.len() >= limits.max_sheets {
                return Err(ReadError::OverCap(Cap::Sheets(limits.max_sheets as u64)));
            }
            out.push(SheetGrid {
                name: attr(e, "Name").unwrap_or_else(|| format!("Sheet{}", out.len() + 1)),
                ..SheetGrid::default()
            });
            (at.row, at.col, at.merges) = (0, 0, 0);
        }
        "Row" => {
            if let Some(i) = number(e, "Index") {
                at.row = i.saturating_sub(1);
            }
            at.col = 0;
        }
        "Cell" => cell(e, out, at, budget)?,
        "Data" => {
            at.data = Some((attr(e, "Type").unwrap_or_default(), String::new()));
            at.data_chars = 0;
        }
        _ => {}
    }
    Ok(())
}

fn cell(
    e: &BytesStart,
    out: &mut [SheetGrid],
    at: &mut Cursor,
    budget: &Budget,
) -> Result<(), ReadError> {
    let limits = budget.limits;
    if let Some(i) = number(e, "Index") {
        at.col = i.saturating_sub(1);
    }
    at.formula = attr(e, "Formula").map(|f| f.trim_start_matches('=').to_string());
    // Excel's own sheet is 16,384 columns by 1,048,576 rows: no merge reaches further.
    let across = number(e, "MergeAcross").unwrap_or(0).min(16_384);
    let down = number(e, "MergeDown").unwrap_or(0).min(1_048_576);
    let width = across + 1;
    if at.col.saturating_add(width) > limits.max_row_cells {
        return Err(ReadError::OverCap(Cap::RowCells(limits.max_row_cells)));
    }
    // A merged cell counts every cell it covers, as a dense reader would hold them.
    at.cells = at.cells.saturating_add(width.saturating_mul(down + 1));
    if at.cells > limits.max_cells {
        return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
    }
    let (rows, cols) = (u64::from(MAX_ROWS), u64::from(MAX_COLS));
    if let (Some(g), true) = (out.last_mut(), across + down > 0) {
        if at.row < rows && at.col < cols {
            at.merges += 1;
            if at.merges > limits.max_merges {
                return Err(ReadError::OverCap(Cap::Merges(limits.max_merges)));
            }
            let last_row = at.row.saturating_add(down).min(rows - 1);
            let last_col = at.col.saturating_add(across).min(cols - 1);
            g.merges.push((
                CellRef::new(at.row as u32, at.col as u32),
                CellRef::new(last_row as u32, last_col as u32),
            ));
        }
    }
    // The next column follows this cell's merged width.
    at.cell_col = at.col;
    at.col = at.col.saturating_add(width);
    Ok(())
}

fn end_data(out: &mut [SheetGrid], at: &mut Cursor) {
    let (Some((kind, s)), Some(g)) = (at.data.take(), out.last_mut()) else {
        return;
    };
    let formula = at.formula.take();
    if at.row >= u64::from(MAX_ROWS) || at.cell_col >= u64::from(MAX_COLS) {
        if !s.trim().is_empty() || formula.is_some() {
            g.cells_beyond += 1;
        }
        return;
    }
    let value = match kind.as_str() {
        "Number" => s
            .trim()
            .parse()
            .map(RawValue::Number)
            .unwrap_or(RawValue::Text(s)),
        "Error" => RawValue::Error(s),
        "Boolean" => RawValue::Bool(s.trim() == "1"),
        _ => RawValue::Text(s),
    };
    g.put(at.row as u32, at.cell_col as u32, value, formula);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Limits;

    const HEAD: &str = r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">"#;

    fn read(body: &str) -> Result<Vec<SheetGrid>, ReadError> {
        let text = format!("{HEAD}{body}</Workbook>");
        read_spreadsheetml(&text, &mut Budget::new(&Limits::default()))
    }

    #[test]
    fn cells_merges_and_character_references() {
        let sheets = read(
            r#"<Worksheet ss:Name="表1"><Table><Row><Cell ss:MergeAcross="2"><Data ss:Type="String">&#20013;&amp;<![CDATA[x]]></Data></Cell><Cell><Data ss:Type="Number">7</Data></Cell></Row></Table></Worksheet>"#,
        )
        .expect("read");
        let g = &sheets[0];
        assert_eq!(g.name, "表1");
        assert_eq!(
            g.get(0, 0).map(|c| &c.value),
            Some(&RawValue::Text("中&x".into()))
        );
        assert_eq!(g.get(0, 3).map(|c| &c.value), Some(&RawValue::Number(7.0)));
        assert_eq!(g.merges, vec![(CellRef::new(0, 0), CellRef::new(0, 2))]);
    }

    #[test]
    fn positions_at_the_end_of_u32_do_not_overflow() {
        let sheets = read(
            r#"<Worksheet><Table><Row ss:Index="4294967295"><Cell ss:Index="4" ss:MergeAcross="100" ss:MergeDown="4294967295"><Data ss:Type="Number">1</Data></Cell></Row><Row/></Table></Worksheet>"#,
        );
        // Over the cell cap (the merge covers a billion cells), never a panic.
        assert!(matches!(sheets, Err(ReadError::OverCap(Cap::Cells(_)))));
        let far = read(
            r#"<Worksheet><Table><Row ss:Index="4294967295"><Cell><Data ss:Type="Number">1</Data></Cell></Row><Row/></Table></Worksheet>"#,
        )
        .expect("read");
        assert_eq!(far[0].cells_beyond, 1);
    }

    #[test]
    fn merges_are_clamped_to_the_kept_grid_and_capped() {
        let g = &read(
            r#"<Worksheet><Table><Row><Cell ss:MergeAcross="100" ss:MergeDown="3000"><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet>"#,
        )
        .expect("read")[0];
        assert_eq!(
            g.merges,
            vec![(CellRef::new(0, 0), CellRef::new(MAX_ROWS - 1, MAX_COLS - 1))]
        );
        let many = format!(
            "<Worksheet><Table>{}</Table></Worksheet>",
            format!("<Row>{}</Row>", r#"<Cell ss:MergeAcross="1"/>"#.repeat(6)).repeat(1700)
        );
        assert!(matches!(
            read(&many),
            Err(ReadError::OverCap(Cap::Merges(10_000)))
        ));
    }

    #[test]
    fn deep_nesting_wide_rows_and_long_text_are_over_caps() {
        let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
        assert!(matches!(
            read(&deep),
            Err(ReadError::OverCap(Cap::Depth(256)))
        ));
        let wide = r#"<Worksheet><Table><Row><Cell ss:Index="20000"/></Row></Table></Worksheet>"#;
        assert!(matches!(
            read(wide),
            Err(ReadError::OverCap(Cap::RowCells(16_384)))
        ));
        let long = format!(
            r#"<Worksheet><Table><Row><Cell><Data ss:Type="String">{}</Data></Cell></Row></Table></Worksheet>"#,
            "&amp;".repeat(40_000)
        );
        assert!(matches!(
            read(&long),
            Err(ReadError::OverCap(Cap::FieldChars(32_767)))
        ));
    }
}
