//! What people read when the tool cannot do its job or is given the wrong thing: the words
//! (zh and en), said once, with a 提示/hint line; configurations saved as Notepad and WPS save
//! them; `check` on what is not a return; `explain` of every kind of rule; outputs' permissions.

#[cfg(target_os = "linux")]
use std::path::Path;

use super::root;

/// Runs huizong in the repository; (status, stdout, stderr).
fn huizong(args: &[&str]) -> (i32, String, String) {
    let out = crate::huizong_command()
        .args(args)
        .current_dir(root())
        .output()
        .expect("run huizong");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_missing_folder_is_said_once_in_the_readers_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    let base = [
        "run",
        "nosuch",
        "--config",
        "samples/huizong.toml",
        "--out",
        &out,
    ];
    let (status, _, err) = huizong(&base);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: 错误: 无法打开文件夹 nosuch：不存在\n提示：请检查文件夹路径是否写对（含空格的路径请加英文引号）\n"
    );
    let (_, _, err) = huizong(&[&base[..], &["--lang", "en"]].concat());
    assert_eq!(
        err,
        "huizong: error: cannot list folder nosuch: no such file or folder\nhint: check the folder's path (quote a path with spaces)\n"
    );
}

#[test]
fn a_folder_without_returns_asks_for_the_period() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let (e, o) = (empty.display().to_string(), dir.path().join("out"));
    let o = o.display().to_string();
    let (status, _, err) = huizong(&["run", &e, "--config", "samples/huizong.toml", "--out", &o]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        format!("huizong: 错误: 文件夹 {e} 中没有找到写明报告期的报表\n提示：请用 --period YYYY-MM 指定报告期，并检查该文件夹是否放着本月的报表\n")
    );
    let (_, _, err) = huizong(&[
        "run",
        &e,
        "--config",
        "samples/huizong.toml",
        "--out",
        &o,
        "--lang",
        "en",
    ]);
    assert!(
        err.starts_with(&format!(
            "huizong: error: no returns with a period were found in {e}\nhint: give the period"
        )),
        "{err}"
    );
}

/// A configuration in `text`, encoded by `encode`, run on October's returns.
fn run_with_config(bytes: &[u8]) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("huizong.toml");
    std::fs::write(&cfg, bytes).expect("write");
    let out = dir.path().join("out");
    huizong(&[
        "run",
        "samples/returns/2026-10",
        "--config",
        &cfg.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--quiet",
    ])
}

#[test]
fn configurations_saved_as_gbk_or_utf16_are_read() {
    let text = std::fs::read_to_string(root().join("samples/huizong.toml")).expect("sample");
    let (status, stdout, err) = run_with_config(text.as_bytes());
    assert_eq!(status, 1, "{err}");
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("报告期"))
        .map(str::to_string);
    // What Windows calls "ANSI" on a Chinese system: GBK, extended to GB18030 for the few
    // characters GBK lacks (the sample's ‰).
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let bom8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    for bytes in [gbk.to_vec(), utf16, bom8] {
        let (status, stdout, err) = run_with_config(&bytes);
        assert_eq!(status, 1, "{err}");
        let same = stdout
            .lines()
            .find(|l| l.starts_with("报告期"))
            .map(str::to_string);
        assert_eq!(same, summary);
    }
    // Bytes that are no text at all are refused with how to save it.
    let (status, _, err) = run_with_config(&[0x80, 0xFF, 0xFE, 0x81, 0x00, 0x9F, 0x85]);
    assert_eq!(status, 2);
    assert!(
        err.contains("不是 UTF-8、GBK 或 UTF-16 编码的文本"),
        "{err}"
    );
    assert!(
        err.contains("\n提示：请用记事本打开该文件，“另存为”时在“编码”中选择“UTF-8”后保存"),
        "{err}"
    );
}

