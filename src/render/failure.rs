//! The tool's own failures (exit status 2) in words: what went wrong, once, and a hint saying
//! what to do. Knows the library's error types; the commands' own failures come as [`Failure`].
//! Words only: no IO, no exit.

use std::error::Error;
use std::io::ErrorKind;

use crate::config::ConfigError;
use crate::discover::DiscoverError;
use crate::history::HistoryError;
use crate::output::ReportError;
use crate::pipeline::RunError;

use super::Lang;

/// A failure of a command, already in the reader's language, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for Failure {}

/// What is wrong with a command line, as the parser found it (told without naming the parser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// Required arguments not given: their names.
    Missing(Vec<String>),
    /// An argument the command does not take.
    Unknown(String),
    /// A value the option does not take: (option, value, the values it takes).
    InvalidValue(String, String, Vec<String>),
    /// No such command.
    UnknownCommand(String),
    /// Anything else: the parser's own words.
    Other(String),
}

/// The lines for a command-line mistake: what is wrong, once, and where to read the usage.
pub fn usage_lines(u: &Usage, command: Option<&str>, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let message = match (u, zh) {
        (Usage::Missing(names), true) => format!("缺少必需的参数 {}", names.join(" ")),
        (Usage::Missing(names), false) => format!("missing required argument {}", names.join(" ")),
        (Usage::Unknown(a), true) => format!("不认识的参数 {a}"),
        (Usage::Unknown(a), false) => format!("unknown argument {a}"),
        (Usage::InvalidValue(opt, v, _), true) if v.is_empty() => format!("{opt} 后面缺少取值"),
        (Usage::InvalidValue(opt, v, _), false) if v.is_empty() => format!("{opt} needs a value"),
        (Usage::InvalidValue(opt, v, valid), true) if valid.is_empty() => {
            format!("{opt} 不能取“{v}”")
        }
        (Usage::InvalidValue(opt, v, valid), false) if valid.is_empty() => {
            format!("{opt} does not take \"{v}\"")
        }
        (Usage::InvalidValue(opt, v, valid), true) => {
            format!("{opt} 不能取“{v}”，可取：{}", valid.join("、"))
        }
        (Usage::InvalidValue(opt, v, valid), false) => {
            format!(
                "{opt} does not take \"{v}\"; it takes: {}",
                valid.join(", ")
            )
        }
        (Usage::UnknownCommand(c), true) => format!("没有 {c} 这个命令"),
        (Usage::UnknownCommand(c), false) => format!("no command {c}"),
        (Usage::Other(text), _) => text.clone(),
    };
    let help = match command {
        Some(c) => format!("huizong {c} --help"),
        None => "huizong --help".to_string(),
    };
    let hint = if zh {
        format!("用 {help} 查看用法（命令有 init、watch、status、accept、return、explanation、serve、run、check、template、history、explain）")
    } else {
        format!("{help} shows the usage (commands: init, watch, status, accept, return, explanation, serve, run, check, template, history, explain)")
    };
    vec![
        format!("huizong: {}: {message}", lang.t("错误", "error")),
        format!("{}{hint}", hint_label(lang)),
    ]
}

/// Why the county's explanations file (审核说明) was not used, in words.
pub fn explanations_unread(e: crate::review::LoadError, lang: Lang) -> String {
    match e {
        crate::review::LoadError::Read(r) => {
            super::unreadable::unreadable(&crate::findings::Unreadable::from(r), lang)
        }
        crate::review::LoadError::NoHeader => lang
            .t(
                "没有写着“乡镇”“规则”“说明”的表头行",
                "no header row naming 乡镇 (township), 规则 (rule) and 说明 (explanation)",
            )
            .to_string(),
    }
}

/// The lines printed on stderr for a failure: `huizong: 错误: …` then `提示: …`.
pub fn failure_lines(e: &(dyn Error + 'static), lang: Lang) -> Vec<String> {
    let Failure { message, hint } = describe(e, lang);
    let mut lines = vec![format!("huizong: {}: {message}", lang.t("错误", "error"))];
    if let Some(h) = hint {
        lines.push(format!("{}{h}", hint_label(lang)));
    }
    lines
}

/// `提示：` / `hint: `, the label of every hint line.
pub fn hint_label(lang: Lang) -> &'static str {
    lang.t("提示：", "hint: ")
}

