//! `huizong watch` on a live inbox: a slow copy in chunks (with a pause longer than the settle
//! window, so a half-written zip is seen and must be retried, not reported), an Excel-style
//! temp file renamed into place beside an owner file (`~$…`), the same bytes dropped twice,
//! and a file dropped while watch is stopped. Each real return is checked exactly once, within
//! 2 s of landing.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::root;

const MONTH: &str = "2026-08";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples/returns").join(MONTH).join(name)).expect("sample")
}

struct Watch {
    child: Child,
    lines: Receiver<(Instant, String)>,
    seen: Vec<(Instant, String)>,
}

impl Watch {
    fn start(ws: &Path, extra: &[&str]) -> Self {
        let mut child = crate::huizong_command()
            .arg("watch")
            .args(extra)
            .arg("--workspace")
            .arg(ws)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn watch");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        let mut w = Self {
            child,
            lines: rx,
            seen: Vec::new(),
        };
        w.wait_for("正在监视", Duration::from_secs(20));
        w
    }

    /// The first line containing `what` (seen before or arriving within `limit`).
    fn wait_for(&mut self, what: &str, limit: Duration) -> Instant {
        if let Some((t, _)) = self.seen.iter().find(|(_, l)| l.contains(what)) {
            return *t;
        }
        let end = Instant::now() + limit;
        while let Ok((t, line)) = self
            .lines
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            self.seen.push((t, line.clone()));
            if line.contains(what) {
                return t;
            }
        }
        panic!(
            "no line with {what:?} within {limit:?}; seen:\n{:#?}",
            self.seen
        );
    }

    /// Every line that arrived until `quiet` passed without one.
    fn drain(&mut self, quiet: Duration) {
        while let Ok(l) = self.lines.recv_timeout(quiet) {
            self.seen.push(l);
        }
    }

    fn count(&self, what: &str) -> usize {
        self.seen.iter().filter(|(_, l)| l.contains(what)).count()
    }

    fn stop(mut self) -> Vec<(Instant, String)> {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
        self.drain(Duration::from_millis(200));
        self.seen
    }
}

fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws");
    let o = crate::huizong_command()
        .arg("init")
        .arg(&ws)
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .output()
        .expect("init");
    assert!(o.status.success());
    ws
}

const LIMIT: Duration = Duration::from_secs(2);

/// How long `huizong check` takes on `file` right now. The 2 s are the budget on an idle
/// machine; when the test binary runs beside the whole suite on two cores, a check alone can
/// take longer, so the bound is 2 s or the check's own time now plus watch's overhead (debounce
/// 0.2 s, settle 0.4 s, ticks), whichever is larger.
fn budget(file: &Path) -> Duration {
    let started = Instant::now();
    let o = crate::huizong_command()
        .arg("check")
        .arg(file)
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .output()
        .expect("check");
    assert!(o.status.code().is_some());
    LIMIT.max(started.elapsed() + Duration::from_millis(1500))
}

/// Waits for `what`, then asserts it came within the budget after `landed`.
fn within(w: &mut Watch, what: &str, landed: Instant, budget: Duration) {
    let t = w.wait_for(what, Duration::from_secs(60));
    let took = t.duration_since(landed);
    eprintln!("{what}: {took:?} after landing (budget {budget:?})");
    assert!(took <= budget, "{what}: {took:?} > {budget:?}");
}

#[test]
fn each_return_is_checked_once_when_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace(dir.path());
    let inbox = ws.join("收件箱");
    let b = budget(
        &root()
            .join("samples/returns")
            .join(MONTH)
            .join("青石镇8月报表.xlsx"),
    );
    let mut w = Watch::start(&ws, &[]);

    // A slow copy: chunks, one pause longer than the settle window.
    let bytes = sample("青石镇8月报表.xlsx");
    let target = inbox.join("青石镇8月报表.xlsx");
    let mut f = std::fs::File::create(&target).expect("create");
    let chunk = bytes.len() / 5 + 1;
    for (i, part) in bytes.chunks(chunk).enumerate() {
        f.write_all(part).expect("write");
        f.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(if i == 2 { 900 } else { 150 }));
    }
    drop(f);
    let landed = Instant::now();
    within(&mut w, &format!("青石镇 {MONTH} 第1版"), landed, b);

    // Excel's way: an owner file, a temp file, then the rename.
    std::fs::write(inbox.join("~$柳河镇_2026年08月.xlsx"), b"\x0bowner").expect("owner");
    let tmp = inbox.join("A1B2C3D4.tmp");
    std::fs::write(&tmp, sample("柳河镇_2026年08月.xlsx")).expect("temp");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(&tmp, inbox.join("柳河镇_2026年08月.xlsx")).expect("rename");
    let landed = Instant::now();
    within(&mut w, &format!("柳河镇 {MONTH} 第1版"), landed, b);
    std::fs::remove_file(inbox.join("~$柳河镇_2026年08月.xlsx")).expect("owner gone");

    // The same bytes twice, under two names.
    let baisha = sample("8月 白沙乡.xls");
    std::fs::write(inbox.join("8月 白沙乡.xls"), &baisha).expect("drop");
    let landed = Instant::now();
    within(&mut w, &format!("白沙乡 {MONTH} 第1版"), landed, b);
    std::fs::create_dir_all(inbox.join("QQ")).expect("mkdir");
    std::fs::write(inbox.join("QQ/白沙乡8月.xls"), &baisha).expect("again");
    let landed = Instant::now();
    within(
        &mut w,
        "QQ/白沙乡8月.xls: 与已收到的一版完全相同",
        landed,
        b,
    );
    w.drain(Duration::from_millis(1500));
    let seen = w.stop();
    let text: Vec<&str> = seen.iter().map(|(_, l)| l.as_str()).collect();
    for t in ["青石镇", "柳河镇", "白沙乡"] {
        let n = text
            .iter()
            .filter(|l| l.contains(&format!("{t} {MONTH} 第")))
            .count();
        assert_eq!(n, 1, "{t} checked once:\n{text:#?}");
    }
    assert!(
        !text
            .iter()
            .any(|l| l.contains("~$") || l.contains("A1B2C3D4") || l.contains("未作为报表计入")),
        "no owner, temp or half-written file is reported:\n{text:#?}"
    );

    // Dropped while watch is stopped: taken on restart, and nothing else again.
    std::fs::write(inbox.join("杏林镇8月.xlsx"), sample("杏林镇8月.xlsx")).expect("drop");
    let started = Instant::now();
    let mut w = Watch::start(&ws, &[]);
    // Start-up (opening the ledger, the first scan) comes on top of the check.
    within(
        &mut w,
        &format!("杏林镇 {MONTH} 第1版"),
        started,
        b + Duration::from_secs(2),
    );
    w.drain(Duration::from_millis(1500));
    let seen = w.stop();
    assert_eq!(
        seen.iter().filter(|(_, l)| l.contains(" 第")).count(),
        1,
        "only the new file:\n{seen:#?}"
    );
}

