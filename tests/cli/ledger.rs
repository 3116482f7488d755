//! One month through the workspace and its ledger (issue 12's acceptance): three clean returns;
//! one with errors (feedback written at once); its corrected copy (version 2, diff, findings
//! fixed and new); an explanation accepted; a return sent back and resubmitted; townships
//! missing. The final county workbook equals `huizong run` on the same files, byte for byte.
//!
//! The returns are the samples' August (`samples/returns/2026-08`): the generator says which
//! are clean (`injected` empty in samples/expected.json) and where each injected error sits.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::bad_builder::rewrite_zip;
use super::{expected, root};

const MONTH: &str = "2026-08";

fn huizong(ws: &Path, args: &[&str]) -> Output {
    crate::huizong_command()
        .args(args)
        .arg("--workspace")
        .arg(ws)
        .output()
        .expect("run huizong")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples/returns").join(MONTH).join(name)).expect("sample")
}

/// A sheet part with one cell's element replaced (the samples' cells are `<c r="E22" …>…</c>`).
fn with_cell(xml: &str, cell: &str, value: f64) -> String {
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("{cell} not in sheet"));
    let end = start + xml[start..].find("</c>").expect("cell end") + 4;
    format!(
        "{}<c r=\"{cell}\" t=\"n\"><v>{value}</v></c>{}",
        &xml[..start],
        &xml[end..]
    )
}

fn part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("read");
    s
}

fn drop_into(ws: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = ws.join("收件箱").join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, bytes).expect("drop");
    p
}

fn status_line<'a>(status: &'a str, township: &str) -> &'a str {
    status
        .lines()
        .find(|l| l.starts_with(&format!("{township}\t")))
        .unwrap_or_else(|| panic!("{township} not on the board:\n{status}"))
}

