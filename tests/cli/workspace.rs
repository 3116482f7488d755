//! The workspace from the outside: found from a folder below it and named; a plain message
//! with the fix outside one; outputs written into the returns folder are never read back as
//! returns (told by content), so two runs in a row both succeed; an empty month is not stored.

use std::path::Path;
use std::process::Output;

use super::root;

fn huizong(cwd: &Path, args: &[&str]) -> Output {
    crate::huizong_command()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run huizong")
}

#[test]
fn the_workspace_is_found_upwards_and_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = huizong(dir.path(), &["init", "县工作区"]);
    assert!(o.status.success());
    let said = String::from_utf8_lossy(&o.stdout);
    for part in ["huizong.toml", "收件箱/", "输出/", ".huizong/", "空白"] {
        assert!(said.contains(part), "{part}:\n{said}");
    }
    let below = dir.path().join("县工作区/收件箱/十月");
    std::fs::create_dir_all(&below).expect("mkdir");
    // The blank configuration has no roster yet: the command names the workspace first.
    let o = huizong(&below, &["status"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let root_shown = std::path::absolute(dir.path().join("县工作区")).expect("abs");
    assert!(
        err.contains(&format!("工作区: {}", root_shown.display())),
        "{err}"
    );
    // Outside any workspace: exit 2, what is missing and the command that fixes it.
    let o = huizong(dir.path(), &["status"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("找不到工作区") && err.contains("huizong init"),
        "{err}"
    );
}

#[test]
fn outputs_beside_the_returns_are_never_read_as_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("十月");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let samples = root().join("samples/returns/2026-10");
    for e in std::fs::read_dir(&samples).expect("samples") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, folder.join(p.file_name().expect("name"))).expect("copy");
    }
    let config = root().join("samples/huizong.toml");
    let mut jsons = Vec::new();
    for round in 0..2 {
        if round == 1 {
            // The run report under a spreadsheet's name is still ours: told by content.
            std::fs::copy(folder.join("run.json"), folder.join("报表副本.csv")).expect("copy");
        }
        let o = huizong(
            dir.path(),
            &[
                "run",
                "十月",
                "--config",
                config.to_str().expect("utf-8"),
                "--out",
                "十月",
                "--json",
                "十月/run.json",
            ],
        );
        // 1: findings in the samples; never 2 (refused or failed).
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let stdout = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(!stdout.contains("汇总.xlsx:"), "{stdout}");
        assert!(!stdout.contains("审核说明待填.csv:"), "{stdout}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(folder.join("run.json")).expect("json"))
                .expect("parse");
        jsons.push(json);
    }
    let files = |j: &serde_json::Value| -> Vec<String> {
        j["returns"]
            .as_array()
            .expect("returns")
            .iter()
            .map(|r| r["file"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // The second run reads the same returns as the first, and lists the outputs as skipped.
    assert_eq!(files(&jsons[0]), files(&jsons[1]));
    let skipped = jsons[1]["skipped"].to_string();
    assert!(skipped.contains("安平县_2026-10_汇总.xlsx"), "{skipped}");
    assert!(
        skipped.contains("安平县_2026-10_审核说明待填.csv"),
        "{skipped}"
    );
    assert_eq!(jsons[0]["totals"], jsons[1]["totals"]);
    // The JSON report beside the returns is named as huizong's output, not "not a spreadsheet".
    for name in ["run.json", "报表副本.csv"] {
        let said: Vec<String> = jsons[1]["anomalies"]
            .as_array()
            .expect("anomalies")
            .iter()
            .filter(|a| a["file"] == name)
            .map(|a| a["message"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(said.len(), 1, "{name}: {said:?}");
        assert!(said[0].contains("huizong 自己的输出"), "{name}: {said:?}");
    }
}

#[test]
fn a_month_without_returns_is_not_stored_as_zeros() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("空")).expect("mkdir");
    let config = root().join("samples/huizong.toml");
    let o = huizong(
        dir.path(),
        &[
            "run",
            "空",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
            "--out",
            "out",
            "--history",
            "store",
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("未存入"), "{stdout}");
    assert!(dir.path().join("out").is_dir(), "{stdout}");
    assert!(!dir.path().join("store/2026-10.parquet").exists());
}

/// A folder run inside a workspace finds the workspace's configuration above it and keeps the
/// month in the workspace's own history store, the one its ledger's runs read, not in a second
/// store beside the configuration.
#[test]
fn a_folder_run_inside_a_workspace_keeps_the_workspaces_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = root().join("samples/huizong.toml");
    let o = huizong(
        dir.path(),
        &["init", "ws", "--config", config.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ws = std::path::absolute(dir.path().join("ws")).expect("absolute");
    let october = ws.join("收件箱/十月");
    std::fs::create_dir_all(&october).expect("mkdir");
    for e in std::fs::read_dir(root().join("samples/returns/2026-10")).expect("samples") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), october.join(e.file_name())).expect("copy");
    }
    let o = huizong(&october, &["run", ".", "--out", "../../输出/一次性", "-q"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let store = ws.join(".huizong/history");
    assert!(
        stdout.contains(&format!("历史库: {}", store.display())),
        "{stdout}"
    );
    assert!(store.join("2026-10.parquet").is_file(), "{stdout}");
    assert!(!ws.join("历史库").exists());
}
