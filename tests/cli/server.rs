//! `huizong serve` over HTTP with a real client (reqwest): logins, the board's events, an upload
//! answered with its findings at their cells (the cells the generator put them in,
//! samples/expected.json), authorization on every route, CSRF and Origin, upload caps and bad
//! files refused with words while the server's memory stays bounded, 打回 and version 2, and
//! the county workbook equal to `huizong run` on the same files.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::{multipart, Client, Response};
use serde_json::Value;

use super::{expected, root};

pub const MONTH: &str = "2026-10";

/// A server on a workspace of its own; killed when dropped.
pub struct Served {
    pub url: String,
    pub ws: PathBuf,
    pub secrets: BTreeMap<String, String>,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The huizong under test: `HUIZONG_BIN` when set (the load test against a release build:
/// `HUIZONG_BIN=target/release/huizong cargo test --test cli load -- --ignored --nocapture`),
/// else the one cargo built for these tests.
pub fn huizong_bin() -> PathBuf {
    std::env::var_os("HUIZONG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_huizong")))
}

fn huizong(args: &[&str]) -> std::process::Output {
    Command::new(huizong_bin())
        .args(args)
        .output()
        .expect("run huizong")
}

/// A workspace from the samples' configuration (plus `extra` TOML), the accounts issued, the
/// server started on a free loopback port.
pub fn serve(accounts: &[&str], extra: &str) -> Served {
    let mut text = std::fs::read_to_string(root().join("samples/huizong.toml")).expect("config");
    text.push_str(extra);
    serve_config(&text, accounts)
}

