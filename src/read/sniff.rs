//! Telling a file's format from its first bytes and, for zip packages, its part names.

use super::ReadError;
use std::io::Cursor;

pub use crate::findings::NotSheet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Html,
    SpreadsheetMl,
    Delimited,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
            Format::Html => "HTML",
            Format::SpreadsheetMl => "SpreadsheetML 2003",
            Format::Delimited => "CSV",
        }
    }

    pub fn accepts_extension(self, ext: &str) -> bool {
        match self {
            Format::Xlsx => matches!(ext, "xlsx" | "xlsm" | "xltx" | "xltm"),
            Format::Xlsb => ext == "xlsb",
            Format::Ods => matches!(ext, "ods" | "ots"),
            Format::Xls => matches!(ext, "xls" | "xlt" | "et"),
            Format::Html => matches!(ext, "html" | "htm"),
            Format::SpreadsheetMl => ext == "xml",
            Format::Delimited => matches!(ext, "csv" | "txt" | "tsv"),
        }
    }
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn sniff(bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.starts_with(OLE) {
        // An encrypted OOXML package is an OLE2 file holding an `EncryptionInfo` stream.
        if contains_utf16(bytes, "EncryptionInfo") {
            return Err(ReadError::Encrypted);
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(ZIP) {
        return zip_format(bytes);
    }
    let head = super::text_formats::decode(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.contains("urn:schemas-microsoft-com:office:spreadsheet") && head.contains("<workbook") {
        return Ok(Format::SpreadsheetMl);
    }
    if head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<table") {
        return Ok(Format::Html);
    }
    if head.starts_with("<?xml") || head.starts_with('<') {
        return Err(ReadError::NotSpreadsheet(NotSheet::Xml));
    }
    // Text: no control bytes but line ends and tabs.
    let sample = &bytes[..bytes.len().min(4096)];
    let texty = sample
        .iter()
        .all(|b| *b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'));
    // A title line may come first: a delimiter within the first lines will do.
    let delimited = head
        .lines()
        .take(10)
        .any(|l| [',', '\t', ';', '|'].iter().any(|d| l.contains(*d)));
    if texty && delimited {
        return Ok(Format::Delimited);
    }
    let what = if texty {
        NotSheet::Text
    } else {
        NotSheet::Unknown
    };
    Err(ReadError::NotSpreadsheet(what))
}

fn zip_format(bytes: &[u8]) -> Result<Format, ReadError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::damaged(super::DamagedPart::Zip, e))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("content.xml") {
        Ok(Format::Ods)
    } else if has("word/document.xml") {
        Err(ReadError::NotSpreadsheet(NotSheet::WordDocument))
    } else {
        Err(ReadError::NotSpreadsheet(NotSheet::ZipArchive))
    }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_spreadsheets() {
        assert!(matches!(sniff(b"<html><table>"), Ok(Format::Html)));
        assert!(matches!(sniff(b"a,b,c\n1,2,3\n"), Ok(Format::Delimited)));
        assert!(matches!(
            sniff(b"just words"),
            Err(ReadError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            sniff(b"<?xml version=\"1.0\"?><a/>"),
            Err(ReadError::NotSpreadsheet(_))
        ));
        let ssml = b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
        assert!(matches!(sniff(ssml), Ok(Format::SpreadsheetMl)));
        assert!(matches!(
            sniff(b"PK\x03\x04garbage"),
            Err(ReadError::Corrupt(_))
        ));
    }

    #[test]
    fn extensions() {
        assert!(Format::Xlsx.accepts_extension("xlsm"));
        assert!(!Format::Xls.accepts_extension("xlsx"));
    }
}
