//! `huizong serve` in a real browser: Debian's headless Chromium driven through chromedriver
//! (fantoccini, no driver download). A township logs in, uploads a sample return with the file
//! picker and sees its findings at the cells the generator put them in; the statistician's
//! board, open in another browser, shows the upload by itself (server-sent events) within 2 s.
//! The screenshots in docs/ are taken here. Without the browser the test fails under CI=true
//! and says so elsewhere.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::root;
use super::server::{expected_cells, serve, MONTH};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, port }
}

async fn browser(d: &Driver, profile: &Path) -> Client {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a browser session")
}

async fn log_in(c: &Client, url: &str, user: &str, secret: &str) {
    c.goto(&format!("{url}/login")).await.expect("login page");
    c.find(Locator::Css("#user"))
        .await
        .expect("user")
        .send_keys(user)
        .await
        .expect("type");
    c.find(Locator::Css("#secret"))
        .await
        .expect("secret")
        .send_keys(secret)
        .await
        .expect("type");
    c.find(Locator::Css("#login"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_for_path(c, |p| p != "/login").await;
}

/// Waits (up to 30 s) until the browser's address satisfies `ok`.
async fn wait_for_path(c: &Client, ok: impl Fn(&str) -> bool) {
    let started = Instant::now();
    loop {
        let url = c.current_url().await.expect("url");
        if ok(url.path()) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of a board cell; the rows are replaced whenever the ledger changes (a login is an
/// event too), so an element found may go stale before it is read: find it again.
async fn state_of(c: &Client, css: &str) -> String {
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                return t;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{css} never read");
}

/// The browser is there, or the test says why it cannot run (and fails in CI).
fn browser_present() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var("CI").is_err(),
            "CI: {CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver fonts-noto-cjk)"
        );
        eprintln!("browser tests not run: {CHROMIUM} or {CHROMEDRIVER} missing");
    }
    present
}

fn save(name: &str, png: &[u8]) -> PathBuf {
    let path = root().join("docs").join(name);
    std::fs::write(&path, png).expect("screenshot");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_uploads_in_the_browser_and_the_board_follows() {
    if !browser_present() {
        return;
    }
    let s = serve(&["admin", "杏林镇"], "");
    let driver = start_driver();
    let profiles = tempfile::tempdir().expect("profiles");
    let county = browser(&driver, &profiles.path().join("county")).await;
    let town = browser(&driver, &profiles.path().join("town")).await;

    log_in(&county, &s.url, "admin", &s.secrets["admin"]).await;
    county
        .goto(&format!("{}/board", s.url))
        .await
        .expect("board");
    let row = "tr[data-township='杏林镇'] td.state";
    assert_eq!(state_of(&county, row).await, "未报");

    log_in(&town, &s.url, "杏林镇", &s.secrets["杏林镇"]).await;
    assert!(town
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/t/"));
    // The file picker, as a person uses it.
    let file = root()
        .join("samples/returns")
        .join(MONTH)
        .join("杏林镇10月.xlsx");
    town.find(Locator::Css("#file"))
        .await
        .expect("picker")
        .send_keys(file.to_str().expect("utf-8"))
        .await
        .expect("choose");
    town.find(Locator::Css("#send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    wait_for_path(&town, |p| p.ends_with("/v/1")).await;
    let uploaded = Instant::now();

    // Its findings, each at the generator's cell, with the cell marked in the grid.
    let mut shown = Vec::new();
    for li in town
        .find_all(Locator::Css("li.finding"))
        .await
        .expect("findings")
    {
        let cell = li
            .attr("data-cell")
            .await
            .expect("attr")
            .unwrap_or_default();
        shown.push((cell, li.text().await.expect("text")));
    }
    for (rule, cell) in expected_cells("杏林镇10月.xlsx") {
        let found = shown.iter().find(|(c, t)| *c == cell && t.contains(&rule));
        let (_, text) = found.unwrap_or_else(|| panic!("{rule} at {cell}: {shown:?}"));
        assert!(text.contains("提示"), "{text}");
        let id = format!("#c-{}", cell.replace('!', "_"));
        let class = town
            .find(Locator::Css(&id))
            .await
            .expect("grid cell")
            .attr("class")
            .await
            .expect("class");
        assert!(class.is_some_and(|c| c == "bad" || c == "warn"), "{id}");
    }
    town.set_window_size(1280, 1000).await.expect("size");
    save(
        "server-return.png",
        &town.screenshot().await.expect("screenshot"),
    );

    // The board, never reloaded, shows the upload by itself.
    loop {
        let now = state_of(&county, row).await;
        if now != "未报" {
            break;
        }
        assert!(
            uploaded.elapsed() < Duration::from_secs(2),
            "the board still says 未报"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    save(
        "server-board.png",
        &county.screenshot().await.expect("screenshot"),
    );
    county.close().await.expect("close");
    town.close().await.expect("close");
}