/// A server on a workspace with the configuration `text`.
pub fn serve_config(text: &str, accounts: &[&str]) -> Served {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("县");
    let config = dir.path().join("huizong.toml");
    std::fs::write(&config, text).expect("write config");
    let o = huizong(&[
        "init",
        ws.to_str().expect("utf-8"),
        "--config",
        config.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut secrets = BTreeMap::new();
    for a in accounts {
        let o = huizong(&[
            "serve",
            "--workspace",
            ws.to_str().expect("utf-8"),
            "--issue",
            a,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
        let (name, secret) = line.split_once('\t').expect("NAME\\tSECRET");
        assert_eq!(name, *a);
        assert_eq!(secret.len(), 32);
        secrets.insert(a.to_string(), secret.to_string());
    }
    let mut child = Command::new(huizong_bin())
        .args([
            "serve",
            "--workspace",
            ws.to_str().expect("utf-8"),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the address line");
    let url = first.trim().trim_end_matches('/').to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    Served {
        url,
        ws,
        secrets,
        child,
        _dir: dir,
    }
}

impl Served {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A client logged in as `account` (cookies kept).
    pub fn login(&self, account: &str) -> Client {
        let c = Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(120))
            .build()
            .expect("client");
        let r = c
            .post(format!("{}/login", self.url))
            .form(&[("user", account), ("secret", &self.secrets[account])])
            .send()
            .expect("login");
        assert!(r.status().is_success(), "login {account}: {}", r.status());
        assert!(r.url().path() != "/login", "login {account} failed");
        c
    }

    /// The CSRF token of a page (the hidden field every form carries).
    pub fn csrf(&self, c: &Client, path: &str) -> String {
        let page = c
            .get(format!("{}{path}", self.url))
            .send()
            .expect("page")
            .text()
            .expect("text");
        let at = page.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
        page[at..at + 32].to_string()
    }

    pub fn upload(&self, c: &Client, township: &str, name: &str, bytes: Vec<u8>) -> Response {
        let csrf = self.csrf(c, &format!("/t/{township}"));
        let form = multipart::Form::new().text("csrf", csrf).part(
            "file",
            multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        c.post(format!("{}/t/{township}/upload", self.url))
            .multipart(form)
            .send()
            .expect("upload")
    }
}

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples/returns").join(MONTH).join(name)).expect("sample")
}

/// The generator's findings of a file (rules a single return shows: not the cross-month and
/// peer rules, which need history), as `sheet!cell`.
pub fn expected_cells(file: &str) -> Vec<(String, String)> {
    let e: Value = expected();
    e["months"][MONTH]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["file"] == file)
        .filter(|f| !["R10", "R11", "R12", "R15"].contains(&f["rule"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}!{}",
                    f["sheet"].as_str().unwrap_or(""),
                    f["cell"].as_str().unwrap_or("")
                ),
            )
        })
        .collect()
}

/// A running process's resident memory (kB), where the system says it: Linux's /proc.
#[cfg(target_os = "linux")]
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Elsewhere (the tests compile for Windows) memory is not measured.
#[cfg(not(target_os = "linux"))]
fn rss_kb(_pid: u32) -> u64 {
    0
}

#[test]
fn an_upload_is_answered_with_its_findings_at_their_cells_within_2_s() {
    let s = serve(&["admin", "杏林镇"], "");
    let t = s.login("杏林镇");
    let started = Instant::now();
    let r = s.upload(&t, "杏林镇", "杏林镇10月.xlsx", sample("杏林镇10月.xlsx"));
    let took = started.elapsed();
    assert_eq!(r.status(), 200);
    assert!(r.url().path().ends_with("/v/1"), "{}", r.url());
    for (name, value) in [
        ("content-security-policy", "default-src 'self'"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(r.headers()[name], value);
    }
    let page = r.text().expect("page");
    let cells = expected_cells("杏林镇10月.xlsx");
    assert!(!cells.is_empty());
    for (rule, cell) in &cells {
        let at = page
            .find(&format!("data-cell=\"{cell}\""))
            .unwrap_or_else(|| panic!("{rule} at {cell} not on the page"));
        let item = &page[at..at + page[at..].find("</li>").expect("end")];
        assert!(item.contains(rule.as_str()), "{rule} at {cell}: {item}");
        assert!(item.contains("提示"), "a hint for {rule}: {item}");
        // The grid marks the cell.
        let id = format!("id=\"c-{}\" class=\"", cell.replace('!', "_"));
        assert!(page.contains(&id), "{id}");
    }
    assert!(took < Duration::from_secs(2), "upload answered in {took:?}");
    // The stored copy comes back as an attachment, the same bytes.
    let f = t
        .get(format!("{}/t/杏林镇/v/1/file", s.url))
        .send()
        .expect("file");
    assert!(f.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .starts_with("attachment"));
    assert_eq!(
        f.bytes().expect("bytes").to_vec(),
        sample("杏林镇10月.xlsx")
    );
}

#[test]
fn a_township_reaches_only_its_own_data() {
    let s = serve(&["admin", "杏林镇", "马坊镇"], "");
    let a = s.login("杏林镇");
    let b = s.login("马坊镇");
    let r = s.upload(&b, "马坊镇", "马坊镇 10月.xlsx", sample("马坊镇 10月.xlsx"));
    assert_eq!(r.status(), 200);
    for path in [
        "/t/马坊镇",
        "/t/马坊镇/v/1",
        "/t/马坊镇/v/1/file",
        "/board",
        "/board/rows",
        "/events",
        "/county.xlsx",
    ] {
        let r = a.get(format!("{}{path}", s.url)).send().expect("get");
        assert_eq!(r.status(), 403, "{path}");
        let body = r.text().expect("text");
        assert!(
            body.contains("无权查看") && body.contains("提示"),
            "{path}: {body}"
        );
    }
    // Nor can it post into another township's page.
    let csrf = s.csrf(&a, "/t/杏林镇");
    let form = multipart::Form::new().text("csrf", csrf.clone()).part(
        "file",
        multipart::Part::bytes(sample("杏林镇10月.xlsx")).file_name("x.xlsx"),
    );
    let r = a
        .post(format!("{}/t/马坊镇/upload", s.url))
        .multipart(form)
        .send()
        .expect("post");
    assert_eq!(r.status(), 403);
    let r = a
        .post(format!("{}/t/马坊镇/decide", s.url))
        .form(&[("csrf", csrf.as_str()), ("kind", "accept")])
        .send()
        .expect("post");
    assert_eq!(r.status(), 403);
    // Nor can it file another township's return through its own page: refused, no version.
    // (September's, so that the bytes are new to the ledger: same bytes make no version anyway.)
    let september =
        std::fs::read(root().join("samples/returns/2026-09/马坊镇 9月.xlsx")).expect("sample");
    let r = s.upload(&a, "杏林镇", "马坊镇 9月.xlsx", september);
    assert_eq!(r.status(), 403);
    let body = r.text().expect("text");
    assert!(
        body.contains("马坊镇的报表，不能用本乡镇的账号上传") && body.contains("提示"),
        "{body}"
    );
    let r = a
        .get(format!("{}/t/杏林镇/v/1", s.url))
        .send()
        .expect("get");
    assert_eq!(r.status(), 404, "no version of 杏林镇 was recorded");
    // Logged out: the login page.
    let anon = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = anon
        .get(format!("{}/t/马坊镇/v/1/file", s.url))
        .send()
        .expect("get");
    assert_eq!(r.url().path(), "/login");
}

#[test]
fn forms_need_the_token_and_this_origin_and_logins_are_throttled() {
    let s = serve(&["admin", "杏林镇"], "");
    let admin = s.login("admin");
    let t = s.login("杏林镇");
    s.upload(&t, "杏林镇", "杏林镇10月.xlsx", sample("杏林镇10月.xlsx"));
    let csrf = s.csrf(&admin, "/t/杏林镇");
    let decide = |origin: Option<&str>, token: &str| {
        let mut r = admin.post(format!("{}/t/杏林镇/decide", s.url));
        if let Some(o) = origin {
            r = r.header("Origin", o);
        }
        r.form(&[
            ("csrf", token),
            ("kind", "return"),
            ("reason", "请核对 C01"),
        ])
        .send()
        .expect("post")
    };
    let r = decide(Some("http://evil.example"), &csrf);
    assert_eq!(r.status(), 403);
    assert!(r.text().expect("text").contains("其他网站"));
    assert_eq!(decide(None, "forged").status(), 403);
    let ours = s.url.clone();
    assert_eq!(decide(Some(ours.as_str()), &csrf).status(), 200);
    // Five wrong secrets hold the account, even for the right one, for a while.
    let c = Client::new();
    for _ in 0..5 {
        let r = c
            .post(format!("{}/login", s.url))
            .form(&[("user", "杏林镇"), ("secret", "wrong")])
            .send()
            .expect("login");
        assert_eq!(r.status(), 401);
    }
    let r = c
        .post(format!("{}/login", s.url))
        .form(&[("user", "杏林镇"), ("secret", s.secrets["杏林镇"].as_str())])
        .send()
        .expect("login");
    assert_eq!(r.status(), 429);
    // Every login and upload is in the ledger's log.
    let ledger = huizong::ledger::Ledger::open(&s.ws.join(".huizong/ledger.sqlite")).expect("open");
    let events = ledger.events().expect("events");
    let count = |k: &str| events.iter().filter(|e| e.kind == k).count();
    assert_eq!(count("login"), 2);
    assert_eq!(count("login_failed"), 5);
    assert_eq!(count("upload"), 1);
}

/// A zip package whose one part inflates far beyond the `[limits]` ratio.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).expect("part");
    z.write_all(b"<?xml version=\"1.0\"?><Types/>")
        .expect("write");
    z.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("part");
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).expect("write");
    }
    z.finish().expect("finish");
    out.into_inner()
}

