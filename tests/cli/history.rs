//! The history store across runs, `huizong check` with it, and explanations (审核说明) that
//! stick: through the binary, on the samples.

use std::path::Path;

use serde_json::Value;

use super::{expected, root, run_month, run_months_in_order, MONTHS};

fn huizong(args: &[&str]) -> (i32, String) {
    let out = crate::huizong_command()
        .args(args)
        .output()
        .expect("run huizong");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// The store's files and their bytes.
fn store(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("store")
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

fn config() -> String {
    root().join("samples/huizong.toml").display().to_string()
}

#[test]
fn the_store_month_by_month_equals_the_store_built_from_the_folders() {
    let by_month = tempfile::tempdir().expect("tempdir");
    let runs = run_months_in_order(by_month.path());
    assert_eq!(runs.len(), 3);
    let built = tempfile::tempdir().expect("tempdir");
    // The folders in any order: the store keeps one file a month.
    let folders: Vec<String> = ["2026-10", "2026-08", "2026-09"]
        .iter()
        .map(|m| root().join("samples/returns").join(m).display().to_string())
        .collect();
    let h = built.path().display().to_string();
    let mut args = vec!["history", "build"];
    args.extend(folders.iter().map(String::as_str));
    args.extend(["--history", h.as_str(), "--config"]);
    let c = config();
    args.push(c.as_str());
    let (status, text) = huizong(&args);
    assert_eq!(status, 0, "{text}");
    let names: Vec<String> = store(built.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(
        names,
        ["2026-08.parquet", "2026-09.parquet", "2026-10.parquet"]
    );
    assert!(
        store(by_month.path()) == store(built.path()),
        "the two stores differ"
    );
}

#[test]
fn running_a_month_twice_gives_the_same_history() {
    let h = tempfile::tempdir().expect("tempdir");
    let hs = h.path().display().to_string();
    run_month("2026-09", &["--history", hs.as_str()]);
    let first = store(h.path());
    assert_eq!(first.len(), 1);
    run_month("2026-09", &["--history", hs.as_str()]);
    assert!(
        first == store(h.path()),
        "re-running a month changed its figures"
    );
}

#[test]
fn october_before_september_says_r11_cannot_be_evaluated() {
    let h = tempfile::tempdir().expect("tempdir");
    let hs = h.path().display().to_string();
    let run = run_month("2026-10", &["--history", hs.as_str()]);
    let anomalies = run.json["anomalies"].as_array().expect("anomalies");
    let r11: Vec<&Value> = anomalies.iter().filter(|f| f["rule"] == "R11").collect();
    assert_eq!(r11.len(), 1, "{r11:?}");
    assert_eq!(r11[0]["not_evaluable"], "no_previous_month");
    assert_eq!(r11[0]["severity"], "notice");
    // The run itself goes on: the workbook is written and its status is that of its findings.
    assert_eq!(run.status, 1);
    assert!(run.stdout.contains("R11"), "{}", run.stdout);
}

#[test]
fn check_reads_the_history_for_the_cross_month_rules() {
    let h = tempfile::tempdir().expect("tempdir");
    let hs = h.path().display().to_string();
    for m in ["2026-08", "2026-09"] {
        run_month(m, &["--history", hs.as_str()]);
    }
    let file = root()
        .join("samples/returns/2026-10/龙泉乡_10月.xls")
        .display()
        .to_string();
    let c = config();
    let (status, text) = huizong(&["check", &file, "--config", &c, "--history", &hs]);
    assert_eq!(status, 1, "{text}");
    assert!(
        text.contains("龙泉乡_10月.xls:表2!F20: R11"),
        "R11 from last month's figures:\n{text}"
    );
    // One return has no peers of its own this month: last month's other townships stand in.
    let liuhe = root()
        .join("samples/returns/2026-10/柳河镇_2026年10月.xlsx")
        .display()
        .to_string();
    let (_, text) = huizong(&["check", &liuhe, "--config", &c, "--history", &hs]);
    // Its peers: the townships counted last month (the generator's list), itself left out.
    let peers = expected()["months"]["2026-09"]["returns"]
        .as_array()
        .expect("returns")
        .iter()
        .filter(|r| r["status"] == "counted" && r["township"] != "柳河镇")
        .count();
    assert!(
        text.contains("柳河镇_2026年10月.xlsx:表1!E23: R15 核实 [柳河镇] B09")
            && text.contains(&format!("上月 {peers} 个其他乡镇")),
        "B09 typed 2063 for 206.3:\n{text}"
    );
    // Without the store the rule says it cannot be evaluated.
    let empty = tempfile::tempdir().expect("tempdir");
    let es = empty.path().display().to_string();
    let (_, text) = huizong(&["check", &file, "--config", &c, "--history", &es]);
    assert!(!text.contains("F20: R11"), "{text}");
    assert!(text.contains("R11") && text.contains("无法评估"), "{text}");
}

#[test]
fn explanations_beside_the_returns_are_tied_to_their_values() {
    let exp = expected();
    let h = tempfile::tempdir().expect("tempdir");
    let runs = run_months_in_order(h.path());
    let (_, october) = runs.iter().find(|(m, _)| *m == MONTHS[2]).expect("October");
    let anomalies = october.json["anomalies"].as_array().expect("anomalies");
    let wanted = exp["months"][MONTHS[2]]["explanations"]
        .as_array()
        .expect("explanations");
    assert_eq!(wanted.len(), 4);
    for w in wanted {
        let f = anomalies
            .iter()
            .find(|f| {
                f["township"] == w["township"]
                    && f["rule"] == w["rule"]
                    && f["indicator"] == w["code"]
                    && f["column"] == w["column"]
            })
            .unwrap_or_else(|| panic!("no finding for {w}"));
        assert_eq!(f["review"]["state"], w["state"], "{w} → {f}");
    }
    // The explanations file is not a return.
    assert!(october.json["returns"]
        .as_array()
        .expect("returns")
        .iter()
        .all(|r| r["file"] != "审核说明.csv"));
}

/// The statistician fills in the file a run writes, puts it beside the returns, and the next
/// run shows the finding explained; change the value, and it is open again.
#[test]
fn an_explanation_recorded_makes_the_next_run_show_it_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("2026-09");
    std::fs::create_dir(&folder).expect("folder");
    for e in std::fs::read_dir(root().join("samples/returns/2026-09")).expect("samples") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), folder.join(e.file_name())).expect("copy");
    }
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", folder.to_str().expect("path"), "--config"];
        let c = config();
        let o = out.display().to_string();
        let j = dir.path().join("run.json").display().to_string();
        args.extend([c.as_str(), "--out", o.as_str(), "--json", j.as_str(), "-q"]);
        args.extend(extra);
        let (status, text) = huizong(&args);
        assert!(status < 2, "{text}");
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(&j).expect("json")).expect("parse");
        json
    };
    let first = run(&[]);
    let fill_in = out.join("安平县_2026-09_审核说明待填.csv");
    let text = std::fs::read_to_string(&fill_in).expect("fill-in file");
    assert!(text.starts_with('\u{feff}'), "Excel needs the BOM");
    // R08 at 青石镇 (bed occupancy over 105%) is a warning with no explanation yet.
    let line = text
        .lines()
        .find(|l| l.starts_with("青石镇,2026-09,R08,B04,本月数,"))
        .unwrap_or_else(|| panic!("no R08 row in\n{text}"));
    let cols: Vec<&str> = line.split(',').collect();
    let filled = format!(
        "乡镇,报告期,规则,指标,栏目,数值,说明,状态,审核人,审核日期\n{},{},{},{},{},{},加床收治流感患者，已电话核实,接受,李统计,2026-10-09\n",
        cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]
    );
    let r08 = |json: &Value| -> Value {
        json["anomalies"]
            .as_array()
            .expect("anomalies")
            .iter()
            .find(|f| f["rule"] == "R08" && f["column"] == "month")
            .cloned()
            .expect("R08")
    };
    assert!(r08(&first)["review"].is_null());
    std::fs::write(folder.join("审核说明.csv"), &filled).expect("write");
    let second = run(&[]);
    assert_eq!(r08(&second)["review"]["state"], "accepted");
    assert_eq!(r08(&second)["review"]["by"], "李统计");
    // The explanation was for other values: it goes stale.
    let stale = filled.replace(cols[5], "病床使用率=101.5");
    assert_ne!(stale, filled, "{filled}");
    std::fs::write(folder.join("审核说明.csv"), &stale).expect("write");
    assert_eq!(r08(&run(&[]))["review"]["state"], "stale");
}

