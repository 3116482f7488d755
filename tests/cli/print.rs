//! Printing, as a county prints: the county workbook and a feedback workbook converted to PDF by
//! LibreOffice headless and read back with pdftotext. Every printed page of 分乡镇 carries the
//! township names and the indicator header; no sheet prints below a readable size (the scale
//! in each sheet's pageSetup, and the printed height of each sheet's title against the title of
//! a sheet at 100%); a feedback workbook's copied sheets carry the indicator names on every page
//! and its 问题 and 处理要求 are printed whole. Needs `soffice` (libreoffice-calc), `pdftotext`
//! (poppler-utils) and the Carlito font, which `.ci/run` installs.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use super::root;

/// The smallest print scale, in percent, that a statistician can still read.
const READABLE: f64 = 70.0;

/// The workbook as PDF, by LibreOffice headless with a profile of its own.
fn to_pdf(workbook: &Path, dir: &Path) -> std::path::PathBuf {
    let profile = format!("file://{}", dir.join("lo-profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(workbook)
        .output()
        .expect("soffice (apt-get install libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito)");
    let pdf = dir.join(workbook.with_extension("pdf").file_name().expect("name"));
    assert!(
        pdf.is_file(),
        "LibreOffice made no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

/// One string a page: pdftotext's reading order (`-raw`), which keeps a wrapped cell's lines
/// together.
fn pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Each word's text and printed height (points), a list a page (`pdftotext -bbox`).
fn word_heights(pdf: &Path) -> Vec<Vec<(String, f64)>> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let html = String::from_utf8_lossy(&out.stdout).to_string();
    let word = regex::Regex::new(r#"yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>"#)
        .expect("regex");
    html.split("<page ")
        .skip(1)
        .map(|page| {
            word.captures_iter(page)
                .map(|c| {
                    let (top, bottom): (f64, f64) =
                        (c[1].parse().expect("y"), c[2].parse().expect("y"));
                    (c[3].to_string(), bottom - top)
                })
                .collect()
        })
        .collect()
}

/// The print scale of every sheet of a workbook, from its pageSetup (100 when not given); a
/// sheet fitted to pages (whose scale only the printer knows) fails here.
fn print_scales(workbook: &Path) -> Vec<(String, f64)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(workbook).expect("open")).expect("zip");
    let scale = regex::Regex::new(r#"<pageSetup[^>]*\bscale="(\d+)""#).expect("regex");
    let mut scales = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().expect("name").to_string();
        if !name.starts_with("xl/worksheets/sheet") {
            continue;
        }
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).expect("read");
        assert!(
            !xml.contains("fitToPage=\"1\""),
            "{name} is fitted to pages: its printed size is unknown"
        );
        let s = scale
            .captures(&xml)
            .map_or(100.0, |c| c[1].parse().expect("scale"));
        scales.push((name, s));
    }
    scales
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_county_and_feedback_workbooks_print_readably() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let feedback = dir.path().join("feedback");
    let status = crate::huizong_command()
        .arg("run")
        .arg(root().join("samples/returns/2026-10"))
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--feedback")
        .arg(&feedback)
        .arg("--quiet")
        .status()
        .expect("run huizong");
    assert!(status.code().is_some_and(|c| c < 2), "{status}");
    let county = out.join("安平县_2026-10_汇总.xlsx");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/expected.json")).expect("expected"),
    )
    .expect("parse");
    let counted: BTreeSet<&str> = expected["months"]["2026-10"]["values"]
        .as_object()
        .expect("values")
        .keys()
        .map(String::as_str)
        .collect();
    assert!(counted.len() > 10, "{counted:?}");

    // No sheet is set below a readable scale.
    for (sheet, scale) in print_scales(&county) {
        assert!(scale >= READABLE, "{sheet} prints at {scale}%");
    }
    let pdf = to_pdf(&county, dir.path());
    let text = pages(&pdf);

    // 分乡镇: from its title's page to the next sheet's title.
    let first = text
        .iter()
        .position(|p| p.contains("安平县分乡镇数据（2026-10）"))
        .expect("分乡镇 printed");
    let end = text
        .iter()
        .position(|p| p.contains("安平县审核异常清单（2026-10）"))
        .expect("异常清单 printed");
    assert!(end > first + 1, "分乡镇 prints on {} page(s)", end - first);
    for (i, page) in text[first..end].iter().enumerate() {
        let missing: Vec<_> = counted.iter().filter(|t| !page.contains(**t)).collect();
        assert!(
            missing.is_empty(),
            "分乡镇 page {}: no {missing:?}\n{page}",
            i + 1
        );
        assert!(
            page.contains("指标名称"),
            "分乡镇 page {}: no header",
            i + 1
        );
    }

    // Each sheet's title, printed at 14 points times the sheet's scale: against 汇总's (100%).
    let heights = word_heights(&pdf);
    let titles: Vec<(String, f64)> = heights
        .iter()
        .flatten()
        .filter(|(w, _)| w.starts_with("安平县") && w.ends_with("（2026-10）"))
        .cloned()
        .collect();
    let full = titles
        .iter()
        .find(|(w, _)| w.contains("汇总表"))
        .map(|(_, h)| *h)
        .expect("汇总's title");
    assert!(titles.len() >= 8, "{titles:?}");
    for (title, h) in &titles {
        let printed = h / full * 100.0;
        assert!(printed >= READABLE - 1.0, "{title} prints at {printed:.0}%");
    }

    // A feedback workbook: its list printed whole, its copied sheets named on every page.
    let workbook = feedback.join("东岭乡_2026-10_退回修改通知.xlsx");
    for (sheet, scale) in print_scales(&workbook) {
        assert!(scale >= READABLE, "feedback {sheet} prints at {scale}%");
    }
    let text = pages(&to_pdf(&workbook, dir.path()));
    let all = squeeze(&text.concat());
    let mut wb: Xlsx<_> = open_workbook(&workbook).expect("open feedback");
    let list = wb.worksheet_range("差错清单").expect("差错清单");
    let mut asked = 0;
    for row in list.rows().skip(4) {
        for col in [3, 5, 6] {
            if let Some(Data::String(s)) = row.get(col) {
                assert!(all.contains(&squeeze(s)), "cut on paper: {s}");
                asked += 1;
            }
        }
    }
    assert!(asked >= 3, "the list has findings");
    let copied: Vec<_> = text.iter().filter(|p| p.contains("填报单位")).collect();
    assert!(!copied.is_empty(), "the return's sheets are printed");
    for page in copied {
        assert!(
            page.contains("指标名称"),
            "a page without indicator names:\n{page}"
        );
    }
}