#[test]
fn bad_uploads_are_refused_with_words_and_memory_stays_bounded() {
    let s = serve(&["杏林镇"], "\n[limits]\nmax_file_mb = 2\n");
    let t = s.login("杏林镇");
    // A first check pages in the code it runs (file-backed pages of the binary, ~34 MB of a
    // debug build) and starts the thread pools (~12 MB of stacks and arenas): measured once with
    // /proc's RssFile and RssAnon, it was the whole of the 47–50 MB growth this test used to see,
    // and later uploads add under 1 MB. Warm up with another township's return (checked,
    // refused, nothing recorded), then measure what the bad files cost.
    let r = s.upload(&t, "杏林镇", "马坊镇 10月.xlsx", sample("马坊镇 10月.xlsx"));
    assert_eq!(r.status(), 403);
    let before = rss_kb(s.pid());
    // Larger than the cap: refused as it streams in.
    let r = s.upload(&t, "杏林镇", "杏林镇10月.xlsx", vec![0u8; 3 << 20]);
    assert_eq!(r.status(), 413);
    assert!(r.text().expect("text").contains("文件太大，上限为 2 MB"));
    // An executable renamed .xlsx: told by content, not parsed as a workbook.
    let mut exe = Vec::new();
    std::fs::File::open(env!("CARGO_BIN_EXE_huizong"))
        .expect("exe")
        .take(1 << 20)
        .read_to_end(&mut exe)
        .expect("read");
    let r = s.upload(&t, "杏林镇", "杏林镇10月.xlsx", exe.clone());
    assert_eq!(r.status(), 422);
    let body = r.text().expect("text");
    assert!(
        body.contains("不是可计入的本月报表") && body.contains("提示"),
        "{body}"
    );
    // The same bytes again: said, not a silent return to the township's page.
    let r = s.upload(&t, "杏林镇", "杏林镇10月.xlsx", exe);
    assert_eq!(r.status(), 409);
    let body = r.text().expect("text");
    assert!(
        body.contains("之前已上传过") && body.contains("提示"),
        "{body}"
    );
    // A zip bomb: the package is checked before anything inflates.
    let bomb = zip_bomb();
    assert!(bomb.len() < 2 << 20);
    let r = s.upload(&t, "杏林镇", "杏林镇10月.xlsx", bomb);
    assert_eq!(r.status(), 422);
    // A name with a path.
    let r = s.upload(
        &t,
        "杏林镇",
        "../../杏林镇10月.xlsx",
        sample("杏林镇10月.xlsx"),
    );
    assert_eq!(r.status(), 400);
    assert!(r.text().expect("text").contains("文件名中含有路径"));
    assert!(
        !s.ws.join("杏林镇10月.xlsx").exists()
            && !s.ws.parent().expect("up").join("杏林镇10月.xlsx").exists()
    );
    let after = rss_kb(s.pid());
    // Bounded: the bomb's 64 MB never sat in memory, nor the oversize file twice.
    eprintln!("RSS {before} kB → {after} kB");
    assert!(after < before + 16 * 1024, "RSS {before} kB → {after} kB");
    let ledger = huizong::ledger::Ledger::open(&s.ws.join(".huizong/ledger.sqlite")).expect("open");
    assert!(ledger
        .versions("杏林镇", MONTH)
        .expect("versions")
        .is_empty());
}