/// The 趋势 sheet's earlier months are those months' own county rates (from summed parts), as
/// the generator computed them.
#[test]
fn the_trend_sheet_gives_each_month_its_own_county_rates() {
    let exp = expected();
    let h = tempfile::tempdir().expect("tempdir");
    let runs = run_months_in_order(h.path());
    let (_, october) = runs.last().expect("October");
    let sheet = super::sheet(&october.workbook, "趋势");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    let header = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "报告期"))
        .expect("header row");
    let mut compared = 0;
    for month in MONTHS {
        let row = sheet
            .rows()
            .find(|r| matches!(r.first(), Some(calamine::Data::String(s)) if s == month))
            .unwrap_or_else(|| panic!("no row for {month}"));
        for (col, head) in header.iter().enumerate().skip(1) {
            let name = head.split('（').next().unwrap_or_default();
            let want = exp["months"][month]["rates"][name]["month"].as_f64();
            assert!(
                super::close(super::num(row.get(col)), want),
                "{month} {name}: {:?} vs {want:?}",
                row.get(col)
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 3 * 18);
}

/// A township writes its reasons in the 说明 column of the feedback workbook and sends it back:
/// dropped beside the returns, it is not a return, and its explanations await the county.
#[test]
fn explanations_written_in_a_feedback_workbook_are_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("2026-10");
    std::fs::create_dir(&folder).expect("folder");
    for e in std::fs::read_dir(root().join("samples/returns/2026-10")).expect("samples") {
        let e = e.expect("entry");
        // The county's own file would decide; here only the township has written.
        if e.file_name() != "审核说明.csv" {
            std::fs::copy(e.path(), folder.join(e.file_name())).expect("copy");
        }
    }
    let (out, feedback) = (dir.path().join("out"), dir.path().join("feedback"));
    let c = config();
    let run = |json: &Path| -> Value {
        let (status, text) = huizong(&[
            "run",
            folder.to_str().expect("path"),
            "--config",
            &c,
            "--out",
            out.to_str().expect("path"),
            "--feedback",
            feedback.to_str().expect("path"),
            "--json",
            json.to_str().expect("path"),
            "-q",
        ]);
        assert!(status < 2, "{text}");
        serde_json::from_str(&std::fs::read_to_string(json).expect("json")).expect("parse")
    };
    run(&dir.path().join("first.json"));
    let sent = std::fs::read(feedback.join("云溪镇_2026-10_退回修改通知.xlsx")).expect("feedback");
    // The township types a reason into every empty 说明 cell (column H) of 差错清单.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&sent)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive
            .by_name("xl/worksheets/sheet1.xml")
            .expect("差错清单"),
        &mut xml,
    )
    .expect("read");
    let reason = "9月30日出生的新生儿在10月初完成筛查";
    let mut typed = 0;
    let re = regex::Regex::new(r#"<c r="H(\d+)" s="(\d+)"/>"#).expect("regex");
    let xml = re
        .replace_all(&xml, |c: &regex::Captures| {
            if c[1].parse::<u32>().unwrap_or(0) < 5 {
                return c[0].to_string();
            }
            typed += 1;
            format!(
                r#"<c r="H{}" s="{}" t="inlineStr"><is><t>{reason}</t></is></c>"#,
                &c[1], &c[2]
            )
        })
        .into_owned();
    assert!(typed > 0, "no 说明 cell in {xml}");
    let back = super::bad_builder::rewrite_zip(&sent, "xl/worksheets/sheet1.xml", xml.as_bytes());
    std::fs::write(folder.join("云溪镇_反馈.xlsx"), back).expect("write");
    let second = run(&dir.path().join("second.json"));
    let r06 = second["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .find(|f| f["rule"] == "R06" && f["township"] == "云溪镇")
        .cloned()
        .expect("R06");
    assert_eq!(r06["review"]["state"], "pending", "{r06}");
    assert_eq!(r06["review"]["text"], reason);
    assert!(
        r06["review"]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("云溪镇_反馈.xlsx")),
        "{r06}"
    );
    let status = second["returns"]
        .as_array()
        .expect("returns")
        .iter()
        .find(|r| r["file"] == "云溪镇_反馈.xlsx")
        .map(|r| r["status"].clone());
    assert_eq!(status, Some(Value::from("feedback")));
}

