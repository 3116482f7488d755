//! kill -9 at 20 random moments — 10 while `huizong watch` takes returns, 10 while decisions are
//! recorded — and after each: the ledger passes SQLite's `PRAGMA integrity_check`, and every
//! version and decision the killed process printed as recorded is in it. The moments come from
//! a seed printed with each failure, so a failure can be replayed. After the kills, a start
//! leaves no version with errors without its feedback workbook.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use super::root;

const MONTH: &str = "2026-08";

/// A small generator (xorshift): no dependency for 20 numbers.
struct Moments(u64);

impl Moments {
    fn next_ms(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Spawns huizong, kills it (SIGKILL) after `after`, returns what it printed.
fn killed(ws: &Path, args: &[&str], after: Duration) -> String {
    let mut child = crate::huizong_command()
        .args(args)
        .arg("--workspace")
        .arg(ws)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(after);
    let _ = child.kill(); // it may have finished already
    child.wait().expect("wait");
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    out
}

fn check(ws: &Path, printed: &str, seed: u64, what: &str) {
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite"))
        .unwrap_or_else(|e| panic!("seed {seed}, {what}: ledger does not open: {e}"));
    assert_eq!(
        ledger.integrity_check().expect("check"),
        "ok",
        "seed {seed}, {what}"
    );
    let ids = ledger.decision_ids().expect("ids");
    for line in printed.lines() {
        // `已记录决定 #12: …` is printed after the commit.
        if let Some(rest) = line.strip_prefix("已记录决定 #") {
            let id: i64 = rest
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("id");
            assert!(
                ids.contains(&id),
                "seed {seed}, {what}: decision #{id} lost"
            );
        }
        // `name: 青石镇 2026-08 第1版 (…)` is printed after the version is recorded.
        if let Some(pos) = line.find(&format!(" {MONTH} 第")) {
            let township = line[..pos].rsplit(": ").next().expect("township");
            let n: i64 = line[pos + MONTH.len() + 5..]
                .split('版')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("version");
            let versions = ledger.versions(township, MONTH).expect("versions");
            assert!(
                versions.iter().any(|v| v.version == n),
                "seed {seed}, {what}: {township} v{n} lost"
            );
        }
    }
}

/// After a start, no version with errors is left without its feedback workbook, wherever the
/// kills fell (between recording a version and writing its feedback, too).
fn every_version_with_errors_has_feedback(ws: &Path, seed: u64) {
    let config = huizong::config::Config::load(&ws.join("huizong.toml")).expect("config");
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite")).expect("open");
    let mut with_errors = 0;
    for t in &config.townships {
        for v in ledger.versions(t.name(), MONTH).expect("versions") {
            let errors = ledger.findings(v.id).expect("findings");
            if !errors.iter().any(|f| f.severity == "error") {
                continue;
            }
            with_errors += 1;
            let name = format!("{}_{MONTH}_第{}版_退回修改通知.xlsx", t.name(), v.version);
            assert!(
                ws.join("输出/退回修改通知").join(&name).is_file(),
                "seed {seed}: {name} missing after restart"
            );
        }
    }
    assert!(
        with_errors > 0,
        "seed {seed}: the samples hold returns with errors"
    );
}

#[test]
fn kill_nine_loses_nothing_reported() {
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut moments = Moments(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let o = crate::huizong_command()
        .arg("init")
        .arg(&ws)
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .output()
        .expect("init");
    assert!(o.status.success());
    let samples = root().join("samples/returns").join(MONTH);
    let files: Vec<_> = std::fs::read_dir(&samples)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx" || x == "xls"))
        .collect();
    // Watch killed while it takes returns: two new files each round (a copy made new by one
    // appended byte after a few rounds is not needed: the samples give 10 rounds' worth).
    let mut printed_all = String::new();
    for round in 0..10 {
        for f in files.iter().skip(round * 2).take(2) {
            let name = f.file_name().expect("name");
            std::fs::copy(f, ws.join("收件箱").join(name)).expect("drop");
        }
        let after = Duration::from_millis(300 + moments.next_ms(2500));
        let printed = killed(&ws, &["watch"], after);
        check(
            &ws,
            &printed,
            seed,
            &format!("watch round {round} killed at {after:?}"),
        );
        printed_all.push_str(&printed);
    }
    // What was killed before it finished is taken by the next start, whole.
    let o = crate::huizong_command()
        .args(["watch", "--once", "--workspace"])
        .arg(&ws)
        .output()
        .expect("once");
    assert!(o.status.success());
    check(
        &ws,
        &String::from_utf8_lossy(&o.stdout),
        seed,
        "watch --once",
    );
    every_version_with_errors_has_feedback(&ws, seed);

    // Decisions killed at random moments: 打回 and 通过 in turn on the townships received.
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite")).expect("open");
    let townships: Vec<String> = ["青石镇", "白沙乡", "柳河镇", "南湖镇", "北关镇"]
        .iter()
        .filter(|t| !ledger.versions(t, MONTH).expect("versions").is_empty())
        .map(|t| t.to_string())
        .collect();
    drop(ledger);
    assert!(!townships.is_empty());
    let mut recorded = 0;
    for round in 0..10 {
        let t = &townships[round % townships.len()];
        // A decision takes about 0.1 s in a debug build: the moments fall before, inside and after.
        let after = Duration::from_millis(moments.next_ms(150));
        let printed = if round % 2 == 0 {
            killed(&ws, &["return", t, "--reason", "请核对后重报"], after)
        } else {
            killed(&ws, &["accept", t], after)
        };
        recorded += printed.matches("已记录决定").count();
        check(
            &ws,
            &printed,
            seed,
            &format!("decision round {round} killed at {after:?}"),
        );
    }
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite")).expect("open");
    let kept = ledger.decision_ids().expect("ids").len();
    assert!(kept >= recorded);
    let versions = printed_all.matches(" 第").count();
    eprintln!("seed {seed}: {versions} versions printed by killed watches; {recorded} of 10 decisions printed before the kill, {kept} in the ledger");
}