#[test]
fn the_board_hears_an_upload_a_return_is_seen_and_version_2_follows() {
    let s = serve(&["admin", "青石镇"], "");
    let admin = s.login("admin");
    let t = s.login("青石镇");
    // The board's event stream, read on a thread.
    let events = admin
        .get(format!("{}/events", s.url))
        .send()
        .expect("events");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(events).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("event: board") && tx.send(Instant::now()).is_err() {
                break;
            }
        }
    });
    let sent = Instant::now();
    let r = s.upload(
        &t,
        "青石镇",
        "青石镇10月报表.xlsx",
        sample("青石镇10月报表.xlsx"),
    );
    assert_eq!(r.status(), 200);
    let heard = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("a board event");
    assert!(heard.duration_since(sent) < Duration::from_secs(2));
    let rows = admin
        .get(format!("{}/board/rows", s.url))
        .send()
        .expect("rows")
        .text()
        .expect("text");
    let row = &rows[rows.find("data-township=\"青石镇\"").expect("row")..];
    assert!(
        !row[..row.find("</tr>").expect("end")].contains("未报"),
        "{row}"
    );
    // The same bytes under another name: no new version, its page shown.
    let r = s.upload(&t, "青石镇", "副本.xlsx", sample("青石镇10月报表.xlsx"));
    assert_eq!(r.status(), 200);
    assert!(r.url().path().ends_with("/v/1"), "{}", r.url());
    // 打回 with a reason: the township sees it.
    let csrf = s.csrf(&admin, "/t/青石镇");
    let r = admin
        .post(format!("{}/t/青石镇/decide", s.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "return"),
            ("reason", "填报日期<script>错了"),
        ])
        .send()
        .expect("return");
    assert_eq!(r.status(), 200);
    let page = t
        .get(format!("{}/t/青石镇", s.url))
        .send()
        .expect("page")
        .text()
        .expect("text");
    assert!(
        page.contains("已打回")
            && page.contains("填报日期&#60;script&#62;错了")
            && !page.contains("<script>错"),
        "{page}"
    );
    // The township's feedback workbook is written again with the reason, as `huizong return` does.
    let feedback =
        s.ws.join("输出/退回修改通知/青石镇_2026-10_第1版_退回修改通知.xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&feedback).expect("feedback workbook");
    let said = calamine::Reader::worksheets(&mut wb)
        .iter()
        .any(|(_, range)| {
            range
                .used_cells()
                .any(|(_, _, c)| *c == "退回原因：填报日期<script>错了")
        });
    assert!(said, "{} does not carry the reason", feedback.display());
    // The resubmission is version 2, with what changed.
    let r = s.upload(
        &t,
        "青石镇",
        "青石镇10月报表(修改版).xlsx",
        sample("青石镇10月报表(修改版).xlsx"),
    );
    assert!(r.url().path().ends_with("/v/2"), "{}", r.url());
    let page = r.text().expect("text");
    assert!(page.contains("与第1版相比的改动"), "{page}");
    let board = admin
        .get(format!("{}/board", s.url))
        .send()
        .expect("board")
        .text()
        .expect("text");
    assert!(
        board.contains("已重报") || board.contains("有错待改"),
        "{board}"
    );
}

