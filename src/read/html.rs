//! HTML tables (a "web page" export saved as `.xls`) → [`SheetGrid`]s, every `<table>` a sheet
//! in the order its start tag comes, colspan/rowspan merged regions.
//!
//! Read from html5ever's tokenizer, not a DOM: a tree builder allocates a node per element and
//! can multiply them (misnested formatting elements are re-opened again and again), with no cap
//! of its own. The tokenizer is one pass; the table state here is a stack of open tables, each
//! with its open row and cell, every step counted against the [`Budget`] before anything is
//! kept. Spans count toward the cell cap and are clamped to the kept grid before allocating.
//! May not interpret values (see `text_formats::typeless`).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::limits::{Budget, Cap};
use super::text_formats::typeless;
use super::{ReadError, SheetGrid, MAX_COLS, MAX_ROWS};
use crate::model::CellRef;

/// Bytes of text handed to the tokenizer at a time: the budget is looked at between pieces, so
/// work inside the tokenizer that the sink cannot see (one tag's attributes) stays short.
const PIECE: usize = 1024;

/// Every `<table>` of an HTML page is a sheet; colspan/rowspan become merged regions.
pub fn read_html(text: &str, budget: &mut Budget) -> Result<Vec<SheetGrid>, ReadError> {
    let max_attributes = budget.limits.max_attributes;
    if most_attributes(text.as_bytes()) > max_attributes {
        return Err(ReadError::OverCap(Cap::Attributes(max_attributes)));
    }
    let sink = Sink {
        state: RefCell::new(Tables::new(*budget)),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(PIECE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, after) = rest.split_at(cut);
        rest = after;
        queue.push_back(StrTendril::from_slice(piece));
        let _ = tokenizer.feed(&queue);
        let state = tokenizer.sink.state.borrow();
        if state.error.is_some() {
            break;
        }
        if let Err(e) = state.budget.check_time() {
            drop(state);
            tokenizer.sink.state.borrow_mut().error = Some(e);
            break;
        }
    }
    let mut state = tokenizer.sink.state.into_inner();
    if state.error.is_none() {
        state.close_all();
    }
    *budget = state.budget;
    match state.error {
        Some(e) => Err(e),
        None => Ok(state.sheets.into_iter().flatten().collect()),
    }
}

/// Where a scan of tags stands: html5ever's tag states, reduced to what counts attributes.
#[derive(Clone, Copy, PartialEq)]
enum Scan {
    Data,
    /// After `</`.
    EndOpen,
    TagName,
    BeforeName,
    Name,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
}

/// The most attributes one tag has, by a linear scan that follows the tokenizer's tag states:
/// html5ever looks for a duplicate among all of a tag's attributes as each one ends, so one tag
/// with very many costs quadratic time where nothing outside the tokenizer can see it. The scan
/// takes every `<` + letter for a tag (also inside comments and scripts), so it counts at least
/// as many; what it could still miss, the time budget catches.
fn most_attributes(bytes: &[u8]) -> u64 {
    let (mut state, mut count, mut most) = (Scan::Data, 0u64, 0u64);
    for (i, &b) in bytes.iter().enumerate() {
        let space = b.is_ascii_whitespace();
        state = match (state, b) {
            (Scan::Data, b'<') => {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                count = 0;
                if next.is_ascii_alphabetic() {
                    Scan::TagName
                } else if next == b'/' {
                    Scan::EndOpen
                } else {
                    Scan::Data
                }
            }
            (Scan::Data, _) => Scan::Data,
            (Scan::Quoted(q), b) if b == q => Scan::BeforeName,
            (Scan::Quoted(q), _) => Scan::Quoted(q),
            (_, b'>') => Scan::Data,
            (Scan::EndOpen, _) => Scan::TagName,
            (Scan::TagName, b'/') => Scan::BeforeName,
            (Scan::TagName, _) if space => Scan::BeforeName,
            (Scan::TagName, _) => Scan::TagName,
            (Scan::BeforeName, b'/') => Scan::BeforeName,
            (Scan::BeforeName | Scan::AfterName, _) if space => state,
            (Scan::AfterName, b'/') => Scan::BeforeName,
            (Scan::AfterName | Scan::Name, b'=') => Scan::BeforeValue,
            (Scan::BeforeName | Scan::AfterName, _) => {
                count += 1;
                most = most.max(count);
                Scan::Name
            }
            (Scan::Name, b'/') => Scan::BeforeName,
            (Scan::Name, _) if space => Scan::AfterName,
            (Scan::Name, _) => Scan::Name,
            (Scan::BeforeValue, _) if space => Scan::BeforeValue,
            (Scan::BeforeValue, b'"' | b'\'') => Scan::Quoted(b),
            (Scan::BeforeValue, _) => Scan::Unquoted,
            (Scan::Unquoted, _) if space => Scan::BeforeName,
            (Scan::Unquoted, _) => Scan::Unquoted,
        };
    }
    most
}