#[test]
fn a_configuration_mistake_is_exit_2_at_load_with_its_line() {
    let base = "county = \"安平县\"\n[[townships]]\nname = \"青石镇\"\ncode = \"01\"\n";
    let twice = format!("{base}[[townships]]\nname = \"白沙乡\"\ncode = \"01\"\n");
    let (status, _, err) = run_with_config(twice.as_bytes());
    assert_eq!(status, 2);
    assert!(
        err.contains("第 6 行（townships[1].code）有误：乡镇代码 \"01\" 重复出现\n提示："),
        "{err}"
    );
    let placeholder = format!(
        "{base}[[more_checks]]\nid = \"K1\"\nseverity = \"warning\"\nfail_if = \"C14 > C15\"\nmessage = \"{{C30}} 太多\"\n"
    );
    let (status, _, err) = run_with_config(placeholder.as_bytes());
    assert_eq!(status, 2);
    assert!(
        err.contains("第 6 行（checks[22].message）有误：占位符 {C30} 不是该规则表达式中的数值（可用：C14, C15）"),
        "{err}"
    );
    // A misspelt key, in the reader's words.
    let misspelt = base.replace("code = \"01\"", "cdoe = \"01\"");
    let (status, _, err) = run_with_config(misspelt.as_bytes());
    assert_eq!(status, 2);
    assert!(
        err.contains("第 4 行有误：不认识的键 `cdoe`，可用的键：`name`, `code`, `aliases`\n提示："),
        "{err}"
    );
    // Full-width letters and digits are read as the ASCII they stand for.
    let full = format!(
        "{base}[[more_checks]]\nid = \"K1\"\nseverity = \"warning\"\nassert = \"Ｃ06 ≤ １．０５ ＊ Ｃ01\"\n"
    );
    let (status, _, err) = run_with_config(full.as_bytes());
    assert!(status < 2, "{err}");
}

#[test]
fn check_says_what_it_was_given() {
    let cfg = "samples/huizong.toml";
    let (status, _, err) = huizong(&["check", "samples/returns", "--config", cfg]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: 错误: samples/returns 是文件夹，不是报表文件\n提示：汇总整个文件夹请用 huizong run samples/returns\n"
    );
    let (status, _, err) = huizong(&["check", "nosuch.xlsx", "--config", cfg, "--lang", "en"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: error: nosuch.xlsx: no such file or folder\nhint: check the file's name and path (quote a path with spaces)\n"
    );
    // A document that is not a spreadsheet.
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("说明.txt");
    std::fs::write(&doc, "不是报表").expect("write");
    let (status, out, _) = huizong(&["check", &doc.display().to_string(), "--config", cfg]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("说明.txt: F02 错误: 不是表格文件"), "{out}");
    assert!(out.contains("\n  提示：请给出报表文件"), "{out}");
}

#[test]
fn check_on_a_feedback_workbook_is_not_a_clean_return() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fb = dir.path().join("fb");
    let out = dir.path().join("out").display().to_string();
    let (status, _, err) = huizong(&[
        "run",
        "samples/returns/2026-10",
        "--config",
        "samples/huizong.toml",
        "--out",
        &out,
        "--feedback",
        &fb.display().to_string(),
        "--quiet",
    ]);
    assert_eq!(status, 1, "{err}");
    let workbook = fb.join("杏林镇_2026-10_退回修改通知.xlsx");
    let shown = workbook.display().to_string();
    let (status, stdout, _) = huizong(&["check", &shown, "--config", "samples/huizong.toml"]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("杏林镇_2026-10_退回修改通知.xlsx: F25 记录: 杏林镇的退回修改通知（反馈表），不是报表，未汇总"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  提示：这是县里发回的退回修改通知；请审核乡镇改好后重新报送的报表"),
        "{stdout}"
    );
}

#[test]
fn explain_knows_file_and_value_rules() {
    let (status, out, _) = huizong(&["explain", "F10"]);
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "F10 (错误)  填报单位不在乡镇名册中，该报表未计入。\n  为什么: 名册外的单位不能计入全县合计。\n"
    );
    let (status, out, _) = huizong(&["explain", "n06", "--lang", "en"]);
    assert_eq!(status, 0);
    assert!(
        out.starts_with("N06 (notice)  A dash, slash or 无 typed for zero"),
        "{out}"
    );
    let (status, _, err) = huizong(&["explain", "X99"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: 错误: 没有这条规则: X99\n提示：规则编号见汇总表“异常清单”的“规则”列，如 R01、F10、N05\n"
    );
}

/// The process's umask, from /proc (the test runs the binary with the same).
#[cfg(target_os = "linux")]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .expect("umask")
}