fn describe(e: &(dyn Error + 'static), lang: Lang) -> Failure {
    let zh = lang == Lang::Zh;
    if let Some(f) = e.downcast_ref::<Failure>() {
        return f.clone();
    }
    if let Some(ConfigError::Encoding { path, encoding }) = e.downcast_ref::<ConfigError>() {
        return if zh {
            Failure::new(
                format!(
                    "配置文件 {path} 不是 UTF-8、GBK 或 UTF-16 编码的文本（看起来像 {encoding}）"
                ),
                "请用记事本打开该文件，“另存为”时在“编码”中选择“UTF-8”后保存",
            )
        } else {
            Failure::new(
                format!("configuration {path} is not text in UTF-8, GBK or UTF-16 (looks like {encoding})"),
                "open it in Notepad and \"Save as\" with the encoding \"UTF-8\"",
            )
        };
    }
    if let Some(c) = e.downcast_ref::<ConfigError>() {
        return config(c, lang);
    }
    if let Some(d) = e.downcast_ref::<DiscoverError>() {
        return folder(d, lang);
    }
    if let Some(r) = e.downcast_ref::<RunError>() {
        return match r {
            RunError::Discover(d) => folder(d, lang),
            RunError::NoPeriod(f) => {
                if zh {
                    Failure::new(
                        format!("文件夹 {f} 中没有找到写明报告期的报表"),
                        "请用 --period YYYY-MM 指定报告期，并检查该文件夹是否放着本月的报表",
                    )
                } else {
                    Failure::new(format!("no returns with a period were found in {f}"), "give the period with --period YYYY-MM, and check the folder holds this month's returns")
                }
            }
            RunError::Table(t) => internal(&t.to_string(), lang),
        };
    }
    if let Some(r) = e.downcast_ref::<ReportError>() {
        return report(r, lang);
    }
    if let Some(h) = e.downcast_ref::<HistoryError>() {
        return match h {
            HistoryError::Io { path, source } => Failure::new(
                format!(
                    "{} {path}：{}",
                    lang.t("无法读写历史库", "cannot use the history store"),
                    io_words(source, lang)
                ),
                write_hint(source, lang),
            ),
            HistoryError::Table { path, .. } => {
                if zh {
                    Failure::new(
                        format!("历史库文件 {path} 已损坏，无法读取"),
                        "删除该文件后用 huizong history build 由往月报表重建历史库",
                    )
                } else {
                    Failure::new(format!("history file {path} is damaged and cannot be read"), "delete it and rebuild the store from past months' folders with huizong history build")
                }
            }
        };
    }
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return Failure::new(io_words(io, lang), write_hint(io, lang));
    }
    internal(&e.to_string(), lang)
}

fn internal(detail: &str, lang: Lang) -> Failure {
    Failure::new(
        format!("{}（{detail}）", lang.t("程序内部出错", "internal error")),
        lang.t(
            "请把这条信息和所用的配置文件发给维护 huizong 的同事",
            "send this message and the configuration used to whoever maintains huizong",
        ),
    )
}

fn folder(d: &DiscoverError, lang: Lang) -> Failure {
    let path = &d.path;
    let hint = match d.source.kind() {
        ErrorKind::NotFound => lang.t(
            "请检查文件夹路径是否写对（含空格的路径请加英文引号）",
            "check the folder's path (quote a path with spaces)",
        ),
        ErrorKind::PermissionDenied => lang.t(
            "请检查是否有权限打开该文件夹",
            "check you may open this folder",
        ),
        _ => lang.t(
            "请给出存放本月报表的文件夹",
            "give the folder that holds this month's returns",
        ),
    };
    Failure::new(
        format!(
            "{} {path}{}{}",
            lang.t("无法打开文件夹", "cannot list folder"),
            super::colon(lang),
            io_words(&d.source, lang)
        ),
        hint,
    )
}