struct Sink {
    state: RefCell<Tables>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.error.is_some() {
            return TokenSinkResult::Continue;
        }
        match state.token(token) {
            Ok(next) => next,
            Err(e) => {
                state.error = Some(e);
                TokenSinkResult::Continue
            }
        }
    }
}

/// A cell being read: where it sits, its spans and its text so far.
struct OpenCell {
    row: u64,
    col: u64,
    text: String,
    chars: u64,
}

/// A table being read.
struct OpenTable {
    /// Its place among the sheets (start-tag order).
    slot: usize,
    grid: SheetGrid,
    /// The row being read, if one is open; the next row's index.
    row: Option<u64>,
    next_row: u64,
    col: u64,
    cell: Option<OpenCell>,
    /// Kept-grid positions covered by a rowspan from above (MAX_ROWS × MAX_COLS, made on the
    /// first span): spans reaching beyond the kept grid are counted, never stored.
    covered: Vec<bool>,
}

struct Tables {
    budget: Budget,
    sheets: Vec<Option<SheetGrid>>,
    open: Vec<OpenTable>,
    cells: u64,
    nodes: u64,
    merges: u64,
    /// Inside `<script>`, `<style>`…: the end tag that ends it.
    raw: Option<String>,
    error: Option<ReadError>,
}

fn attr_span(tag: &Tag, name: &str, max: u64) -> u64 {
    // As browsers read a span: leading digits; 0, junk or missing → 1; capped as the HTML
    // standard caps it (colspan 1000, rowspan 65534).
    let value = tag
        .attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.trim_start());
    let digits: String = value
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse::<u64>().unwrap_or(1).clamp(1, max)
}

impl Tables {
    fn new(budget: Budget) -> Self {
        Self {
            budget,
            sheets: Vec::new(),
            open: Vec::new(),
            cells: 0,
            nodes: 0,
            merges: 0,
            raw: None,
            error: None,
        }
    }

    fn token(&mut self, token: Token) -> Result<TokenSinkResult<()>, ReadError> {
        self.budget.step()?;
        match token {
            Token::TagToken(tag) => return self.tag(tag),
            Token::CharacterTokens(text) if self.raw.is_none() => self.text(&text)?,
            Token::EOFToken => self.close_all(),
            _ => {}
        }
        Ok(TokenSinkResult::Continue)
    }