/// A township types a correction into a copied sheet of its feedback workbook and sends that
/// back: it is not read as a return, and each changed cell is said (F30, a warning) with its
/// sheet and cell, in Chinese and English, with the hint saying how to send a correction. The
/// untouched feedback workbook says nothing of the kind (the check can fail both ways).
#[test]
fn corrections_typed_into_a_feedback_workbook_are_refused_aloud() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("2026-10");
    std::fs::create_dir(&folder).expect("folder");
    for e in std::fs::read_dir(root().join("samples/returns/2026-10")).expect("samples") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), folder.join(e.file_name())).expect("copy");
    }
    let feedback = dir.path().join("feedback");
    let c = config();
    let (status, text) = huizong(&[
        "run",
        folder.to_str().expect("path"),
        "--config",
        &c,
        "--out",
        dir.path().join("out").to_str().expect("path"),
        "--feedback",
        feedback.to_str().expect("path"),
        "-q",
    ]);
    assert!(status < 2, "{text}");
    let sent_path = feedback.join("云溪镇_2026-10_退回修改通知.xlsx");
    let check = |path: &Path, lang: &str| {
        huizong(&[
            "check",
            path.to_str().expect("path"),
            "--config",
            &c,
            "--lang",
            lang,
        ])
        .1
    };
    let untouched = check(&sent_path, "zh");
    assert!(!untouched.contains("F30"), "{untouched}");
    // The first copied sheet (sheet2) gets one number changed, as Excel would save it.
    let sent = std::fs::read(&sent_path).expect("feedback");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&sent)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet2.xml").expect("copy"),
        &mut xml,
    )
    .expect("read");
    let re =
        regex::Regex::new(r#"<c r="([E-F]\d+)"( s="\d+")?><v>([0-9.]+)</v></c>"#).expect("regex");
    let hit = re.captures(&xml).expect("a number in the copied sheet");
    let (cell, was) = (hit[1].to_string(), hit[3].to_string());
    let now = was.parse::<f64>().expect("number") + 7.0;
    let edited = xml.replacen(
        &hit[0],
        &format!(
            r#"<c r="{cell}"{}><v>{now}</v></c>"#,
            hit.get(2).map_or("", |m| m.as_str())
        ),
        1,
    );
    let back =
        super::bad_builder::rewrite_zip(&sent, "xl/worksheets/sheet2.xml", edited.as_bytes());
    let back_path = dir.path().join("云溪镇_改好了.xlsx");
    std::fs::write(&back_path, back).expect("write");
    let zh = check(&back_path, "zh");
    let line = zh
        .lines()
        .find(|l| l.contains("F30"))
        .unwrap_or_else(|| panic!("F30 said:\n{zh}"));
    assert!(line.contains(&format!("!{cell}")), "the cell: {line}");
    assert!(line.contains(&format!("由“{was}”改成了“{now}”")), "{line}");
    assert!(line.contains("不会被汇总"), "{line}");
    assert!(zh.contains("请云溪镇在原报表文件上更正"), "the hint:\n{zh}");
    assert_eq!(zh.matches("F30").count(), 1, "only the cell changed:\n{zh}");
    let en = check(&back_path, "en");
    assert!(
        en.contains(&format!("changed from “{was}” to “{now}”"))
            && en.contains("are not counted")
            && en.contains("correct its return file itself"),
        "{en}"
    );
}