#[cfg(target_os = "linux")]
#[test]
fn outputs_take_the_users_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let fb = dir.path().join("fb");
    let json = dir.path().join("run.json");
    let (status, _, err) = huizong(&[
        "run",
        "samples/returns/2026-10",
        "--config",
        "samples/huizong.toml",
        "--out",
        &out.display().to_string(),
        "--feedback",
        &fb.display().to_string(),
        "--json",
        &json.display().to_string(),
        "--history",
        &out.join("history").display().to_string(),
        "--quiet",
    ]);
    assert_eq!(status, 1, "{err}");
    let want = 0o666 & !umask();
    let mut files = vec![json];
    for d in [out.clone(), out.join("history"), fb] {
        for e in std::fs::read_dir(&d).expect("list").filter_map(Result::ok) {
            if e.path().is_file() && !e.file_name().to_string_lossy().starts_with('.') {
                files.push(e.path());
            }
        }
    }
    assert!(files.len() > 5, "{files:?}");
    for f in files {
        let mode = std::fs::metadata(&f).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, want, "{} is {mode:o}", Path::new(&f).display());
    }
}

#[test]
fn command_line_mistakes_are_said_in_words_with_a_hint() {
    let (status, _, err) = huizong(&["check"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: 错误: 缺少必需的参数 <FILES>...\n提示：用 huizong check --help 查看用法（命令有 init、watch、status、accept、return、explanation、serve、run、check、template、history、explain）\n"
    );
    // `run` without a folder is the workspace's run: outside one, it says how to make one.
    let (status, _, err) = huizong(&["run"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        format!(
            "huizong: 错误: 找不到工作区（含 .huizong 与 huizong.toml 的文件夹）：{}\n提示：先运行 huizong init 文件夹 --config 配置.toml，或用 --workspace 指定；只汇总一个文件夹时用 huizong run 文件夹\n",
            root().display()
        )
    );
    let (status, _, err) = huizong(&["run", "x", "--lang", "fr"]);
    assert_eq!(status, 2);
    assert!(
        err.starts_with("huizong: 错误: --lang <LANG> 不能取“fr”，可取：zh、en\n提示："),
        "{err}"
    );
    let (status, _, err) = huizong(&["check", "x.xlsx", "--bogus", "--lang", "en"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        "huizong: error: unknown argument --bogus\nhint: huizong check --help shows the usage (commands: init, watch, status, accept, return, explanation, serve, run, check, template, history, explain)\n"
    );
}

#[test]
fn an_explanations_file_without_its_header_is_named_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ret = dir.path().join("杏林镇10月.xlsx");
    std::fs::copy(root().join("samples/returns/2026-10/杏林镇10月.xlsx"), &ret).expect("copy");
    let csv = dir.path().join("审核说明.csv");
    std::fs::write(&csv, "甲,乙\n1,2\n").expect("write");
    let (_, _, err) = huizong(&[
        "check",
        &ret.display().to_string(),
        "--config",
        "samples/huizong.toml",
    ]);
    assert_eq!(
        err,
        format!(
            "审核说明文件无法读取，本次未使用：{}（没有写着“乡镇”“规则”“说明”的表头行）\n提示：审核说明表须有“乡镇”“规则”“说明”三列表头；改好后重新运行\n",
            csv.display()
        )
    );
}

#[test]
fn a_large_run_prints_the_first_lines_of_each_rule_and_counts_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("returns");
    std::fs::create_dir(&folder).expect("mkdir");
    for i in 0..70 {
        std::fs::write(folder.join(format!("乡{i:02}.xlsx")), b"").expect("write");
    }
    let out = dir.path().join("out").display().to_string();
    let f = folder.display().to_string();
    let base = [
        "run",
        &f,
        "--config",
        "samples/huizong.toml",
        "--period",
        "2026-10",
        "--out",
        &out,
    ];
    let (status, stdout, err) = huizong(&base);
    assert_eq!(status, 1, "{err}");
    assert_eq!(stdout.matches(": F02 错误: ").count(), 5, "{stdout}");
    assert!(
        stdout.contains("\n  … 另有 65 条 F02，见汇总表“异常清单”（--all 逐条打印）\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n问题: 错误 84  警示 0  核实 0  提示 "),
        "{stdout}"
    );
    assert!(stdout.contains("\n按规则: F02×70 F20×14"), "{stdout}");
    let (_, all, _) = huizong(&[&base[..], &["--all"]].concat());
    assert_eq!(all.matches(": F02 错误: ").count(), 70, "{all}");
    let (_, en, _) = huizong(&[&base[..], &["--lang", "en"]].concat());
    assert!(
        en.contains(
            "\n  … 65 more F02, see the workbook's Findings sheet (--all prints every line)\n"
        ),
        "{en}"
    );
}