#[test]
fn one_month_through_the_ledger() {
    let exp = expected();
    let month = &exp["months"][MONTH];
    let injected = |file: &str| {
        month["returns"]
            .as_array()
            .expect("returns")
            .iter()
            .find(|r| r["file"] == file)
            .map(|r| r["injected"].as_array().expect("injected").len())
            .expect("file in expected.json")
    };
    let clean = [
        "青石镇8月报表.xlsx",
        "8月 白沙乡.xls",
        "柳河镇_2026年08月.xlsx",
    ];
    for f in clean {
        assert_eq!(injected(f), 0, "{f} is clean in the generator's data");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("安平县");
    let init = crate::huizong_command()
        .args(["init"])
        .arg(&ws)
        .arg("--config")
        .arg(root().join("samples/huizong.toml"))
        .output()
        .expect("init");
    assert!(init.status.success(), "{}", text(&init));

    // Week one: three clean returns, one with an error, one with a warning, one with a blank.
    for f in clean {
        drop_into(&ws, &format!("微信/{f}"), &sample(f));
    }
    let dongling = sample("东岭乡8月.xlsx");
    let qingshui = sample("清水乡2026-08.xlsx");
    drop_into(&ws, "东岭乡8月.xlsx", &dongling);
    drop_into(&ws, "杏林镇8月.xlsx", &sample("杏林镇8月.xlsx"));
    drop_into(&ws, "邮件/清水乡2026-08.xlsx", &qingshui);
    let first = huizong(&ws, &["watch", "--once"]);
    let out = text(&first);
    assert!(first.status.success(), "{out}");
    for t in ["青石镇", "白沙乡", "柳河镇", "东岭乡", "杏林镇", "清水乡"] {
        assert!(
            out.contains(&format!("{t} {MONTH} 第1版")),
            "{t} v1:\n{out}"
        );
    }
    // The error, at the generator's cell, and its feedback workbook at once.
    assert!(out.contains("东岭乡8月.xlsx:表1!E22: R13 错误"), "{out}");
    let feedback = ws.join(format!(
        "输出/退回修改通知/东岭乡_{MONTH}_第1版_退回修改通知.xlsx"
    ));
    assert!(feedback.is_file(), "{out}");

    let board = text(&huizong(&ws, &["status"]));
    assert!(
        status_line(&board, "东岭乡").contains("有错待改"),
        "{board}"
    );
    assert!(
        status_line(&board, "杏林镇").contains("说明待审"),
        "{board}"
    );
    assert!(status_line(&board, "青石镇").contains("待通过"), "{board}");
    assert!(status_line(&board, "龙泉乡").contains("未报"), "{board}");

    // Decisions: the clean ones accepted; an error cannot be accepted.
    for t in ["青石镇", "白沙乡", "柳河镇"] {
        let o = huizong(&ws, &["accept", t, "--by", "刘文斌"]);
        assert!(text(&o).contains("已记录决定"), "{}", text(&o));
    }
    let refused = huizong(&ws, &["accept", "东岭乡"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("不能通过") && text(&refused).contains("提示"));
    // The explanation for 杏林镇's R07 (a warning) accepted, then the return.
    let why = "本月开展流感疫苗集中接种，实种人次含外乡镇来种的补种人次。";
    let o = huizong(&ws, &["explanation", "杏林镇", "R07", "--text", why]);
    assert!(o.status.success(), "{}", text(&o));
    let o = huizong(&ws, &["accept", "杏林镇"]);
    assert!(o.status.success(), "{}", text(&o));
    // 清水乡 sent back with a reason: its feedback workbook carries it.
    let reason = "C15 结婚登记人数未填，请补填后重报";
    let o = huizong(&ws, &["return", "清水乡", "--reason", reason]);
    assert!(o.status.success(), "{}", text(&o));
    let back = ws.join(format!(
        "输出/退回修改通知/清水乡_{MONTH}_第1版_退回修改通知.xlsx"
    ));
    let list = super::sheet(&back, "差错清单");
    assert!(
        list.get_value((2, 0))
            .is_some_and(|v| v.to_string().contains(reason)),
        "the reason is on the list sheet"
    );
    let board = text(&huizong(&ws, &["status"]));
    assert!(status_line(&board, "清水乡").contains("已打回"), "{board}");
    assert!(board.contains(reason), "the 催报 list says why:\n{board}");

    // Week two: 东岭乡's corrected copy (B08 fixed, A-row value made negative: a new error),
    // the same bytes again under another name, and 清水乡 resubmitted with C15 filled in.
    let sheet1 = part(&dongling, "xl/worksheets/sheet1.xml");
    let corrected = rewrite_zip(
        &dongling,
        "xl/worksheets/sheet1.xml",
        with_cell(&with_cell(&sheet1, "E22", 5.0), "E5", -1.0).as_bytes(),
    );
    drop_into(&ws, "东岭乡8月(修改版).xlsx", &corrected);
    drop_into(&ws, "东岭乡8月(修改版)_副本.xlsx", &corrected);
    let sheet2 = part(&qingshui, "xl/worksheets/sheet2.xml");
    let filled = sheet2.replacen(
        "</is></c><c r=\"F18\"",
        "</is></c><c r=\"E18\" t=\"n\"><v>40</v></c><c r=\"F18\"",
        1,
    );
    assert_ne!(filled, sheet2, "the blank E18 is filled in");
    let resubmitted = rewrite_zip(&qingshui, "xl/worksheets/sheet2.xml", filled.as_bytes());
    drop_into(&ws, "清水乡2026-08 重报.xlsx", &resubmitted);
    let second = huizong(&ws, &["watch", "--once"]);
    let out = text(&second);
    assert!(out.contains(&format!("东岭乡 {MONTH} 第2版")), "{out}");
    let new_versions = out.lines().filter(|l| l.contains(" 第2版 (")).count();
    assert_eq!(new_versions, 2, "one new version each:\n{out}");
    assert!(
        out.contains("完全相同"),
        "the copy makes no version:\n{out}"
    );
    assert!(
        out.contains("修改 ") && out.contains("5"),
        "the diff:\n{out}"
    );
    let fixed = out.lines().find(|l| l.contains("已改正")).unwrap_or("");
    assert!(fixed.contains("R13 B08 month"), "{out}");
    let new = out.lines().find(|l| l.contains("新出现")).unwrap_or("");
    assert!(new.contains("R13 ") && !new.contains("B08"), "{out}");
    assert!(ws
        .join(format!(
            "输出/退回修改通知/东岭乡_{MONTH}_第2版_退回修改通知.xlsx"
        ))
        .is_file());
    let board = text(&huizong(&ws, &["status"]));
    assert!(status_line(&board, "清水乡").contains("已重报"), "{board}");
    let o = huizong(&ws, &["accept", "清水乡"]);
    assert!(o.status.success(), "{}", text(&o));
    // Already seen: a third pass takes nothing new.
    let third = text(&huizong(&ws, &["watch", "--once"]));
    assert!(!third.contains("第"), "nothing new:\n{third}");

    let board = text(&huizong(&ws, &["status"]));
    for t in ["青石镇", "白沙乡", "柳河镇", "杏林镇", "清水乡"] {
        assert!(status_line(&board, t).contains("已通过"), "{t}:\n{board}");
    }
    assert!(
        status_line(&board, "东岭乡").contains("有错待改"),
        "{board}"
    );
    for t in [
        "南湖镇",
        "西山乡",
        "北关镇",
        "石桥镇",
        "龙泉乡",
        "桃源乡",
        "云溪镇",
        "马坊镇",
    ] {
        assert!(status_line(&board, t).contains("未报"), "{t}:\n{board}");
    }
    let chase = board.split("催报").nth(1).expect("催报 list");
    assert!(
        chase.contains("龙泉乡：尚未报送") && chase.contains("东岭乡"),
        "{board}"
    );

    // The county workbook from the ledger, and `huizong run` on the same files.
    let run = huizong(&ws, &["run"]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "an error stays open:\n{}",
        text(&run)
    );
    let from_ledger = std::fs::read(ws.join(format!("输出/安平县_{MONTH}_汇总.xlsx"))).expect("wb");
    let counted = ws.join(format!(".huizong/counted/{MONTH}"));
    let mut names: Vec<String> = std::fs::read_dir(&counted)
        .expect("counted")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "8月 白沙乡.xls",
            "东岭乡8月(修改版).xlsx",
            "审核说明.csv",
            "报送状态.csv",
            "杏林镇8月.xlsx",
            "柳河镇_2026年08月.xlsx",
            "清水乡2026-08 重报.xlsx",
            "青石镇8月报表.xlsx",
        ]
    );
    // The versions that count are the bytes dropped: latest of 东岭乡, resubmitted 清水乡.
    assert_eq!(
        std::fs::read(counted.join("东岭乡8月(修改版).xlsx")).expect("read"),
        corrected
    );
    assert_eq!(
        std::fs::read(counted.join("清水乡2026-08 重报.xlsx")).expect("read"),
        resubmitted
    );
    let explanations = std::fs::read_to_string(counted.join("审核说明.csv")).expect("csv");
    assert!(explanations.contains(why) && explanations.contains("接受"));
    let other = dir.path().join("one-off");
    let folder_run = crate::huizong_command()
        .arg("run")
        .arg(&counted)
        .arg("--config")
        .arg(ws.join("huizong.toml"))
        .arg("--out")
        .arg(&other)
        .arg("--history")
        .arg(other.join("history"))
        .output()
        .expect("run");
    assert_eq!(folder_run.status.code(), Some(1), "{}", text(&folder_run));
    let from_folder = std::fs::read(other.join(format!("安平县_{MONTH}_汇总.xlsx"))).expect("wb");
    assert!(from_ledger == from_folder, "the two workbooks differ");
    decisions_in_the_workbook(
        &other.join(format!("安平县_{MONTH}_汇总.xlsx")),
        reason,
        why,
    );
    // The explanation is applied: 杏林镇's R07 no longer counts against the run.
    assert!(text(&run).contains("审核说明（已接受"), "{}", text(&run));

    // The ledger: sound, every decision there, the log append-only and complete.
    let ledger = huizong::ledger::Ledger::open(&ws.join(".huizong/ledger.sqlite")).expect("open");
    assert_eq!(ledger.integrity_check().expect("check"), "ok");
    assert_eq!(ledger.decision_ids().expect("ids").len(), 7);
    let versions = ledger.versions("东岭乡", MONTH).expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[0].filled.as_deref(), Some("2026-09-01"));
    let events = ledger.events().expect("events");
    assert_eq!(events.iter().filter(|e| e.kind == "decision").count(), 7);
}

