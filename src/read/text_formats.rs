//! The disguised exports of hospital and government systems, read like any workbook: HTML
//! tables and CSV/text (UTF-8 or GBK/GB18030, detected) saved as `.xls`, and SpreadsheetML 2003
//! XML. Through well-kept crates: scraper (html5ever), csv, encoding_rs with chardetng,
//! quick-xml.

use quick_xml::events::Event;
use scraper::{Html, Selector};

use super::{Limits, RawValue, ReadError, SheetGrid};
use crate::model::CellRef;

/// Text as it comes from a typeless format: a plain decimal number is a number (the format
/// cannot say otherwise); anything else stays text and is read (and noted) like typed text.
fn typeless(text: &str) -> RawValue {
    let t = text.trim();
    if t.is_empty() {
        return RawValue::Empty;
    }
    let body = t.strip_prefix('-').unwrap_or(t);
    let plain = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.matches('.').count() <= 1
        && !body.starts_with('.')
        && !body.ends_with('.');
    match t.parse::<f64>() {
        Ok(n) if plain => RawValue::Number(n),
        _ => RawValue::Text(t.to_string()),
    }
}

/// Decodes text: a BOM, else valid UTF-8, else the encoding chardetng guesses (GBK/GB18030…).
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Every `<table>` of an HTML page is a sheet; colspan/rowspan become merged regions.
pub fn read_html(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    let doc = Html::parse_document(&decode(bytes));
    let (Ok(tables), Ok(rows), Ok(cells)) = (
        Selector::parse("table"),
        Selector::parse("tr"),
        Selector::parse("td, th"),
    ) else {
        return Err(ReadError::Corrupt("HTML selectors".into()));
    };
    let mut out = Vec::new();
    let mut count: u64 = 0;
    for (t, table) in doc.select(&tables).enumerate() {
        if out.len() >= limits.max_sheets {
            return Err(ReadError::OverCap(format!(
                "more than {} tables",
                limits.max_sheets
            )));
        }
        let mut grid = SheetGrid {
            name: format!("表格{}", t + 1),
            ..SheetGrid::default()
        };
        // Cells covered by a rowspan from above, per row.
        let mut covered: std::collections::BTreeSet<(u32, u32)> = Default::default();
        for (r, tr) in table.select(&rows).enumerate() {
            let r = r as u32;
            let mut c = 0u32;
            for td in tr.select(&cells) {
                while covered.contains(&(r, c)) {
                    c += 1;
                }
                count += 1;
                if count > limits.max_cells {
                    return Err(ReadError::OverCap(format!(
                        "more than {} cells",
                        limits.max_cells
                    )));
                }
                let text: String = td.text().collect::<Vec<_>>().join("");
                let span = |a: &str| {
                    td.value()
                        .attr(a)
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000)
                };
                let (cs, rs) = (span("colspan"), span("rowspan"));
                grid.put(r, c, typeless(&text), None);
                if cs > 1 || rs > 1 {
                    grid.merges
                        .push((CellRef::new(r, c), CellRef::new(r + rs - 1, c + cs - 1)));
                    for dr in 1..rs {
                        for dc in 0..cs {
                            covered.insert((r + dr, c + dc));
                        }
                    }
                }
                c += cs;
            }
        }
        out.push(grid);
    }
    Ok(out)
}

/// A CSV or tab-separated text file is one sheet; the delimiter is the one that splits the first
/// lines most consistently.
pub fn read_delimited(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    let text = decode(bytes);
    let head: Vec<&str> = text.lines().take(20).collect();
    let delimiter = [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| {
            let counts: Vec<usize> = head.iter().map(|l| l.matches(*d as char).count()).collect();
            let rows_with = counts.iter().filter(|c| **c > 0).count();
            (rows_with, counts.iter().sum::<usize>())
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = SheetGrid {
        name: "CSV".into(),
        ..SheetGrid::default()
    };
    let mut count: u64 = 0;
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReadError::Corrupt(format!("CSV: {e}")))?;
        for (c, field) in record.iter().enumerate() {
            count += 1;
            if count > limits.max_cells {
                return Err(ReadError::OverCap(format!(
                    "more than {} cells",
                    limits.max_cells
                )));
            }
            grid.put(r as u32, c as u32, typeless(field), None);
        }
    }
    Ok(vec![grid])
}

/// SpreadsheetML 2003 (`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`).
pub fn read_spreadsheetml(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    let text = decode(bytes);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out: Vec<SheetGrid> = Vec::new();
    let (mut row, mut col, mut cell_col) = (0u32, 0u32, 0u32);
    let mut in_data: Option<(String, String)> = None; // (type, text)
    let mut formula: Option<String> = None;
    let mut count: u64 = 0;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes()
            .filter_map(Result::ok)
            .find(|a| a.key.local_name().as_ref() == name)
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
    };
    loop {
        match reader.read_event() {
            Err(e) => return Err(ReadError::Corrupt(format!("XML: {e}"))),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "Worksheet" => {
                    if out.len() >= limits.max_sheets {
                        return Err(ReadError::OverCap(format!(
                            "more than {} sheets",
                            limits.max_sheets
                        )));
                    }
                    out.push(SheetGrid {
                        name: attr(&e, "Name").unwrap_or_else(|| format!("Sheet{}", out.len() + 1)),
                        ..SheetGrid::default()
                    });
                    row = 0;
                }
                "Row" => {
                    if let Some(i) = attr(&e, "Index").and_then(|v| v.parse::<u32>().ok()) {
                        row = i.saturating_sub(1);
                    }
                    col = 0;
                }
                "Cell" => {
                    if let Some(i) = attr(&e, "Index").and_then(|v| v.parse::<u32>().ok()) {
                        col = i.saturating_sub(1);
                    }
                    formula = attr(&e, "Formula").map(|f| f.trim_start_matches('=').to_string());
                    let across = attr(&e, "MergeAcross")
                        .and_then(|v| v.parse::<u32>().ok())
                        .unwrap_or(0)
                        .min(1000);
                    let down = attr(&e, "MergeDown")
                        .and_then(|v| v.parse::<u32>().ok())
                        .unwrap_or(0)
                        .min(1000);
                    if let (Some(g), true) = (out.last_mut(), across + down > 0) {
                        g.merges.push((
                            CellRef::new(row, col),
                            CellRef::new(row + down, col + across),
                        ));
                    }
                    count += 1;
                    if count > limits.max_cells {
                        return Err(ReadError::OverCap(format!(
                            "more than {} cells",
                            limits.max_cells
                        )));
                    }
                    // The next column follows this cell's merged width.
                    cell_col = col;
                    col += across + 1;
                }
                "Data" => in_data = Some((attr(&e, "Type").unwrap_or_default(), String::new())),
                _ => {}
            },
            Ok(Event::Text(t)) => {
                if let Some((_, s)) = in_data.as_mut() {
                    s.push_str(t.as_ref());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, s)) = in_data.as_mut() {
                    let name: &str = r.as_ref();
                    s.push_str(match name {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "Data" => {
                if let (Some((kind, s)), Some(g)) = (in_data.take(), out.last_mut()) {
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
                    g.put(row, cell_col, value, formula.take());
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "Row" => row += 1,
            _ => {}
        }
    }
    Ok(out)
}