fn config(c: &ConfigError, lang: Lang) -> Failure {
    let zh = lang == Lang::Zh;
    let fix = lang.t(
        "请按上面指出的行修改配置文件后重新运行",
        "correct the configuration at that line and run again",
    );
    match c {
        ConfigError::Io { path, source } => Failure::new(
            format!("{} {path}{}{}", lang.t("无法读取配置文件", "cannot read configuration"), super::colon(lang), io_words(source, lang)),
            lang.t("请检查 --config 给出的路径", "check the path given to --config"),
        ),
        ConfigError::Syntax { origin, line, message } => Failure::new(
            if zh { format!("配置文件 {origin} 第 {line} 行有误：{}", super::config_words::toml_zh(message)) } else { format!("{origin}:{line}: not valid TOML: {message}") },
            lang.t("文字须用英文双引号括起，[[townships]] 等标题须成对使用方括号；改好该行后重新运行", "text goes in straight double quotes and table headers in brackets; correct that line and run again"),
        ),
        ConfigError::Invalid { origin, line, key, message } => Failure::new(
            if zh { format!("配置文件 {origin} 第 {line} 行（{key}）有误：{}", super::config_words::zh(message)) } else { format!("{origin}:{line}: {key}: {message}") },
            fix,
        ),
        ConfigError::Encoding { .. } | ConfigError::Internal(_) => internal(&c.to_string(), lang),
    }
}

fn report(r: &ReportError, lang: Lang) -> Failure {
    let zh = lang == Lang::Zh;
    match r {
        ReportError::Io { path, source } => Failure::new(
            format!(
                "{} {path}：{}",
                lang.t("无法写入", "cannot write"),
                io_words(source, lang)
            ),
            write_hint(source, lang),
        ),
        ReportError::Replace { path, source } => Failure::new(
            format!(
                "{} {path}：{}",
                lang.t("无法替换", "cannot replace"),
                io_words(source, lang)
            ),
            if zh {
                "该文件可能正在 Excel 或 WPS 中打开：请关闭后重新运行（或用 --out 写到另一个文件夹）"
            } else {
                "the file may be open in Excel or WPS: close it and run again (or write elsewhere with --out)"
            },
        ),
        ReportError::Locked(p) => Failure::new(
            format!(
                "{}（{p}）",
                lang.t(
                    "另一个 huizong 正在使用该输出文件夹",
                    "another huizong run is using this output folder"
                )
            ),
            lang.t(
                "请等它结束后再运行，或用 --out 指定另一个文件夹",
                "wait for it to finish, or give another folder with --out",
            ),
        ),
        ReportError::WouldOverwriteInput(p) => Failure::new(
            if zh {
                format!("不能写入 {p}：它是正在读取的报表之一")
            } else {
                format!("refusing to write {p}: it is one of the returns being read")
            },
            lang.t(
                "请用 --out 指定报表文件夹以外的输出文件夹",
                "give an output folder other than the returns' with --out",
            ),
        ),
        ReportError::Xlsx(_) | ReportError::Json(_) => internal(&r.to_string(), lang),
    }
}

/// What to do when a file or folder cannot be written.
fn write_hint(e: &std::io::Error, lang: Lang) -> &'static str {
    match e.kind() {
        ErrorKind::PermissionDenied if is_sharing_violation(e) => lang.t(
            "该文件正在 Excel 或 WPS 中打开：请关闭后重新运行",
            "the file is open in Excel or WPS: close it and run again",
        ),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => lang.t(
            "没有写入该文件夹的权限：请用 --out 指定自己的文件夹（如“文档”下的文件夹）；如文件正在 Excel 或 WPS 中打开，请先关闭",
            "no permission to write there: give a folder of your own with --out; if the file is open in Excel or WPS, close it first",
        ),
        ErrorKind::StorageFull => lang.t("磁盘已满：请清理磁盘后重新运行", "the disk is full: free some space and run again"),
        ErrorKind::NotFound => lang.t("请检查路径是否写对", "check the path"),
        _ if is_sharing_violation(e) => lang.t(
            "该文件正在 Excel 或 WPS 中打开：请关闭后重新运行",
            "the file is open in Excel or WPS: close it and run again",
        ),
        _ => lang.t("请检查路径和磁盘后重新运行", "check the path and the disk, then run again"),
    }
}

/// Windows' ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): another program (Excel,
/// WPS) holds the file open.
fn is_sharing_violation(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33))
}