/// The decisions are in the county workbook: the board with 打回 and 通过 (报送状态), the
/// accepted explanation in 异常清单.
fn decisions_in_the_workbook(path: &Path, reason: &str, why: &str) {
    let board = super::sheet(path, "报送状态");
    let rows: Vec<Vec<String>> = board
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let of = |t: &str| -> Vec<&Vec<String>> { rows.iter().filter(|r| r[0] == t).collect() };
    // 清水乡: accepted at version 2 by the default user, sent back at version 1 with the reason.
    let qingshui = of("清水乡");
    assert_eq!(qingshui.len(), 2, "{rows:?}");
    assert_eq!(qingshui[0][1], "已通过");
    assert_eq!(
        (qingshui[0][2].as_str(), qingshui[0][3].as_str()),
        ("2", "2")
    );
    assert_eq!(
        (qingshui[0][7].as_str(), qingshui[0][8].as_str()),
        ("通过", "2")
    );
    assert_eq!(
        qingshui[1][1], "",
        "an earlier decision has no state of its own"
    );
    assert_eq!(
        (qingshui[1][7].as_str(), qingshui[1][8].as_str()),
        ("打回", "1")
    );
    assert_eq!(qingshui[1][9], reason);
    let qingshi = of("青石镇");
    assert_eq!(
        (qingshi[0][1].as_str(), qingshi[0][10].as_str()),
        ("已通过", "刘文斌")
    );
    assert_eq!(of("东岭乡")[0][1], "有错待改");
    assert_eq!(of("东岭乡")[0][2], "2");
    assert_eq!(of("龙泉乡")[0][1], "未报");
    assert_eq!(of("龙泉乡")[0][2], "", "no versions: blank, not 0");
    // The explanation accepted is on 杏林镇's R07 in 异常清单, with its state.
    let list = super::sheet(path, "异常清单");
    let r07 = list
        .rows()
        .find(|r| r[1] == "R07" && r[2] == "杏林镇")
        .expect("R07 of 杏林镇 listed");
    assert_eq!(r07[11].to_string(), "已接受");
    assert_eq!(r07[12].to_string(), why);
}