    fn tag(&mut self, tag: Tag) -> Result<TokenSinkResult<()>, ReadError> {
        // The tokenizer gives tag and attribute names in lower case.
        let name = tag.name.to_string();
        if tag.kind == TagKind::EndTag {
            if self.raw.as_deref() == Some(name.as_str()) {
                self.raw = None;
            }
            if self.raw.is_none() {
                self.end_tag(&name)?;
            }
            return Ok(TokenSinkResult::Continue);
        }
        if self.raw.is_some() {
            return Ok(TokenSinkResult::Continue);
        }
        self.nodes += 1;
        if self.nodes > self.budget.limits.max_nodes {
            return Err(ReadError::OverCap(Cap::Nodes(self.budget.limits.max_nodes)));
        }
        // Elements whose content the tokenizer must read as text, as a tree builder tells it.
        let raw = match name.as_str() {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
            "textarea" | "title" => Some(RawKind::Rcdata),
            "plaintext" => {
                self.raw = Some(name);
                return Ok(TokenSinkResult::Plaintext);
            }
            _ => None,
        };
        if let Some(kind) = raw.filter(|_| !tag.self_closing) {
            self.raw = Some(name);
            return Ok(TokenSinkResult::RawData(kind));
        }
        match name.as_str() {
            "table" => self.open_table()?,
            "tr" => {
                if let Some(t) = self.open.last_mut() {
                    close_cell(t, &mut self.budget)?;
                    t.row = Some(t.next_row);
                    t.next_row += 1;
                    t.col = 0;
                }
            }
            "td" | "th" => self.open_cell(&tag)?,
            _ => {}
        }
        Ok(TokenSinkResult::Continue)
    }

