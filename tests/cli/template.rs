//! `huizong template`: 青石镇's November form, with 本年累计 carried on from October's run
//! report, is filled in here with known numbers (its sheet XML edited as a spreadsheet program
//! would save it), run through `huizong run`, and read back exactly, with no finding for the
//! file. Also: the template's validation, protection, hidden marker sheet and carried formulas,
//! and identical bytes from identical calls.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use regex::Regex;
use serde_json::Value;

use super::root;

/// November's 本月数, chosen so that every check of the form holds, on this month's figures
/// and on 本年累计 with October's (C01 = C02 + C03, A07 ≤ A06, C12 ≤ 1.05 × C01, C08 = 0…).
const MONTH: &[(&str, f64)] = &[
    ("A01", 60000.0),
    ("A02", 53000.0),
    ("A03", 28000.0),
    ("A04", 7900.0),
    ("A05", 600.0),
    ("A06", 2200.0),
    ("A07", 1600.0),
    ("A08", 600.0),
    ("A09", 470.0),
    ("A10", 250.0),
    ("A11", 200.0),
    ("B01", 10400.0),
    ("B02", 170.0),
    ("B03", 104.0),
    ("B04", 2300.0),
    ("B05", 200.55),
    ("B06", 15.0),
    ("B07", 12.0),
    ("B08", 1.75),
    ("B09", 360.5),
    ("C01", 40.0),
    ("C02", 19.0),
    ("C03", 21.0),
    ("C04", 39.0),
    ("C05", 38.0),
    ("C06", 39.0),
    ("C07", 6.0),
    ("C08", 0.0),
    ("C09", 0.0),
    ("C10", 0.0),
    ("C11", 36.0),
    ("C12", 39.0),
    ("C13", 40.0),
    ("C14", 60.0),
    ("C15", 80.0),
    ("C16", 270.0),
    ("C17", 260.0),
    ("D01", 30.0),
    ("D02", 29.0),
    ("D03", 1300.0),
    ("D04", 1250.0),
    ("D05", 6.0),
    ("D06", 330.0),
];
const FILED: &str = "2026年12月3日";

fn huizong(args: &[&str], paths: &[&Path]) -> std::process::Output {
    let out = crate::huizong_command()
        .args(args)
        .args(paths)
        .current_dir(root())
        .output()
        .expect("run huizong");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "huizong {args:?} {paths:?}: {code:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn template(out: &Path, previous: &Path) -> PathBuf {
    let args = [
        "template",
        "--period",
        "2026-11",
        "--township",
        "青石镇",
        "--config",
        "samples/huizong.toml",
        "--previous",
    ];
    huizong(&args, &[previous, Path::new("--out"), out]);
    out.join("青石镇_2026-11_报表.xlsx")
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("json")).expect("parse")
}

/// The parts of an xlsx package, by name, in package order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("part");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read part");
            (f.name().expect("part name").to_string(), data)
        })
        .collect()
}

fn text(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, data) = parts.iter().find(|(n, _)| n == name).expect(name);
    String::from_utf8(data.clone()).expect("utf-8")
}

/// Each form sheet's part name, its indicator rows (code → 1-based row) and 填报日期's row.
fn layout(bytes: &[u8]) -> Vec<(String, BTreeMap<String, u32>, u32)> {
    let mut wb = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let names = wb.sheet_names().to_vec();
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().filter(|(_, n)| *n != "_huizong") {
        let range = wb.worksheet_range(name).expect("sheet");
        let (top, left) = range.start().expect("cells");
        let (mut rows, mut filed) = (BTreeMap::new(), 0);
        for (r, c, v) in range.used_cells() {
            let (row, col) = (top + r as u32 + 1, left + c as u32);
            match (col, v) {
                (1, Data::String(s)) if MONTH.iter().any(|(k, _)| k == s) => {
                    rows.insert(s.clone(), row);
                }
                (0, Data::String(s)) if s.starts_with("填报日期") => filed = row,
                _ => {}
            }
        }
        out.push((format!("xl/worksheets/sheet{}.xml", i + 1), rows, filed));
    }
    out
}