#[test]
fn the_county_workbook_downloaded_equals_huizong_run() {
    let s = serve(&["admin", "杏林镇", "马坊镇", "清水乡"], "");
    let admin = s.login("admin");
    for (t, file) in [
        ("杏林镇", "杏林镇10月.xlsx"),
        ("马坊镇", "马坊镇 10月.xlsx"),
        ("清水乡", "清水乡2026-10.xlsx"),
    ] {
        let c = s.login(t);
        assert_eq!(s.upload(&c, t, file, sample(file)).status(), 200);
    }
    let r = admin
        .get(format!("{}/county.xlsx", s.url))
        .send()
        .expect("download");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .starts_with("attachment"));
    let downloaded = r.bytes().expect("bytes").to_vec();
    let counted = s.ws.join(".huizong/counted").join(MONTH);
    let other = s.ws.parent().expect("up").join("one-off");
    let o = crate::huizong_command()
        .arg("run")
        .arg(&counted)
        .arg("--config")
        .arg(s.ws.join("huizong.toml"))
        .arg("--out")
        .arg(&other)
        .arg("--history")
        .arg(other.join("history"))
        .arg("--json")
        .arg(other.join("report.json"))
        .arg("--feedback")
        .arg(other.join("feedback"))
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let book = std::fs::read_dir(&other)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .expect("workbook");
    assert!(
        std::fs::read(&book).expect("read") == downloaded,
        "the workbooks differ"
    );

    // The JSON report and each feedback workbook: the command line's bytes, as attachments.
    let download = |c: &Client, path: &str| {
        let r = c.get(format!("{}{path}", s.url)).send().expect("download");
        assert_eq!(r.status(), 200, "{path}");
        let disposition = r.headers()["content-disposition"].to_str().expect("ascii");
        assert!(
            disposition.starts_with("attachment"),
            "{path}: {disposition}"
        );
        r.bytes().expect("bytes").to_vec()
    };
    // Byte for byte but for the history store's path, which the one-off run keeps apart (it
    // must not write into the workspace's store).
    let json = String::from_utf8(download(&admin, "/report.json")).expect("utf-8");
    let cli = std::fs::read_to_string(other.join("report.json")).expect("json");
    let store_of = |text: &str| {
        let v: Value = serde_json::from_str(text).expect("json");
        v["history"]["store"].as_str().expect("store").to_string()
    };
    let (web_store, cli_store) = (store_of(&json), store_of(&cli));
    assert!(web_store.ends_with(".huizong/history"), "{web_store}");
    assert!(
        json.replace(&web_store, &cli_store) == cli,
        "the JSON reports differ"
    );
    let feedback = |t: &str| {
        std::fs::read_dir(other.join("feedback"))
            .expect("feedback folder")
            .filter_map(Result::ok)
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{t}_"))
            })
            .map(|e| std::fs::read(e.path()).expect("read"))
            .unwrap_or_else(|| panic!("{t}'s feedback workbook"))
    };
    for t in ["杏林镇", "马坊镇", "清水乡"] {
        let path = format!("/t/{t}/feedback.xlsx");
        assert!(
            download(&admin, &path) == feedback(t),
            "{t}'s feedback differs"
        );
    }
    // A township downloads its own, never another's; no return, no feedback (said so).
    let town = s.login("马坊镇");
    assert!(download(&town, "/t/马坊镇/feedback.xlsx") == feedback("马坊镇"));
    for path in ["/t/杏林镇/feedback.xlsx", "/report.json", "/county.xlsx"] {
        let r = town.get(format!("{}{path}", s.url)).send().expect("get");
        assert_eq!(r.status(), 403, "{path}");
    }
    let none = admin
        .get(format!("{}/t/青石镇/feedback.xlsx", s.url))
        .send()
        .expect("get");
    assert_eq!(none.status(), 404);
    assert!(none.text().expect("text").contains("提示"));

    // The board's 催报 list is the one `huizong status` prints.
    let board = admin
        .get(format!("{}/board", s.url))
        .send()
        .expect("board")
        .text()
        .expect("text");
    let at = board.find("<pre id=\"chase\">").expect("the 催报 list") + "<pre id=\"chase\">".len();
    let shown = &board[at..at + board[at..].find("</pre>").expect("end")];
    let status = huizong(&["status", "--workspace", s.ws.to_str().expect("utf-8")]);
    let printed = String::from_utf8_lossy(&status.stdout).to_string();
    let chase = &printed[printed.find("【").expect("催报 printed")..];
    assert_eq!(shown.trim_end(), chase.trim_end());
    assert!(shown.contains("青石镇：尚未报送"), "{shown}");
    assert!(shown.contains("杏林镇：报表有错误"), "{shown}");
}