/// An operating-system error in the reader's words (the OS's own text is English or the
/// system's code page).
pub fn io_words(e: &std::io::Error, lang: Lang) -> String {
    let words = match e.kind() {
        _ if is_sharing_violation(e) => lang.t(
            "文件正被其他程序打开",
            "the file is open in another program",
        ),
        ErrorKind::NotFound => lang.t("不存在", "no such file or folder"),
        ErrorKind::PermissionDenied => lang.t("没有权限", "permission denied"),
        ErrorKind::AlreadyExists => lang.t("已存在", "already exists"),
        ErrorKind::NotADirectory => lang.t("不是文件夹", "not a folder"),
        ErrorKind::IsADirectory => lang.t("是文件夹，不是文件", "a folder, not a file"),
        ErrorKind::ReadOnlyFilesystem => lang.t("磁盘只读", "read-only file system"),
        ErrorKind::StorageFull => lang.t("磁盘已满", "disk full"),
        ErrorKind::InvalidData => lang.t("内容无法识别", "invalid data"),
        _ => {
            return match (lang, e.raw_os_error()) {
                (Lang::Zh, Some(code)) => format!("系统错误 {code}"),
                _ => e.to_string(),
            }
        }
    };
    words.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(e: &(dyn Error + 'static), lang: Lang) -> String {
        failure_lines(e, lang).join("\n")
    }

    #[test]
    fn a_missing_folder_is_said_once_with_a_hint() {
        let e = DiscoverError {
            path: "nosuch".into(),
            source: std::io::Error::from(ErrorKind::NotFound),
        };
        assert_eq!(
            lines(&e, Lang::Zh),
            "huizong: 错误: 无法打开文件夹 nosuch：不存在\n提示：请检查文件夹路径是否写对（含空格的路径请加英文引号）"
        );
        assert_eq!(
            lines(&e, Lang::En),
            "huizong: error: cannot list folder nosuch: no such file or folder\nhint: check the folder's path (quote a path with spaces)"
        );
    }

    #[test]
    fn a_read_only_output_says_what_to_do() {
        let e = ReportError::Io {
            path: "ro/.huizong.lock".into(),
            source: std::io::Error::from(ErrorKind::PermissionDenied),
        };
        let zh = lines(&e, Lang::Zh);
        assert!(
            zh.starts_with(
                "huizong: 错误: 无法写入 ro/.huizong.lock：没有权限\n提示：没有写入该文件夹的权限"
            ),
            "{zh}"
        );
        assert!(!zh.contains("os error"), "{zh}");
    }

    #[test]
    fn a_workbook_open_in_excel_is_named() {
        let e = ReportError::Replace {
            path: "out/安平县_2026-10_汇总.xlsx".into(),
            source: std::io::Error::from(ErrorKind::PermissionDenied),
        };
        assert_eq!(
            lines(&e, Lang::Zh),
            "huizong: 错误: 无法替换 out/安平县_2026-10_汇总.xlsx：没有权限\n提示：该文件可能正在 Excel 或 WPS 中打开：请关闭后重新运行（或用 --out 写到另一个文件夹）"
        );
        let en = lines(&e, Lang::En);
        assert!(en.ends_with("hint: the file may be open in Excel or WPS: close it and run again (or write elsewhere with --out)"), "{en}");
    }

    #[test]
    fn command_line_mistakes_in_words() {
        let u = Usage::Missing(vec!["<FOLDER>".into()]);
        assert_eq!(
            usage_lines(&u, Some("run"), Lang::Zh),
            [
                "huizong: 错误: 缺少必需的参数 <FOLDER>",
                "提示：用 huizong run --help 查看用法（命令有 init、watch、status、accept、return、explanation、serve、run、check、template、history、explain）"
            ]
        );
        let u = Usage::InvalidValue("--lang".into(), "fr".into(), vec!["zh".into(), "en".into()]);
        assert_eq!(
            usage_lines(&u, Some("run"), Lang::En)[0],
            "huizong: error: --lang does not take \"fr\"; it takes: zh, en"
        );
    }

    #[test]
    fn no_period_in_chinese() {
        let e = RunError::NoPeriod("empty".into());
        assert_eq!(
            lines(&e, Lang::Zh),
            "huizong: 错误: 文件夹 empty 中没有找到写明报告期的报表\n提示：请用 --period YYYY-MM 指定报告期，并检查该文件夹是否放着本月的报表"
        );
    }
}