/// Replaces the one `<c r="{cell}" …>` element with `content`, keeping its style.
fn put(xml: &mut String, cell: &str, attrs: &str, content: &str) {
    let re =
        Regex::new(&format!(r#"<c r="{cell}"( s="\d+")?[^>]*?(?:/>|>.*?</c>)"#)).expect("regex");
    assert_eq!(re.find_iter(xml).count(), 1, "cell {cell}");
    *xml = re
        .replace(xml, |c: &regex::Captures| {
            let style = c.get(1).map_or("", |m| m.as_str());
            format!(r#"<c r="{cell}"{style}{attrs}>{content}</c>"#)
        })
        .into_owned();
}

#[test]
fn a_filled_template_is_read_back_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (october, made, filled, out) = (
        dir.path().join("october.json"),
        dir.path().join("made"),
        dir.path().join("filled"),
        dir.path().join("out"),
    );
    let oct = root().join("samples/returns/2026-10");
    huizong(
        &["run", "--config", "samples/huizong.toml", "--quiet"],
        &[
            &oct,
            Path::new("--out"),
            &out,
            Path::new("--json"),
            &october,
        ],
    );
    let previous = json(&october)["townships"]["青石镇"].clone();
    let ytd_before = |code: &str| previous[code]["ytd"].as_f64();
    let made_file = template(&made, &october);
    let bytes = std::fs::read(&made_file).expect("template");
    let mut package = parts(&bytes);

    // The template's own parts.
    let workbook = text(&package, "xl/workbook.xml");
    assert!(
        Regex::new(r#"<sheet name="_huizong"[^>]*state="hidden""#)
            .expect("regex")
            .is_match(&workbook),
        "{workbook}"
    );
    let sheets = layout(&bytes);
    assert_eq!(sheets.len(), 2, "表1 and 表2");
    let a05 = sheets[0].1["A05"];
    let first = text(&package, &sheets[0].0);
    for part in ["<dataValidation ", "<sheetProtection", "<pane "] {
        assert!(first.contains(part), "{part} in {}", sheets[0].0);
    }
    let before = ytd_before("A05").expect("October's A05");
    let carried = format!(r#"<c r="F{a05}" s="\d+"><f>{before}\+E{a05}</f><v>{before}</v></c>"#);
    assert!(
        Regex::new(&carried).expect("regex").is_match(&first),
        "{carried}"
    );

    // Filled in as a statistician's spreadsheet would save it (formulas recalculated).
    let mut written: BTreeMap<String, (f64, Option<f64>)> = BTreeMap::new();
    for (part, rows, filed) in &sheets {
        let (_, data) = package.iter_mut().find(|(n, _)| n == part).expect("part");
        let mut xml = String::from_utf8(data.clone()).expect("utf-8");
        for (code, row) in rows {
            let (_, month) = MONTH.iter().find(|(k, _)| k == code).expect("value");
            put(&mut xml, &format!("E{row}"), "", &format!("<v>{month}</v>"));
            let ytd = ytd_before(code).map(|b| b + month);
            if let Some(y) = ytd {
                put(&mut xml, &format!("F{row}"), "", &format!("<v>{y}</v>"));
            }
            written.insert(code.clone(), (*month, ytd));
        }
        let inline = r#" t="inlineStr""#;
        let (first_row, filed_at) = (
            rows.values().min().copied().unwrap_or(0),
            format!("B{filed}"),
        );
        put(
            &mut xml,
            &format!("G{first_row}"),
            inline,
            "<is><t>已核</t></is>",
        );
        put(
            &mut xml,
            &filed_at,
            inline,
            &format!("<is><t>{FILED}</t></is>"),
        );
        *data = xml.into_bytes();
    }
    assert_eq!(
        written.len(),
        MONTH.len(),
        "every indicator of the form filled"
    );
    std::fs::create_dir_all(&filled).expect("mkdir");
    let name = "青石镇_2026-11_报表.xlsx";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(filled.join(name)).expect("create"));
    for (n, data) in &package {
        zip.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("finish");

    let report = dir.path().join("november.json");
    // A store of its own: the one return is read back, not compared with October's townships
    // (whose numbers the test did not choose to fit).
    let history = dir.path().join("november-history");
    huizong(
        &[
            "run",
            "--config",
            "samples/huizong.toml",
            "--period",
            "2026-11",
            "--quiet",
        ],
        &[
            &filled,
            Path::new("--out"),
            &out,
            Path::new("--json"),
            &report,
            Path::new("--history"),
            &history,
        ],
    );
    let run = json(&report);
    let ret = run["returns"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["file"] == name))
        .expect("the return");
    assert_eq!(ret["status"], "counted", "{ret}");
    assert_eq!(
        ret["template"], true,
        "a return made from the template is recognised: {ret}"
    );
    assert_eq!(ret["township"], "青石镇");
    assert_eq!(ret["filed"], "2026-12-03");
    let got = &run["townships"]["青石镇"];
    for (code, (month, ytd)) in &written {
        assert_eq!(got[code]["month"].as_f64(), Some(*month), "{code} 本月数");
        assert_eq!(got[code]["ytd"].as_f64(), *ytd, "{code} 本年累计");
    }
    let findings: Vec<&Value> = run["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .filter(|a| a["file"] == name)
        .collect();
    assert!(findings.is_empty(), "findings for the file: {findings:#?}");

    // Identical calls, at another time, give identical bytes.
    let again = template(&dir.path().join("again"), &october);
    assert_eq!(std::fs::read(again).expect("again"), bytes);
}

/// The 本年累计 formula of `code` in a template, if it has one (else the cell is to be typed).
fn ytd_formula(bytes: &[u8], code: &str) -> Option<String> {
    let mut wb = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    for name in wb.sheet_names().to_vec() {
        let range = wb.worksheet_range(&name).expect("sheet");
        let Some(row) = range
            .rows()
            .position(|r| r.get(1).is_some_and(|c| *c == code))
        else {
            continue;
        };
        let (top, _) = range.start().expect("cells");
        let formulas = wb.worksheet_formula(&name).expect("formulas");
        return formulas
            .get_value((top + row as u32, 5))
            .filter(|f| !f.is_empty())
            .cloned();
    }
    panic!("{code} not in the template")
}

/// Last month's figure with an open error (the samples' October carries injected ones) is not
/// carried forward: its 本年累计 is left to type, the others are carried, and the printed line
/// and a note in the workbook say where the figures came from and which were withheld.
#[test]
fn a_figure_with_an_open_error_is_not_carried_forward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let october = dir.path().join("october.json");
    let oct = root().join("samples/returns/2026-10");
    let out = dir.path().join("out");
    huizong(
        &["run", "--config", "samples/huizong.toml", "--quiet"],
        &[
            &oct,
            Path::new("--out"),
            &out,
            Path::new("--json"),
            &october,
        ],
    );
    let report = json(&october);
    let flagged = report["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .find(|f| {
            f["severity"] == "error"
                && f["indicator"].is_string()
                && f["column"] == "ytd"
                && report["townships"][f["township"].as_str().unwrap_or("")].is_object()
        })
        .cloned()
        .expect("an error on a 本年累计 in the samples' October");
    let (township, code, rule) = (
        flagged["township"].as_str().expect("township"),
        flagged["indicator"].as_str().expect("code"),
        flagged["rule"].as_str().expect("rule"),
    );
    let made = dir.path().join("made");
    let o = huizong(
        &[
            "template",
            "--period",
            "2026-11",
            "--township",
            township,
            "--config",
            "samples/huizong.toml",
            "--previous",
        ],
        &[&october, Path::new("--out"), &made],
    );
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        printed.contains("本年累计承自 安平县 2026-10 的运行报告 october.json")
            && printed.contains("上月有未改正错误的不承接")
            && printed.contains(&format!("{code} {rule}")),
        "{printed}"
    );
    let bytes = std::fs::read(made.join(format!("{township}_2026-11_报表.xlsx"))).expect("made");
    assert_eq!(ytd_formula(&bytes, code), None, "{code} must be typed in");
    // Another flow of the same township, with no error, is carried: `=before+E<row>`.
    let clean = report["townships"][township]
        .as_object()
        .expect("figures")
        .iter()
        .find(|(c, v)| {
            v["ytd"].is_number()
                && !report["anomalies"]
                    .as_array()
                    .expect("list")
                    .iter()
                    .any(|f| {
                        f["township"] == township
                            && f["indicator"] == c.as_str()
                            && f["severity"] == "error"
                    })
        })
        .map(|(c, v)| (c.clone(), v["ytd"].as_f64().expect("ytd")))
        .expect("a clean flow");
    let formula = ytd_formula(&bytes, &clean.0).expect("carried");
    assert!(formula.starts_with(&format!("{}+E", clean.1)), "{formula}");
    let all = parts(&bytes);
    let note = all
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, d)| String::from_utf8_lossy(d).to_string())
        .collect::<String>();
    assert!(
        note.contains("本年累计承自") && note.contains(&format!("{code} {rule}")),
        "{note}"
    );
}