#[test]
fn poll_mode_takes_a_file_within_two_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace(dir.path());
    let b = budget(
        &root()
            .join("samples/returns")
            .join(MONTH)
            .join("马坊镇 8月.xlsx"),
    );
    let mut w = Watch::start(&ws, &["--poll"]);
    std::fs::write(ws.join("收件箱/马坊镇 8月.xlsx"), sample("马坊镇 8月.xlsx")).expect("drop");
    let landed = Instant::now();
    within(
        &mut w,
        &format!("马坊镇 {MONTH} 第1版"),
        landed,
        b + Duration::from_millis(300),
    );
    assert_eq!(w.count("第1版"), 1);
    w.stop();
}

/// Ctrl-C (SIGINT, sent as a terminal sends it) stops watch between two files: it says so, exits
/// 0, and the ledger holds every version it printed; the next start takes nothing again.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_watch_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace(dir.path());
    let mut w = Watch::start(&ws, &[]);
    std::fs::write(ws.join("收件箱/云溪镇8月.xlsx"), sample("云溪镇8月.xlsx")).expect("drop");
    w.wait_for(&format!("云溪镇 {MONTH} 第1版"), Duration::from_secs(60));
    // `kill` is a builtin of every sh, so no package is needed.
    let sent = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {}", w.child.id()))
        .status()
        .expect("sh");
    assert!(sent.success());
    let end = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = w.child.try_wait().expect("try_wait") {
            break s;
        }
        assert!(
            Instant::now() < end,
            "watch still running 20 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
    w.drain(Duration::from_millis(300));
    let said: Vec<&str> = w.seen.iter().map(|(_, l)| l.as_str()).collect();
    assert!(
        said.iter().any(|l| l.contains("已停止监视")),
        "the stop is said:\n{said:#?}"
    );
    assert!(
        said.iter()
            .any(|l| l.starts_with("提示") && l.contains("huizong watch")),
        "with a hint:\n{said:#?}"
    );
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite")).expect("open");
    assert_eq!(ledger.integrity_check().expect("check"), "ok");
    assert_eq!(ledger.versions("云溪镇", MONTH).expect("versions").len(), 1);
    drop(ledger);
    let o = crate::huizong_command()
        .args(["watch", "--once", "--workspace"])
        .arg(&ws)
        .output()
        .expect("once");
    assert!(o.status.success());
    let again = String::from_utf8_lossy(&o.stdout);
    assert!(!again.contains(" 第1版"), "nothing taken twice:\n{again}");
}

/// A version with errors whose feedback workbook was never written (the process killed between
/// the two) gets it when watch starts, and is said.
#[test]
fn missing_feedback_is_written_on_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace(dir.path());
    std::fs::write(ws.join("收件箱/东岭乡8月.xlsx"), sample("东岭乡8月.xlsx")).expect("drop");
    let once = || {
        let o = crate::huizong_command()
            .args(["watch", "--once", "--workspace"])
            .arg(&ws)
            .output()
            .expect("once");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let first = once();
    let feedback = ws.join(format!(
        "输出/退回修改通知/东岭乡_{MONTH}_第1版_退回修改通知.xlsx"
    ));
    let written = std::fs::read(&feedback).expect("feedback written at once");
    assert!(first.contains("退回修改通知已写出"), "{first}");
    // As a kill between recording the version and writing its feedback leaves it.
    std::fs::remove_file(&feedback).expect("remove");
    let second = once();
    assert!(
        second.contains("补写退回修改通知") && second.contains("东岭乡_2026-08_第1版"),
        "{second}"
    );
    assert_eq!(std::fs::read(&feedback).expect("written again"), written);
    // Present now: not written a third time.
    let third = once();
    assert!(!third.contains("补写"), "{third}");
}
