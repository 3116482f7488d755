//! The progress bar people see on a long run: labelled in their language, drawn on a terminal
//! once the run has lasted half a second, never drawn into a pipe or with `--quiet`.
//!
//! A terminal is given by util-linux `script` (a pseudo-terminal; Debian's essential bsdutils),
//! so these tests are Unix-only. The run is made long by many copies of one sample month: reading
//! a few hundred workbooks in a test build takes seconds, well past the half second.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use super::root;

/// A folder holding `copies` copies of every return of the sample month 2026-10.
fn many_returns(dir: &Path, copies: usize) -> usize {
    let month = root().join("samples/returns/2026-10");
    let mut made = 0;
    for entry in std::fs::read_dir(&month).expect("sample month") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_return =
            [".xlsx", ".xls", ".ods"].iter().any(|e| name.ends_with(e)) && !name.starts_with("~$");
        if !is_return {
            continue;
        }
        for copy in 0..copies {
            std::fs::copy(&path, dir.join(format!("{copy:03}-{name}"))).expect("copy");
            made += 1;
        }
    }
    made
}

/// Runs `huizong run` on `folder`; with `tty`, inside a pseudo-terminal (`script`), returning
/// all the terminal received; without, stderr read through a pipe.
fn run(folder: &Path, out: &Path, extra: &[&str], tty: bool) -> String {
    let bin = env!("CARGO_BIN_EXE_huizong");
    let config = root().join("samples/huizong.toml");
    let mut args: Vec<String> = vec![
        bin.to_string(),
        "run".into(),
        folder.display().to_string(),
        "--config".into(),
        config.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--history".into(),
        out.join("history").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    if tty {
        let quoted: Vec<String> = args
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        let output = Command::new("script")
            .args(["-q", "-e", "-c", &quoted.join(" "), "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .expect("script (util-linux) runs");
        String::from_utf8_lossy(&output.stdout).to_string()
    } else {
        let output = Command::new(&args[0])
            .args(&args[1..])
            .output()
            .expect("run huizong");
        String::from_utf8_lossy(&output.stderr).to_string()
    }
}

#[test]
fn a_long_run_shows_a_labelled_progress_bar_only_on_a_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("returns");
    std::fs::create_dir(&folder).expect("folder");
    let files = many_returns(&folder, 16);
    let total = format!("/{files}");

    let zh = run(&folder, &dir.path().join("zh"), &[], true);
    assert!(
        zh.contains("读取报表") && zh.contains(&total),
        "a terminal shows 读取报表 with the count of files ({total}):\n{}",
        &zh[..zh.len().min(2000)]
    );
    assert!(
        !zh.contains("reading returns"),
        "no English in a Chinese run"
    );

    let en = run(&folder, &dir.path().join("en"), &["--lang", "en"], true);
    assert!(
        en.contains("reading returns") && en.contains(&total),
        "--lang en labels the bar in English:\n{}",
        &en[..en.len().min(2000)]
    );
    assert!(!en.contains("读取报表"), "no Chinese label with --lang en");

    let quiet = run(&folder, &dir.path().join("quiet"), &["--quiet"], true);
    assert!(!quiet.contains("读取报表"), "--quiet draws no bar");

    let piped = run(&folder, &dir.path().join("piped"), &[], false);
    assert!(
        !piped.contains("读取报表") && !piped.contains('\r'),
        "no bar drawn into a pipe:\n{piped}"
    );
}

#[test]
fn a_short_run_on_a_terminal_draws_no_bar() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("returns");
    std::fs::create_dir(&folder).expect("folder");
    // One return is read in far less than half a second, even in a test build.
    let one = root().join("samples/returns/2026-10/杏林镇10月.xlsx");
    std::fs::copy(one, folder.join("杏林镇10月.xlsx")).expect("copy");
    let shown = run(&folder, &dir.path().join("out"), &[], true);
    assert!(
        !shown.contains("读取报表"),
        "no bar on a short run:\n{shown}"
    );
}