/// In a workspace the template carries 本年累计 from the ledger: last month's version that counts
/// (the accepted one, else the latest), never a figure an error was found on in it, and it says
/// which version it used; a township with no return last month types them in. The samples'
/// October goes in through the inbox; one township whose injected findings are all warnings is
/// accepted. Which townships, codes and figures: the generator's (samples/expected.json).
#[test]
fn in_a_workspace_the_template_carries_the_ledgers_counted_version() {
    let exp = super::expected();
    let oct = &exp["months"]["2026-10"];
    let config = huizong::config::Config::load(&root().join("samples/huizong.toml")).expect("cfg");
    let severity = |rule: &str| {
        config
            .checks
            .iter()
            .find(|c| c.id.get_ref() == rule)
            .map(|c| c.severity)
    };
    let counted: Vec<&Value> = oct["returns"]
        .as_array()
        .expect("returns")
        .iter()
        .filter(|r| r["status"] == "counted")
        .collect();
    let rules_of = |r: &Value| -> Vec<String> {
        r["injected"]
            .as_array()
            .expect("injected")
            .iter()
            .map(|i| {
                i.as_str()
                    .expect("text")
                    .split(' ')
                    .next()
                    .expect("rule")
                    .to_string()
            })
            .collect()
    };
    // Accepted: a township with one file whose injected findings are warnings only.
    let once = |t: &str| {
        oct["returns"]
            .as_array()
            .expect("r")
            .iter()
            .filter(|r| r["township"] == t)
            .count()
            == 1
    };
    let accepted = counted
        .iter()
        .find(|r| {
            once(r["township"].as_str().expect("t"))
                && rules_of(r)
                    .iter()
                    .all(|rule| severity(rule) == Some(huizong::model::Severity::Warning))
        })
        .map(|r| r["township"].as_str().expect("township").to_string())
        .expect("a township with warnings only");
    // An error on a 本年累计 (R10 and the like), from the findings the generator expects.
    let flagged = oct["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["column"] == "ytd"
                && f["secondary"].is_null()
                && severity(f["rule"].as_str().expect("rule"))
                    == Some(huizong::model::Severity::Error)
                && once(f["township"].as_str().expect("t"))
        })
        .expect("an error on a 本年累计");
    let (t_err, code_err, rule_err) = (
        flagged["township"].as_str().expect("t"),
        flagged["code"].as_str().expect("code"),
        flagged["rule"].as_str().expect("rule"),
    );
    let missing = oct["missing"][0].as_str().expect("a township missing");

    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("安平县");
    let cfg = root().join("samples/huizong.toml");
    huizong(&["init"], &[&ws, Path::new("--config"), &cfg]);
    let inbox = ws.join("收件箱");
    for r in &counted {
        let name = r["file"].as_str().expect("file");
        std::fs::copy(
            root().join("samples/returns/2026-10").join(name),
            inbox.join(name),
        )
        .expect("drop");
    }
    huizong(&["watch", "--once", "--workspace"], &[&ws]);
    let o = huizong(
        &["accept", &accepted, "--period", "2026-10", "--workspace"],
        &[&ws],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let made = dir.path().join("made");
    let o = huizong(
        &["template", "--period", "2026-11", "--workspace"],
        &[&ws, Path::new("--out"), &made],
    );
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    let line = |t: &str| {
        printed
            .lines()
            .find(|l| l.contains(&format!("{t}_2026-11_报表.xlsx")))
            .unwrap_or_else(|| panic!("{t} not made:\n{printed}"))
            .to_string()
    };
    assert!(
        line(&accepted).contains("本年累计承自 2026-10 第1版（已通过）"),
        "{printed}"
    );
    let l = line(t_err);
    assert!(
        l.contains("本年累计承自 2026-10 第1版（最新版，尚未通过）")
            && l.contains("上月有未改正错误的不承接")
            && l.contains(&format!("{code_err} {rule_err}")),
        "{l}"
    );
    assert!(
        line(missing).contains("2026-10 未收到此乡镇的报表"),
        "{printed}"
    );

    // The figures: withheld where the error was, the generator's 本年累计 elsewhere.
    let bytes = |t: &str| std::fs::read(made.join(format!("{t}_2026-11_报表.xlsx"))).expect("made");
    assert_eq!(
        ytd_formula(&bytes(t_err), code_err),
        None,
        "{code_err} must be typed in"
    );
    let erred = |t: &str, code: &str| {
        oct["findings"].as_array().expect("f").iter().any(|f| {
            f["township"] == t
                && f["code"] == code
                && severity(f["rule"].as_str().expect("rule"))
                    == Some(huizong::model::Severity::Error)
        })
    };
    for t in [accepted.as_str(), t_err] {
        let (code, ytd) = oct["values"][t]
            .as_object()
            .expect("values")
            .iter()
            .find(|(c, v)| v["ytd"].is_number() && !erred(t, c))
            .map(|(c, v)| (c.clone(), v["ytd"].as_f64().expect("ytd")))
            .expect("a clean flow");
        let formula = ytd_formula(&bytes(t), &code).expect("carried");
        assert!(
            formula.starts_with(&format!("{ytd}+E")),
            "{t} {code}: {formula}"
        );
    }
    assert!(!bytes(missing).is_empty());
    let note: String = parts(&bytes(&accepted))
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, d)| String::from_utf8_lossy(d).to_string())
        .collect();
    assert!(note.contains("第1版（已通过）"), "{note}");
}
