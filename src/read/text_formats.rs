//! The disguised exports of hospital and government systems, read like any workbook: HTML
//! tables (`html.rs`) and CSV/text (`delimited.rs`, UTF-8 or GBK/GB18030, detected) saved as
//! `.xls`, and SpreadsheetML 2003 XML (`spreadsheetml.rs`). What they share is here: the size
//! cap, decoding, and reading a typeless cell. Through well-kept crates: html5ever, csv,
//! encoding_rs with chardetng, quick-xml. May not interpret values beyond "a plain decimal is a
//! number".

use super::limits::{Budget, Cap};
use super::{delimited, html, spreadsheetml, Format, RawValue, ReadError, SheetGrid};

/// Reads a text-format file within its budget: the size is checked before it is decoded.
pub fn read_text(
    bytes: &[u8],
    format: Format,
    budget: &mut Budget,
) -> Result<Vec<SheetGrid>, ReadError> {
    let limits = budget.limits;
    if bytes.len() as u64 > limits.max_text_bytes() {
        return Err(ReadError::OverCap(Cap::TextSize(limits.max_text_mb)));
    }
    let text = decode(bytes);
    budget.check_time()?;
    match format {
        Format::Html => html::read_html(&text, budget),
        Format::SpreadsheetMl => spreadsheetml::read_spreadsheetml(&text, budget),
        _ => delimited::read_delimited(&text, budget),
    }
}

/// Text as it comes from a typeless format: a plain decimal number is a number (the format
/// cannot say otherwise); anything else stays text and is read (and noted) like typed text.
pub fn typeless(text: &str) -> RawValue {
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

/// A cell's text over the cap of characters is an error; the count is by characters, as a
/// spreadsheet counts them.
pub fn check_field(text: &str, budget: &Budget) -> Result<(), ReadError> {
    let max = budget.limits.max_field_chars;
    // Bytes bound characters from above: most fields need no count.
    if text.len() as u64 > max && text.chars().count() as u64 > max {
        return Err(ReadError::OverCap(Cap::FieldChars(max)));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Limits;

    #[test]
    fn a_text_file_over_its_size_cap_is_not_decoded() {
        let limits = Limits {
            max_text_mb: 1,
            ..Limits::default()
        };
        let bytes = vec![b'1'; 1024 * 1024 + 1];
        assert!(matches!(
            read_text(&bytes, Format::Delimited, &mut Budget::new(&limits)),
            Err(ReadError::OverCap(Cap::TextSize(1)))
        ));
    }

    #[test]
    fn typeless_numbers_and_text() {
        assert_eq!(typeless(" 12 "), RawValue::Number(12.0));
        assert_eq!(typeless("-1.5"), RawValue::Number(-1.5));
        assert_eq!(typeless("1e5"), RawValue::Text("1e5".into()));
        assert_eq!(typeless("  "), RawValue::Empty);
    }
}
