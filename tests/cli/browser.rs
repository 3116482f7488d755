//! `huizong serve` in a real browser: Debian's headless Chromium driven through chromedriver
//! (fantoccini, no driver download). A township logs in, uploads a sample return with the file
//! picker and sees its findings at the cells the generator put them in; the statistician's
//! board, open in another browser, shows the upload by itself (server-sent events) within 2 s.
//! The screenshots in docs/ are taken here when HUIZONG_SCREENSHOTS names the folder. Without the browser the test fails under CI=true
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
    browser_with(d, profile, &[]).await
}

/// A browser with JavaScript switched off (Blink's own setting, as a user's would be).
async fn browser_without_script(d: &Driver, profile: &Path) -> Client {
    browser_with(d, profile, &["--blink-settings=scriptEnabled=false"]).await
}

async fn browser_with(d: &Driver, profile: &Path, extra: &[&str]) -> Client {
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=1280,1000".into(),
        "--lang=zh-CN".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
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

/// Writes a screenshot only when asked (`HUIZONG_SCREENSHOTS=docs cargo test --test cli
/// browser`, a folder relative to the repository): an ordinary run leaves docs/ alone, since the
/// pixels differ run to run (times, ports) and would churn in git.
fn save(name: &str, png: &[u8]) -> Option<PathBuf> {
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    let dir = root().join(std::env::var_os("HUIZONG_SCREENSHOTS")?);
    let path = dir.join(name);
    std::fs::write(&path, png).expect("screenshot");
    Some(path)
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

/// Waits (up to 30 s) for an element to show `want` in its text, the page reloading between
/// looks (a form's answer is a new page).
async fn wait_for_text(c: &Client, css: &str, want: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(want) {
                    return t;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{css} never said {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

/// The CLI's line of a finding, from its rule on (the page shows the cell as a link beside it).
fn cli_line(file: &str, rule: &str) -> String {
    let out = Command::new(super::server::huizong_bin())
        .env(
            "HUIZONG_HISTORY",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("history-none"),
        )
        .arg("check")
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .arg(root().join("samples/returns").join(MONTH).join(file))
        .output()
        .expect("huizong check");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = text
        .lines()
        .find(|l| l.contains(&format!(": {rule} ")))
        .unwrap_or_else(|| panic!("{rule} in {text}"));
    line[line.find(&format!(": {rule} ")).expect("rule") + 2..].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_explains_a_finding_and_the_county_sends_it_back_then_accepts() {
    if !browser_present() {
        return;
    }
    let file = "云溪镇10月.ods";
    let (rule, cell) = expected_cells(file)
        .into_iter()
        .next()
        .expect("the generator's finding to verify");
    let s = serve(&["admin", "云溪镇"], "");
    let driver = start_driver();
    let profiles = tempfile::tempdir().expect("profiles");
    let county = browser(&driver, &profiles.path().join("county")).await;
    let town = browser(&driver, &profiles.path().join("town")).await;
    log_in(&town, &s.url, "云溪镇", &s.secrets["云溪镇"]).await;
    let path = root().join("samples/returns").join(MONTH).join(file);
    town.find(Locator::Css("#file"))
        .await
        .expect("picker")
        .send_keys(path.to_str().expect("utf-8"))
        .await
        .expect("choose");
    click(&town, "#send").await;
    wait_for_path(&town, |p| p.ends_with("/v/1")).await;
    let version_url = town.current_url().await.expect("url").to_string();

    // The finding says its severity once, in the command line's words, at the generator's cell.
    let li = format!("li.finding[data-cell='{cell}']");
    let text = town
        .find(Locator::Css(&format!("{li} span.text")))
        .await
        .expect("the finding")
        .text()
        .await
        .expect("text");
    assert_eq!(text, cli_line(file, &rule));
    assert!(
        text.starts_with(&format!("{rule} 核实 [云溪镇] ")),
        "{text}"
    );
    assert_eq!(text.matches("核实").count(), 1, "{text}");

    // A stock phrase is refused with what to write instead.
    let form = format!("{li} form.explain");
    let explain = |text: &'static str| {
        let (town, form) = (&town, form.clone());
        async move {
            town.find(Locator::Css(&format!("{form} textarea")))
                .await
                .expect("textarea")
                .send_keys(text)
                .await
                .expect("type");
            click(town, &format!("{form} button")).await;
        }
    };
    explain("已核实").await;
    wait_for_text(&town, "main", "说明须写明原因").await;
    wait_for_text(&town, "main", "提示").await;
    town.goto(&version_url).await.expect("back");

    // The township explains; the county sends it back.
    explain("外地产妇回乡筛查").await;
    wait_for_text(&town, &format!("{li} .x-state"), "待县里确认").await;
    log_in(&county, &s.url, "admin", &s.secrets["admin"]).await;
    county.goto(&version_url).await.expect("version page");
    assert!(
        county
            .find(Locator::Css(&format!("{li} form.explain")))
            .await
            .is_err(),
        "the county decides, it does not write the township's explanation"
    );
    click(&county, &format!("{li} .x-return")).await;
    wait_for_text(&county, &format!("{li} .x-state"), "说明打回").await;
    town.refresh().await.expect("reload");
    wait_for_text(&town, &format!("{li} .x-state"), "说明打回").await;

    // A second, real explanation; the county accepts it and the board counts nothing open.
    let reason = "本月有3名外地产妇回乡分娩后在本院筛查 <b>";
    explain(reason).await;
    wait_for_text(
        &town,
        &format!("{li} .explanation:last-of-type"),
        "待县里确认",
    )
    .await;
    county.refresh().await.expect("reload");
    click(&county, &format!("{li} .x-accept")).await;
    let last = wait_for_text(
        &county,
        &format!("{li} .explanation:last-of-type"),
        "说明接受",
    )
    .await;
    assert!(
        last.contains(reason),
        "the text kept as typed, as text: {last}"
    );
    town.refresh().await.expect("reload");
    wait_for_text(
        &town,
        &format!("{li} .explanation:last-of-type"),
        "说明接受",
    )
    .await;
    county
        .goto(&format!("{}/board", s.url))
        .await
        .expect("board");
    let row = "tr[data-township='云溪镇'] td.state";
    assert_eq!(state_of(&county, row).await, "待通过");
    county.close().await.expect("close");
    town.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_essentials_work_with_javascript_off() {
    if !browser_present() {
        return;
    }
    let s = serve(&["admin", "杏林镇"], "");
    let driver = start_driver();
    let profiles = tempfile::tempdir().expect("profiles");
    let county = browser_without_script(&driver, &profiles.path().join("county")).await;
    let town = browser_without_script(&driver, &profiles.path().join("town")).await;
    log_in(&county, &s.url, "admin", &s.secrets["admin"]).await;
    county
        .goto(&format!("{}/board", s.url))
        .await
        .expect("board");
    let row = "tr[data-township='杏林镇'] td.state";
    assert_eq!(state_of(&county, row).await, "未报");

    // Log in, upload through the plain form, see the findings at their cells.
    log_in(&town, &s.url, "杏林镇", &s.secrets["杏林镇"]).await;
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
    click(&town, "#send").await;
    wait_for_path(&town, |p| p.ends_with("/v/1")).await;
    for (rule, cell) in expected_cells("杏林镇10月.xlsx") {
        let li = format!("li.finding[data-cell='{cell}']");
        let text = wait_for_text(&town, &li, &rule).await;
        assert!(text.contains("提示"), "{text}");
    }

    // Script is really off: the board does not follow by itself (it does with script, in the
    // test above, within 2 s); reloaded, it shows the upload.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(state_of(&county, row).await, "未报");
    county.refresh().await.expect("reload");
    assert_eq!(state_of(&county, row).await, "有错待改");

    // A decision through the plain form: 打回 with a reason, seen by the township.
    county
        .goto(&format!("{}/t/杏林镇", s.url))
        .await
        .expect("township page");
    let reason = "R01 合计不等于分项之和，请核对后重报";
    county
        .find(Locator::Css("#reason"))
        .await
        .expect("reason")
        .send_keys(reason)
        .await
        .expect("type");
    click(&county, "#return button").await;
    wait_for_text(&county, "#decisions", reason).await;
    town.goto(&format!("{}/t/杏林镇", s.url))
        .await
        .expect("own page");
    wait_for_text(&town, "#returned", reason).await;
    wait_for_text(&town, "#state", "已打回").await;
    // And out again.
    click(&town, "header form button").await;
    wait_for_path(&town, |p| p == "/login").await;
    county.close().await.expect("close");
    town.close().await.expect("close");
}
