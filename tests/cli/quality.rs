//! Data quality, anomaly links, finding counts and corrections between copies, on the October
//! samples: the 数据质量, 异常清单, 异常统计 and 修改对比 sheets and the run report's `quality`
//! and `corrections`, against `samples/expected.json` and the returns themselves.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use regex::Regex;
use serde_json::Value;

use super::{expected, num, root, run_month, sheet};

const MONTH: &str = "2026-10";
/// Returns are due by the 5th of the next month (`deadline_day` in samples/huizong.toml).
const DUE: &str = "2026-11-05";

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The rows of a sheet whose first cell is `label`.
fn row_of(range: &calamine::Range<Data>, label: &str) -> Vec<Data> {
    range
        .rows()
        .find(|r| text(r.first()) == label)
        .unwrap_or_else(|| panic!("no row {label}"))
        .to_vec()
}

/// A part of the workbook's zip package, as text.
fn part(workbook: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(workbook).expect("open")).expect("zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name}"))
        .read_to_string(&mut text)
        .expect("read");
    text
}

/// `xl/worksheets/sheetN.xml` of the sheet called `name` (sheets are numbered in order).
fn sheet_part(workbook: &Path, name: &str) -> String {
    let wb = part(workbook, "xl/workbook.xml");
    let names = Regex::new(r#"<sheet name="([^"]*)""#).expect("regex");
    let i = names
        .captures_iter(&wb)
        .position(|c| &c[1] == name)
        .unwrap_or_else(|| panic!("no sheet {name}"));
    format!("sheet{}.xml", i + 1)
}

/// The counted returns of October in the generator's own list: (township, filed).
fn counted() -> BTreeMap<String, String> {
    let exp = expected();
    exp["months"][MONTH]["returns"]
        .as_array()
        .expect("returns")
        .iter()
        .filter(|r| r["status"] == "counted")
        .map(|r| {
            (
                r["township"].as_str().unwrap_or("").to_string(),
                r["filed"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn data_quality_figures_of_october() {
    let run = run_month(MONTH, &[]);
    let counted = counted();
    let roster: Vec<String> = expected()["roster"]
        .as_array()
        .expect("roster")
        .iter()
        .map(|t| t[0].as_str().unwrap_or("").to_string())
        .collect();
    // One township of the roster sent nothing in October (the generator's `missing`).
    let missing = expected()["months"][MONTH]["missing"]
        .as_array()
        .map_or(0, |m| m.len());
    assert_eq!(roster.len(), counted.len() + missing);
    assert!(missing > 0, "the samples leave a township out in {MONTH}");
    let (received, on_roster) = (counted.len(), roster.len());
    let dq = sheet(&run.workbook, "数据质量");
    for t in &roster {
        let row = row_of(&dq, t);
        match counted.get(t) {
            Some(filed) => {
                assert_eq!(text(row.get(1)), "是", "{t} received");
                assert_eq!(text(row.get(3)), *filed, "{t} filed");
                let on_time = if filed.as_str() <= DUE { "是" } else { "否" };
                assert_eq!(text(row.get(4)), on_time, "{t} on time");
            }
            None => {
                assert_eq!(t, "北关镇");
                assert_eq!(text(row.get(1)), "否", "{t} received");
                assert_eq!(num(row.get(8)), Some(0.0), "{t} completeness");
            }
        }
    }
    let on_time = counted.values().filter(|f| f.as_str() <= DUE).count();
    // The samples file some returns late, so timeliness is below 100%.
    assert!(
        0 < on_time && on_time < received,
        "the samples' filing dates"
    );
    let county = row_of(&dq, "全县");
    assert_eq!(text(county.get(1)), format!("{received} / {on_roster}"));
    assert_eq!(text(county.get(4)), format!("{on_time} / {received}"));
    let completeness = num(county.get(8)).expect("completeness");
    let share = received as f64 / on_roster as f64;
    assert!((completeness - share).abs() < 1e-9, "{completeness}");
    assert_eq!(
        format!("{:.1}", completeness * 100.0),
        format!("{:.1}", share * 100.0)
    );
    let timeliness = num(county.get(9)).expect("timeliness");
    assert!((timeliness - on_time as f64 / received as f64).abs() < 1e-9);
    // Required cells: every indicator's 本月数 and every flow's 本年累计, in each counted return;
    // the blank required cells of the samples (R14) are the ones not filled.
    let e = &expected()["months"][MONTH];
    let totals = e["totals"].as_object().expect("totals");
    let per_return = totals.len() + totals.values().filter(|t| !t["ytd"].is_null()).count();
    let blanks = e["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "R14")
        .count();
    assert!(blanks > 0, "the samples leave required cells blank (R14)");
    let den = received * per_return;
    assert_eq!(num(county.get(6)), Some(den as f64), "required cells");
    assert_eq!(num(county.get(5)), Some((den - blanks) as f64), "filled");
    // Errors by township agree with the findings listed for it.
    let anomalies = run.json["anomalies"].as_array().expect("anomalies");
    for t in &roster {
        let errors = anomalies
            .iter()
            .filter(|a| a["township"] == t.as_str() && a["severity"] == "error")
            .count();
        assert_eq!(
            num(row_of(&dq, t).get(10)),
            Some(errors as f64),
            "{t} errors"
        );
    }
    // The same figures in the run report, held against the default targets.
    let q = &run.json["quality"];
    assert_eq!(q["completeness"]["num"], received);
    assert_eq!(q["completeness"]["den"], on_roster);
    assert_eq!(q["completeness"]["met"], true);
    assert_eq!(q["timeliness"]["num"], on_time);
    assert_eq!(q["timeliness"]["target"], 0.75);
    assert_eq!(
        q["timeliness"]["met"],
        on_time as f64 / received as f64 >= 0.75
    );
    let legend = text(dq.get((1, 0)));
    assert!(legend.contains("90%") && legend.contains("75%"), "{legend}");
}

#[test]
fn quality_targets_come_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = std::fs::read_to_string(root().join("samples/huizong.toml")).expect("toml");
    let config = dir.path().join("huizong.toml");
    std::fs::write(&config, format!("{sample}\n[quality]\ntimeliness = 0.6\n")).expect("write");
    let (_, json) = run_folder(
        &root().join("samples/returns").join(MONTH),
        &config,
        dir.path(),
    );
    assert_eq!(json["quality"]["timeliness"]["target"], 0.6);
    let counted = counted();
    let on_time = counted.values().filter(|f| f.as_str() <= DUE).count();
    assert_eq!(
        json["quality"]["timeliness"]["met"],
        on_time as f64 / counted.len() as f64 >= 0.6,
        "{on_time} of {} on time against 60%",
        counted.len()
    );
    assert_eq!(json["quality"]["completeness"]["target"], 0.9);
}

#[test]
fn anomaly_rows_link_to_their_cells_in_the_returns() {
    let run = run_month(MONTH, &[]);
    let list = sheet(&run.workbook, "异常清单");
    let xml = part(
        &run.workbook,
        &format!("xl/worksheets/{}", sheet_part(&run.workbook, "异常清单")),
    );
    let rels = part(
        &run.workbook,
        &format!(
            "xl/worksheets/_rels/{}.rels",
            sheet_part(&run.workbook, "异常清单")
        ),
    );
    let links = Regex::new(r#"<hyperlink ref="K(\d+)" r:id="(rId\d+)"(?: location="([^"]*)")?"#)
        .expect("regex");
    let links: BTreeMap<u32, (String, String)> = links
        .captures_iter(&xml)
        .map(|c| {
            (
                c[1].parse().expect("row"),
                (
                    c[2].to_string(),
                    c.get(3).map_or("", |m| m.as_str()).replace("&apos;", "'"),
                ),
            )
        })
        .collect();
    let target = |id: &str| {
        let re = Regex::new(&format!(
            r#"Id="{id}" [^>]*Target="([^"]*)" TargetMode="External""#
        ))
        .expect("regex");
        re.captures(&rels)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("no target {id}"))
    };
    let folder = root().join("samples/returns").join(MONTH);
    let folder = folder.to_str().expect("utf-8").replace('\\', "/");
    let severities = ["错误", "警示", "核实", "提示", "记录"];
    let mut last = 0;
    let mut cells = 0;
    for (i, row) in list.rows().enumerate().skip(4) {
        let excel_row = i as u32 + 1;
        // Severity first, in order.
        let sev = severities
            .iter()
            .position(|s| text(row.first()) == *s)
            .expect("severity");
        assert!(sev >= last, "row {excel_row}: severities out of order");
        last = sev;
        let (file, sheet, cell) = (text(row.get(5)), text(row.get(6)), text(row.get(7)));
        if cell.is_empty() {
            continue;
        }
        cells += 1;
        assert_eq!(text(row.get(10)), format!("{sheet}!{cell}"), "link text");
        let (id, location) = links
            .get(&excel_row)
            .unwrap_or_else(|| panic!("row {excel_row}: no link"));
        assert_eq!(*location, format!("'{sheet}'!{cell}"), "row {excel_row}");
        let t = target(id);
        assert!(
            t.starts_with('/') || t.starts_with("file:///"),
            "absolute: {t}"
        );
        assert!(
            t.ends_with(&format!("{folder}/{}", file.replace(' ', "%20"))),
            "{t} is not {folder}/{file}"
        );
    }
    assert!(cells >= 20, "{cells} findings with a cell");
    // The first injected R01 of the month, where the generator put it.
    let exp = expected();
    let injected = exp["months"][MONTH]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "R01")
        .expect("an injected R01");
    let (file, sheet_name, cell) = (
        injected["file"].as_str().unwrap_or(""),
        injected["sheet"].as_str().unwrap_or(""),
        injected["cell"].as_str().unwrap_or(""),
    );
    let r01 = list
        .rows()
        .position(|r| text(r.get(1)) == "R01" && text(r.get(5)) == file)
        .expect("R01 row") as u32
        + 1;
    assert_eq!(links[&r01].1, format!("'{sheet_name}'!{cell}"));
    assert_eq!(
        text(list.get(((r01 - 1) as usize, 10))),
        format!("{sheet_name}!{cell}"),
        "link text"
    );
    // The explanation columns are there (no explanations in the samples).
    assert_eq!(text(list.get((3, 11))), "说明状态");
    assert_eq!(text(list.get((3, 12))), "审核说明");
}

#[test]
fn finding_counts_add_up_to_the_findings() {
    let run = run_month(MONTH, &[]);
    let counts = sheet(&run.workbook, "异常统计");
    let anomalies = run.json["anomalies"].as_array().expect("anomalies");
    let n = anomalies.len() as f64;
    assert!(n > 30.0, "{n}");
    let mut by_rule: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_township: BTreeMap<String, f64> = BTreeMap::new();
    for a in anomalies {
        *by_rule
            .entry(a["rule"].as_str().unwrap_or("").into())
            .or_default() += 1.0;
        *by_township
            .entry(a["township"].as_str().unwrap_or("其他文件").into())
            .or_default() += 1.0;
    }
    // Left: rule × severity, total in column G; right: township × severity, from column I.
    let mut rules_seen = 0;
    let mut townships_seen = 0;
    for row in counts.rows().skip(4) {
        let rule = text(row.first());
        if rule == "合计" {
            assert_eq!(num(row.get(6)), Some(n), "rule table total");
            let by_sev: f64 = (1..=5).filter_map(|c| num(row.get(c))).sum();
            assert_eq!(by_sev, n, "rule table by severity");
        } else if !rule.is_empty() {
            assert_eq!(num(row.get(6)), by_rule.get(&rule).copied(), "{rule}");
            rules_seen += 1;
        }
        let township = text(row.get(8));
        if township == "合计" {
            assert_eq!(num(row.get(14)), Some(n), "township table total");
        } else if !township.is_empty() {
            let expected = by_township.get(&township).copied().unwrap_or(0.0);
            assert_eq!(num(row.get(14)), Some(expected), "{township}");
            townships_seen += 1;
        }
    }
    assert_eq!(rules_seen, by_rule.len());
    let e = &expected()["months"][MONTH];
    let roster = expected()["roster"].as_array().map_or(0, |r| r.len());
    assert_eq!(townships_seen, roster + 1, "the roster and other files");
    let invalid = e["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "R13")
        .count();
    assert_eq!(by_rule.get("R13"), Some(&(invalid as f64)));
}

#[test]
fn corrections_between_the_two_copies_of_qingshi() {
    let run = run_month(MONTH, &[]);
    let old_file = "青石镇10月报表.xlsx";
    let new_file = "青石镇10月报表(修改版).xlsx";
    let folder = root().join("samples/returns").join(MONTH);
    let read_cell = |file: &str, place: &str| -> Option<f64> {
        let (sheet, cell) = place.split_once('!').expect("sheet!cell");
        let mut wb = open_workbook_auto(folder.join(file)).expect("open return");
        let range = wb.worksheet_range(sheet).expect("sheet");
        let col = cell.chars().next().expect("col") as u32 - 'A' as u32;
        let row: u32 = cell[1..].parse().expect("row");
        num(range.get_value((row - 1, col)))
    };
    let sheet = sheet(&run.workbook, "修改对比");
    let mut got = Vec::new();
    for row in sheet.rows().skip(4) {
        assert_eq!(text(row.first()), "青石镇");
        assert_eq!(text(row.get(1)), old_file);
        assert_eq!(text(row.get(2)), new_file);
        let code = text(row.get(3));
        let (old_at, new_at) = (text(row.get(7)), text(row.get(9)));
        // Each side's value is the one in its own file at the cell named.
        assert_eq!(num(row.get(6)), read_cell(old_file, &old_at), "{code} old");
        if code != "A11" {
            assert_eq!(num(row.get(8)), read_cell(new_file, &new_at), "{code} new");
        }
        got.push((code, text(row.get(5)), old_at, new_at));
    }
    let want: Vec<(String, String, String, String)> = [
        ("B01", "本月数", "表1!E15"),
        ("B01", "本年累计", "表1!F15"),
        ("C16", "本月数", "表2!E19"),
        ("C16", "本年累计", "表2!F19"),
        ("D06", "本月数", "表2!E26"),
        ("D06", "本年累计", "表2!F26"),
    ]
    .into_iter()
    .map(|(c, col, at)| (c.into(), col.into(), at.into(), at.into()))
    .collect();
    // B01, C16 and D06 changed in both columns; A11 is valid in the old copy only (95% typed
    // in the new one, R13).
    let (a11, rest): (Vec<_>, Vec<_>) = got.into_iter().partition(|g| g.0 == "A11");
    assert_eq!(rest, want);
    assert_eq!(a11.len(), 1);
    let old_b01 = read_cell(old_file, "表1!E15").expect("B01");
    let new_b01 = read_cell(new_file, "表1!E15").expect("B01");
    assert_eq!(
        new_b01 - old_b01,
        120.0,
        "samples/README.md: B01 −120 in the old copy"
    );
    // The same in the run report.
    let corrections = run.json["corrections"].as_array().expect("corrections");
    assert_eq!(corrections.len(), want.len() + a11.len());
    let b01 = corrections
        .iter()
        .find(|c| c["code"] == "B01" && c["column"] == "month")
        .expect("B01");
    assert_eq!(b01["old"]["cell"], "E15");
    assert_eq!(b01["new"]["sheet"], "表1");
    assert_eq!(b01["old"]["value"].as_f64(), Some(old_b01));
    assert_eq!(b01["winner"], new_file);
    // Both sides link to the cell in their own file.
    let rels = part(
        &run.workbook,
        &format!(
            "xl/worksheets/_rels/{}.rels",
            sheet_part(&run.workbook, "修改对比")
        ),
    );
    for file in [old_file, new_file] {
        assert!(rels.contains(&format!("/{file}\"")), "{file} linked");
    }
}

/// A return whose sheets give no 填报日期: timeliness from the file time, and noted (F28).
#[test]
fn without_a_filing_date_the_file_time_decides_and_is_noted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("returns");
    std::fs::create_dir_all(&folder).expect("dir");
    let source = root().join("samples/returns").join(MONTH);
    let file = "桃源乡10月报表.xlsx";
    for e in std::fs::read_dir(&source)
        .expect("list")
        .filter_map(Result::ok)
    {
        if e.file_name() != file {
            std::fs::copy(e.path(), folder.join(e.file_name())).expect("copy");
        }
    }
    // Filed 2026-11-07 (late); the date removed, the file last saved on the 4th (on time).
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(source.join(file)).expect("open")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(folder.join(file)).expect("create"));
    let mut removed = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        if name.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(bytes).expect("utf-8");
            removed += text.matches("填报日期：2026-11-07").count();
            bytes = text
                .replace("填报日期：2026-11-07", "备注：无")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
    assert_eq!(removed, 2, "the date on both sheets");
    // Noon UTC: the 4th in the local time of any zone within ±11 hours.
    let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_793_793_600);
    std::fs::File::options()
        .write(true)
        .open(folder.join(file))
        .and_then(|f| f.set_modified(noon))
        .expect("set time");
    let (workbook, json) = run_folder(&folder, &root().join("samples/huizong.toml"), dir.path());
    let f28: Vec<&Value> = json["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .filter(|a| a["rule"] == "F28")
        .collect();
    assert_eq!(f28.len(), 1, "{f28:?}");
    assert_eq!(f28[0]["file"], file);
    assert_eq!(f28[0]["severity"], "note");
    assert!(
        f28[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2026-11-04")),
        "{}",
        f28[0]["message"]
    );
    let t = json["quality"]["townships"]
        .as_array()
        .expect("townships")
        .iter()
        .find(|t| t["township"] == "桃源乡")
        .expect("桃源乡");
    assert_eq!(t["date_from"], "file_time");
    assert_eq!(t["filed"], "2026-11-04");
    assert_eq!(t["on_time"], "yes");
    assert_eq!(json["quality"]["timeliness"]["num"], 9);
    let dq = sheet(&workbook, "数据质量");
    let row = row_of(&dq, "桃源乡");
    assert_eq!(text(row.get(3)), "2026-11-04（文件时间）");
    assert_eq!(text(row.get(4)), "是");
}

/// `huizong run` on a folder with a configuration; the workbook's path and the run report.
fn run_folder(folder: &Path, config: &Path, out: &Path) -> (std::path::PathBuf, Value) {
    let json_path = out.join("run.json");
    let o = crate::huizong_command()
        .arg("run")
        .arg(folder)
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .arg("--json")
        .arg(&json_path)
        .arg("--quiet")
        .output()
        .expect("run huizong");
    assert!(
        o.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json")).expect("parse");
    (out.join(format!("安平县_{MONTH}_汇总.xlsx")), json)
}

/// Rule identity is the kind of check, not its id (issue 10): a county that numbers its checks
/// J01–J05 (another form must) gets the same consistency and outlier figures as R01–R05.
#[test]
fn data_quality_counts_by_kind_of_check_whatever_the_ids() {
    let samples = std::fs::read_to_string(root().join("samples/huizong.toml")).expect("config");
    let mut renamed = samples.clone();
    for n in 1..=5 {
        renamed = renamed.replace(&format!("id = \"R0{n}\""), &format!("id = \"J0{n}\""));
    }
    assert_ne!(
        renamed, samples,
        "the sample configuration numbers its checks R01–R05"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("j.toml");
    std::fs::write(&config, renamed).expect("write config");
    let json_path = dir.path().join("run.json");
    let out = crate::huizong_command()
        .arg("run")
        .arg(root().join("samples/returns").join(MONTH))
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--json")
        .arg(&json_path)
        .output()
        .expect("run");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json")).expect("parse");
    let figures = |v: &Value| -> Vec<(String, Value, Value)> {
        v["quality"]["townships"]
            .as_array()
            .expect("townships")
            .iter()
            .map(|t| {
                (
                    t["township"].as_str().unwrap_or("").to_string(),
                    t["findings"]["consistency"].clone(),
                    t["findings"]["outliers"].clone(),
                )
            })
            .collect()
    };
    let r = run_month(MONTH, &[]);
    let by_r = figures(&r.json);
    assert!(
        by_r.iter()
            .any(|(_, c, _)| c.as_u64().is_some_and(|c| c > 0)),
        "the samples fail some consistency check: {by_r:?}"
    );
    assert_eq!(figures(&j), by_r);
}