/// Without `--history`, a one-off run keeps its store in `历史库` beside the configuration file,
/// not under `--out`: a county that writes each month to a new output folder still finds last
/// month. A run whose store has no previous month says so plainly with the store's whole path
/// and the command that fills it; that command, run as printed, fills it, and the next run,
/// into another output folder, says nothing of the kind.
#[test]
fn a_missing_previous_month_is_said_with_the_command_that_fixes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let county = dir.path().join("安平县月报");
    std::fs::create_dir_all(&county).expect("mkdir");
    let cfg = county.join("huizong.toml");
    std::fs::copy(root().join("samples/huizong.toml"), &cfg).expect("config");
    let c = cfg.display().to_string();
    let october = root().join("samples/returns/2026-10");
    // The real default: no HUIZONG_HISTORY (the tests' isolation) for these runs.
    let plain = |args: &[&str]| {
        let out = crate::huizong_command()
            .env_remove("HUIZONG_HISTORY")
            .args(args)
            .output()
            .expect("run huizong");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let run = |lang: &str, out: &str| {
        plain(&[
            "run",
            october.to_str().expect("path"),
            "--config",
            &c,
            "--out",
            county.join(out).to_str().expect("path"),
            "--lang",
            lang,
            "-q",
        ])
    };
    let (status, zh) = run("zh", "十月输出");
    assert!(status < 2, "{zh}");
    let store = std::path::absolute(county.join("历史库")).expect("absolute");
    let store = store.to_str().expect("path");
    assert!(
        zh.contains(&format!("历史库 {store} 中没有上月（2026-09）的数据")),
        "{zh}"
    );
    assert!(zh.contains("不视为通过"), "{zh}");
    let command =
        format!("huizong history build <2026-09的报表文件夹> --config {c} --history {store}");
    assert!(zh.contains(&command), "{zh}");
    assert!(zh.contains(&format!("历史库: {store}")), "{zh}");
    assert!(!county.join("十月输出/history").exists());
    let (_, en) = run("en", "October");
    assert!(
        en.contains(&format!("the history store {store} has no figures for last month (2026-09)"))
            && en.contains(&format!("hint: build last month into the store, then run again: huizong history build <2026-09 returns folder> --config {c} --history {store}")),
        "{en}"
    );
    // The command as printed, with the folder filled in.
    let september = root().join("samples/returns/2026-09");
    let (status, built) = plain(&[
        "history",
        "build",
        september.to_str().expect("path"),
        "--config",
        &c,
        "--history",
        store,
    ]);
    assert_eq!(status, 0, "{built}");
    let (_, again) = run("zh", "十月输出(重跑)");
    assert!(!again.contains("没有上月"), "{again}");
    assert!(again.contains(&format!("历史库: {store}")), "{again}");
}
