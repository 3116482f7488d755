//! huizong's own outputs, told by content (never by name): the county workbook carries a custom
//! document property (`OWN_OUTPUT_PROPERTY`, written by report/), the explanations fill-in CSV
//! starts with its own header, and so does a workspace's board file (`review::board`, header in `model`); the `--json`
//! run report's first key is `_huizong-output`, whatever its name. A folder that holds both returns and outputs is read as returns
//! only; a feedback workbook or a blank template is a return form and is not matched here.

use std::io::Read;
use std::path::Path;

/// The custom document property report/ writes into the county workbook.
pub const OWN_OUTPUT_PROPERTY: &str = "huizong-output";

/// The fill-in CSV's header, Chinese and English (UTF-8, after the BOM).
const FILL_IN_HEADERS: &[&str] = &[
    "乡镇,报告期,规则,指标,栏目,数值,说明",
    "township,period,rule,code,column,values,explanation",
];

/// Whether `path` is an output of huizong rather than a return.
pub fn is_own_output(path: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 256];
    let Ok(n) = f.read(&mut head) else {
        return false;
    };
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") {
        return zip_has_marker(path);
    }
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    if is_run_report_head(text) {
        return true;
    }
    FILL_IN_HEADERS.iter().any(|h| text.starts_with(h)) || crate::model::is_board_head(head)
}

/// The `--json` run report: a JSON object whose first key is the marker (report::json), so any
/// name or extension it is given.
fn is_run_report_head(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('{') else {
        return false;
    };
    rest.trim_start()
        .starts_with(&format!("\"_{OWN_OUTPUT_PROPERTY}\""))
}

fn zip_has_marker(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    // The part is a few hundred bytes; a bigger one is not ours.
    let mut text = String::new();
    if part.take(64 * 1024).read_to_string(&mut text).is_err() {
        return false;
    }
    text.contains(OWN_OUTPUT_PROPERTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fill_in_csv_is_ours_a_return_csv_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ours = dir.path().join("x.csv");
        std::fs::write(
            &ours,
            "\u{feff}乡镇,报告期,规则,指标,栏目,数值,说明,状态,审核人,审核日期\n",
        )
        .expect("write");
        assert!(is_own_output(&ours));
        let theirs = dir.path().join("y.csv");
        std::fs::write(&theirs, "序号,指标代码,指标名称,计量单位,本月数,本年累计\n")
            .expect("write");
        assert!(!is_own_output(&theirs));
        assert!(!is_own_output(&dir.path().join("absent.xlsx")));
        let report = dir.path().join("report.csv");
        std::fs::write(
            &report,
            "{\n  \"_huizong-output\": \"run-report\",\n  \"anomalies\": []\n}",
        )
        .expect("write");
        assert!(is_own_output(&report));
        let other_json = dir.path().join("other.json");
        std::fs::write(&other_json, "{\"anomalies\": [], \"_huizong-output\": 1}").expect("write");
        assert!(!is_own_output(&other_json));
    }
}
