//! `--lang en` is complete: the samples' three months run in English (county workbook, JSON,
//! explanations to fill in, feedback workbooks, the terminal) leave no Chinese character outside
//! data: township names, file names and the returns' own cells (and the county's explanations).

use std::collections::BTreeSet;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use super::root;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Every piece of data an output may quote: the files' names, every text cell and sheet name of
/// every return, the explanations file's fields, and the roster's names with their suffixes.
fn data_strings() -> Vec<String> {
    let mut data = BTreeSet::new();
    let config = huizong::config::Config::load(&root().join("samples/huizong.toml")).expect("cfg");
    for t in &config.townships {
        for n in std::iter::once(t.name()).chain(t.aliases.iter().map(String::as_str)) {
            data.insert(n.to_string());
            for s in &config.form.labels.township_suffixes {
                data.insert(format!("{n}{s}"));
            }
        }
    }
    for month in ["2026-08", "2026-09", "2026-10"] {
        let folder = root().join("samples/returns").join(month);
        for e in std::fs::read_dir(&folder)
            .expect("list")
            .filter_map(Result::ok)
        {
            let path = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            // A file name, and any piece of it an output quotes (`9月` from `东岭乡9月.xlsx`).
            let chars: Vec<char> = name.chars().collect();
            for i in 0..chars.len() {
                for j in i + 1..=chars.len() {
                    data.insert(chars[i..j].iter().collect());
                }
            }
            if name.ends_with(".csv") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for field in text.lines().flat_map(|l| l.split(',')) {
                    data.insert(field.trim_matches('"').to_string());
                }
                continue;
            }
            let Ok(mut wb) = open_workbook_auto(&path) else {
                continue;
            };
            for sheet in wb.sheet_names() {
                data.insert(sheet.clone());
                if let Ok(range) = wb.worksheet_range(&sheet) {
                    for cell in range.used_cells() {
                        if let Data::String(s) = cell.2 {
                            data.insert(s.trim().to_string());
                            // A labelled field's value (`填报单位（盖章）：青石镇卫生院`).
                            for part in s.split(['：', ':']) {
                                data.insert(part.trim().to_string());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut data: Vec<String> = data.into_iter().filter(|s| s.chars().any(is_cjk)).collect();
    // Longest first, so that a name inside a longer cell is taken with it.
    data.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    data
}

/// The CJK left in `text` once every piece of data is taken out, or None. The values that tie
/// an explanation to its finding (`病床使用率=108.01; 本月数=12`, the hidden 数值 column and the
/// CSV's values) are a key read back by machine in the same words whatever the language, not
/// words for people: left alone.
fn leftover(text: &str, data: &[String]) -> Option<String> {
    if !text.chars().any(is_cjk) {
        return None;
    }
    let is_key = text.split("; ").all(|kv| {
        kv.split_once('=')
            .is_some_and(|(k, v)| !k.is_empty() && v.parse::<f64>().is_ok())
    });
    if is_key {
        return None;
    }
    let mut rest = text.to_string();
    for d in data {
        if rest.contains(d.as_str()) {
            rest = rest.replace(d.as_str(), "");
        }
    }
    rest.chars().any(is_cjk).then_some(rest)
}

/// The text of every part of a zip package (cells, sheet names, charts, notes, properties),
/// split at tags and quotes.
fn package_strings(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        // The theme names East Asian fonts (宋体): font names, not words anyone reads.
        if part.name().is_ok_and(|n| n.starts_with("xl/theme/")) {
            continue;
        }
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut part, &mut text).is_err() {
            continue; // not text (an image)
        }
        // Text between tags, and the attribute values inside tags (sheet names, chart titles).
        for (i, piece) in text.split(['<', '>']).enumerate() {
            let values: Vec<&str> = if i % 2 == 0 {
                vec![piece]
            } else {
                piece.split('"').skip(1).step_by(2).collect()
            };
            out.extend(
                values
                    .into_iter()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| {
                        // Links to the returns' cells: their paths, with spaces as `%20`.
                        v.replace("&quot;", "\"")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&amp;", "&")
                            .replace("%20", " ")
                    }),
            );
        }
    }
    out
}

#[test]
fn english_outputs_have_no_chinese_outside_data() {
    let data = data_strings();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let feedback = dir.path().join("feedback");
    let mut problems: BTreeSet<String> = BTreeSet::new();
    for month in ["2026-08", "2026-09", "2026-10"] {
        let json = dir.path().join(format!("{month}.json"));
        let run = crate::huizong_command()
            .arg("run")
            .arg(root().join("samples/returns").join(month))
            .arg("--config")
            .arg(root().join("samples/huizong.toml"))
            .args(["--lang", "en", "--all", "--out"])
            .arg(&out)
            .arg("--feedback")
            .arg(&feedback)
            .arg("--json")
            .arg(&json)
            .output()
            .expect("run");
        assert!(run.status.code().is_some_and(|c| c < 2), "{run:?}");
        for line in String::from_utf8_lossy(&run.stdout)
            .lines()
            .chain(String::from_utf8_lossy(&run.stderr).lines())
        {
            if let Some(rest) = leftover(line, &data) {
                problems.insert(format!("terminal {month}: {line}  ⟶ {rest}"));
            }
        }
    }
    let mut files = Vec::new();
    for d in [&out, &feedback] {
        for e in std::fs::read_dir(d).expect("list").filter_map(Result::ok) {
            if e.path().is_file() {
                files.push(e.path());
            }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if let Some(rest) = leftover(&name, &data) {
            problems.insert(format!("file name {name} ⟶ {rest}"));
        }
        let strings = match f.extension().and_then(|e| e.to_str()) {
            Some("xlsx") => package_strings(f),
            _ => std::fs::read_to_string(f)
                .expect("text output")
                .split(['"', ',', '\n'])
                .map(str::to_string)
                .collect(),
        };
        for s in strings {
            if let Some(rest) = leftover(&s, &data) {
                problems.insert(format!("{name}: {s}  ⟶ {rest}"));
            }
        }
    }
    if let Ok(path) = std::env::var("HUIZONG_LANG_REPORT") {
        let _ = std::fs::write(
            path,
            problems.iter().cloned().collect::<Vec<_>>().join("\n"),
        );
    }
    assert!(
        problems.is_empty(),
        "{} strings in Chinese with --lang en:\n{}",
        problems.len(),
        problems.into_iter().take(60).collect::<Vec<_>>().join("\n")
    );
}