    fn end_tag(&mut self, name: &str) -> Result<(), ReadError> {
        match name {
            "table" => {
                if let Some(t) = self.open.pop() {
                    self.finish(t)?;
                }
            }
            "tr" => {
                if let Some(t) = self.open.last_mut() {
                    close_cell(t, &mut self.budget)?;
                    t.row = None;
                }
            }
            "td" | "th" => {
                if let Some(t) = self.open.last_mut() {
                    close_cell(t, &mut self.budget)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_table(&mut self) -> Result<(), ReadError> {
        let limits = self.budget.limits;
        if self.open.len() as u64 >= limits.max_depth {
            return Err(ReadError::OverCap(Cap::Depth(limits.max_depth)));
        }
        if self.sheets.len() >= limits.max_sheets {
            return Err(ReadError::OverCap(Cap::Sheets(limits.max_sheets as u64)));
        }
        let slot = self.sheets.len();
        self.sheets.push(None);
        self.open.push(OpenTable {
            slot,
            grid: SheetGrid {
                name: format!("表格{}", slot + 1),
                ..SheetGrid::default()
            },
            row: None,
            next_row: 0,
            col: 0,
            cell: None,
            covered: Vec::new(),
        });
        Ok(())
    }

    fn open_cell(&mut self, tag: &Tag) -> Result<(), ReadError> {
        let limits = self.budget.limits;
        let Some(t) = self.open.last_mut() else {
            return Ok(());
        };
        close_cell(t, &mut self.budget)?;
        // A cell outside any row opens one, as a browser does.
        let row = match t.row {
            Some(r) => r,
            None => {
                t.row = Some(t.next_row);
                t.next_row += 1;
                t.next_row - 1
            }
        };
        while is_covered(&t.covered, row, t.col) {
            t.col += 1;
        }
        let (cs, rs) = (
            attr_span(tag, "colspan", 1000),
            attr_span(tag, "rowspan", 65_534),
        );
        // Every cell a span covers counts, as a dense reader would hold it.
        self.cells = self.cells.saturating_add(cs * rs);
        if self.cells > limits.max_cells {
            return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
        }
        if t.col + cs > limits.max_row_cells {
            return Err(ReadError::OverCap(Cap::RowCells(limits.max_row_cells)));
        }
        let col = t.col;
        if cs > 1 || rs > 1 {
            add_span(t, row, col, rs, cs);
            if row < u64::from(MAX_ROWS) && col < u64::from(MAX_COLS) {
                self.merges += 1;
                if self.merges > limits.max_merges {
                    return Err(ReadError::OverCap(Cap::Merges(limits.max_merges)));
                }
            }
        }
        t.col += cs;
        t.cell = Some(OpenCell {
            row,
            col,
            text: String::new(),
            chars: 0,
        });
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), ReadError> {
        let max = self.budget.limits.max_field_chars;
        if let Some(cell) = self.open.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.chars += text.chars().count() as u64;
            if cell.chars > max {
                return Err(ReadError::OverCap(Cap::FieldChars(max)));
            }
            cell.text.push_str(text);
        }
        Ok(())
    }

    fn finish(&mut self, mut t: OpenTable) -> Result<(), ReadError> {
        close_cell(&mut t, &mut self.budget)?;
        self.sheets[t.slot] = Some(t.grid);
        Ok(())
    }

    /// The end of the page closes what is open.
    fn close_all(&mut self) {
        while let Some(t) = self.open.pop() {
            if let Err(e) = self.finish(t) {
                self.error = Some(e);
                return;
            }
        }
    }
}

fn is_covered(covered: &[bool], row: u64, col: u64) -> bool {
    row < u64::from(MAX_ROWS)
        && col < u64::from(MAX_COLS)
        && covered
            .get((row * u64::from(MAX_COLS) + col) as usize)
            .copied()
            .unwrap_or(false)
}

/// Records a span's merged region and the cells it covers below, clamped to the kept grid.
fn add_span(t: &mut OpenTable, row: u64, col: u64, rs: u64, cs: u64) {
    let (rows, cols) = (u64::from(MAX_ROWS), u64::from(MAX_COLS));
    if row >= rows || col >= cols {
        return;
    }
    let last_row = (row + rs - 1).min(rows - 1);
    let last_col = (col + cs - 1).min(cols - 1);
    t.grid.merges.push((
        CellRef::new(row as u32, col as u32),
        CellRef::new(last_row as u32, last_col as u32),
    ));
    if rs > 1 {
        if t.covered.is_empty() {
            t.covered = vec![false; (rows * cols) as usize];
        }
        for r in row + 1..=last_row {
            for c in col..=last_col {
                t.covered[(r * cols + c) as usize] = true;
            }
        }
    }
}

fn close_cell(t: &mut OpenTable, budget: &mut Budget) -> Result<(), ReadError> {
    if let Some(cell) = t.cell.take() {
        budget.step()?;
        if cell.row < u64::from(MAX_ROWS) && cell.col < u64::from(MAX_COLS) {
            let value = typeless(&cell.text);
            t.grid.put(cell.row as u32, cell.col as u32, value, None);
        } else {
            t.grid.cells_beyond += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, RawValue};

    fn read(html: &str) -> Result<Vec<SheetGrid>, ReadError> {
        read_html(html, &mut Budget::new(&Limits::default()))
    }

    #[test]
    fn tables_rows_cells_and_spans() {
        let sheets = read(
            "<html><body><table><tr><td rowspan=2>a</td><td colspan='2'>b &amp; c</td></tr>\
             <tr><td>1</td><td>2</td></tr></table><table><td>x</table>",
        )
        .expect("read");
        assert_eq!(sheets.len(), 2);
        let g = &sheets[0];
        assert_eq!(
            g.get(0, 0).map(|c| &c.value),
            Some(&RawValue::Text("a".into()))
        );
        assert_eq!(
            g.get(0, 1).map(|c| &c.value),
            Some(&RawValue::Text("b & c".into()))
        );
        // Row 2's first cell is pushed right by the rowspan from above.
        assert_eq!(g.get(1, 1).map(|c| &c.value), Some(&RawValue::Number(1.0)));
        assert_eq!(g.get(1, 2).map(|c| &c.value), Some(&RawValue::Number(2.0)));
        assert_eq!(
            g.merges,
            vec![
                (CellRef::new(0, 0), CellRef::new(1, 0)),
                (CellRef::new(0, 1), CellRef::new(0, 2))
            ]
        );
        assert_eq!(sheets[1].name, "表格2");
        assert_eq!(
            sheets[1].get(0, 0).map(|c| &c.value),
            Some(&RawValue::Text("x".into()))
        );
    }

    #[test]
    fn script_text_is_not_a_cell() {
        let sheets =
            read("<table><tr><td><script>var t='<td>no</td>'</script>yes</td></tr></table>")
                .expect("read");
        assert_eq!(
            sheets[0].get(0, 0).map(|c| &c.value),
            Some(&RawValue::Text("yes".into()))
        );
        assert_eq!(sheets[0].cells.len(), 1);
    }

    #[test]
    fn huge_spans_count_toward_the_cell_cap_before_allocating() {
        let cell = r#"<td rowspan="60000" colspan="16000">x</td>"#;
        let html = format!("<table><tr>{}</tr></table>", cell.repeat(300));
        assert!(matches!(
            read(&html),
            Err(ReadError::OverCap(Cap::Cells(_)))
        ));
    }

    #[test]
    fn spans_within_the_cap_are_clamped_to_the_kept_grid() {
        let html = r#"<table><tr><td rowspan="3000" colspan="900">x</td><td>y</td></tr></table>"#;
        let sheets = read(html).expect("read");
        let g = &sheets[0];
        assert_eq!(
            g.merges,
            vec![(CellRef::new(0, 0), CellRef::new(MAX_ROWS - 1, MAX_COLS - 1))]
        );
        // y lies beyond the kept columns: counted, not held.
        assert_eq!(g.cells.len(), 1);
        assert_eq!(g.cells_beyond, 1);
    }

    #[test]
    fn deep_tables_and_many_elements_are_over_a_cap() {
        let limits = Limits {
            max_sheets: 1000,
            ..Limits::default()
        };
        assert!(matches!(
            read_html(&"<table><tr><td>".repeat(300), &mut Budget::new(&limits)),
            Err(ReadError::OverCap(Cap::Depth(256)))
        ));
        assert!(matches!(
            read(&"<table><tr><td>".repeat(300)),
            Err(ReadError::OverCap(Cap::Sheets(100)))
        ));
        let limits = Limits {
            max_nodes: 1000,
            ..Limits::default()
        };
        assert!(matches!(
            read_html(&"<b>".repeat(1001), &mut Budget::new(&limits)),
            Err(ReadError::OverCap(Cap::Nodes(1000)))
        ));
    }

    #[test]
    fn long_fields_and_wide_rows_are_over_a_cap() {
        let long = format!("<table><tr><td>{}</td></tr></table>", "字".repeat(40_000));
        assert!(matches!(
            read(&long),
            Err(ReadError::OverCap(Cap::FieldChars(32_767)))
        ));
        let wide = format!("<table><tr>{}</tr></table>", "<td colspan=1000>".repeat(17));
        assert!(matches!(
            read(&wide),
            Err(ReadError::OverCap(Cap::RowCells(16_384)))
        ));
    }

    #[test]
    fn attributes_are_counted_as_the_tokenizer_reads_them() {
        assert_eq!(most_attributes(br#"<td a b=1 c='x y' d="1>2" e/f>"#), 6);
        assert_eq!(most_attributes(b"<p>a < b, 3<4 </p>"), 0);
        let flood = format!("<table><tr><td{}>x</td></tr></table>", " a".repeat(1001));
        assert!(matches!(
            read(&flood),
            Err(ReadError::OverCap(Cap::Attributes(1000)))
        ));
    }

    #[test]
    fn misnested_formatting_costs_no_more_than_its_tokens() {
        // A tree builder re-opens each <b> for every <p>: quadratic nodes. Tokens stay linear.
        let html = format!(
            "<table><tr><td>{}{}</td></tr></table>",
            (0..2000).map(|i| format!("<b id={i}>")).collect::<String>(),
            "<p>x</p>".repeat(2000)
        );
        let sheets = read(&html).expect("read");
        assert_eq!(
            sheets[0].get(0, 0).map(|c| &c.value),
            Some(&RawValue::Text("x".repeat(2000)))
        );
    }
}
