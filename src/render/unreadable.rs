//! Why a file could not be read, in words people can act on: whole sentences in each language,
//! the numbers of the cap inside them, never a fragment of the other language. Words only.

use crate::findings::{Damage, DamagedPart, IoProblem, Unreadable};
use crate::read::{Cap, NotSheet};

use super::Lang;

pub(super) fn unreadable(u: &Unreadable, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Unreadable::Io(problem) => io(*problem, lang),
        Unreadable::Empty => lang
            .t(
                "文件为空（0 字节），请重新报送",
                "the file is empty (0 bytes); please send it again",
            )
            .into(),
        Unreadable::TooLarge(n) => {
            if zh {
                format!("文件过大（{} MB），未读取", n / (1024 * 1024))
            } else {
                format!("file too large ({} MB); not read", n / (1024 * 1024))
            }
        }
        Unreadable::OverCap(cap) => over_cap(*cap, lang),
        Unreadable::NotSpreadsheet(what) => not_sheet(*what, lang),
        Unreadable::Encrypted => lang
            .t(
                "文件已加密，请去掉密码后重新报送",
                "the file is password protected; remove the password and send it again",
            )
            .into(),
        Unreadable::Damaged(damage) => damaged(damage, lang),
    }
}

/// What the person can do about a file the system would not give or the reader could not
/// parse (the other reasons say it in their own sentence).
pub(super) fn hint(u: &Unreadable, lang: Lang) -> Option<&'static str> {
    Some(match u {
        Unreadable::Io(IoProblem::NotFound) => lang.t(
            "请确认文件仍在文件夹中（未被移走或改名）后重新运行",
            "make sure the file is still in the folder (not moved or renamed) and run again",
        ),
        Unreadable::Io(IoProblem::PermissionDenied) => lang.t(
            "请给当前用户读取该文件的权限，或把它复制到自己的文件夹后重新运行",
            "give the current user permission to read it, or copy it to a folder of your own, and run again",
        ),
        Unreadable::Io(IoProblem::InUse) => lang.t(
            "请关闭正打开该文件的程序（如 Excel、WPS）后重新运行",
            "close the program that has the file open (Excel, WPS) and run again",
        ),
        Unreadable::Io(IoProblem::NotRegularFile) => lang.t(
            "文件夹中请只放报表文件",
            "keep only returned workbooks in the folder",
        ),
        Unreadable::Io(IoProblem::Other(_)) => lang.t(
            "请确认文件能在 Excel 或 WPS 中打开后重新运行",
            "make sure the file opens in Excel or WPS and run again",
        ),
        Unreadable::Damaged(_) => lang.t(
            "请乡镇用 Excel 或 WPS 打开原文件，另存为 .xlsx 后重新报送",
            "ask the township to open the file in Excel or WPS, save it as .xlsx and send it again",
        ),
        _ => return None,
    })
}

fn io(problem: IoProblem, lang: Lang) -> String {
    let (zh, en) = match problem {
        IoProblem::NotFound => (
            "文件不存在".to_string(),
            "the file is not there".to_string(),
        ),
        IoProblem::PermissionDenied => (
            "没有读取该文件的权限".into(),
            "no permission to read the file".into(),
        ),
        IoProblem::InUse => (
            "文件正被其他程序占用".into(),
            "another program holds the file".into(),
        ),
        IoProblem::NotRegularFile => (
            "不是普通文件（是文件夹、管道或设备）".into(),
            "not a regular file (a folder, pipe or device)".into(),
        ),
        IoProblem::Other(Some(n)) => (
            format!("文件无法打开（系统错误号 {n}）"),
            format!("cannot open the file (system error {n})"),
        ),
        IoProblem::Other(None) => ("文件无法打开".into(), "cannot open the file".into()),
    };
    match lang {
        Lang::Zh => format!("{zh}，未读取"),
        Lang::En => format!("{en}; not read"),
    }
}

/// A damaged file: where it failed in both languages; the parsing library's own (English)
/// message only in English.
fn damaged(damage: &Damage, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let part = match &damage.part {
                DamagedPart::Zip => "压缩包结构无法解析".to_string(),
                DamagedPart::Ole2 => "Office 97-2003 文件结构无法解析".into(),
                DamagedPart::Xml { at_byte: Some(n) } => format!("XML 内容在第 {n} 字节处无法解析"),
                DamagedPart::Xml { at_byte: None } => "XML 内容无法解析".into(),
                DamagedPart::Csv { line: Some(n) } => format!("CSV 文字第 {n} 行无法解析"),
                DamagedPart::Csv { line: None } => "CSV 文字无法解析".into(),
                DamagedPart::Workbook => "工作簿内容无法解析".into(),
                DamagedPart::Reader => "读取时出错".into(),
            };
            format!("文件不完整或已损坏（{part}），请重新保存后报送")
        }
        Lang::En => {
            let part = match &damage.part {
                DamagedPart::Zip => "the zip package".to_string(),
                DamagedPart::Ole2 => "the Office 97-2003 container".into(),
                DamagedPart::Xml { at_byte: Some(n) } => format!("the XML at byte {n}"),
                DamagedPart::Xml { at_byte: None } => "the XML".into(),
                DamagedPart::Csv { line: Some(n) } => format!("the CSV text at line {n}"),
                DamagedPart::Csv { line: None } => "the CSV text".into(),
                DamagedPart::Workbook => "the workbook's content".into(),
                DamagedPart::Reader => "the reader failed on it".into(),
            };
            format!(
                "the file is truncated or damaged ({part}: {}); save it again and resend",
                damage.library_message
            )
        }
    }
}

fn not_sheet(what: NotSheet, lang: Lang) -> String {
    let (zh, en) = match what {
        NotSheet::WordDocument => ("内容是 Word 文档", "the content is a Word document"),
        NotSheet::ZipArchive => ("内容是压缩包", "the content is a zip archive"),
        NotSheet::Xml => ("内容是 XML 文件", "the content is an XML file"),
        NotSheet::Text => (
            "内容是没有分列的文字",
            "the content is text without columns",
        ),
        NotSheet::Ole2WithoutWorkbook => (
            "内容是不含工作簿的 Office 文件",
            "the content is an Office file without a workbook",
        ),
        NotSheet::Unknown => ("内容无法识别", "the content is not recognised"),
    };
    match lang {
        Lang::Zh => format!("不是表格文件（{zh}），未读取"),
        Lang::En => format!("not a spreadsheet ({en}); not read"),
    }
}

fn over_cap(cap: Cap, lang: Lang) -> String {
    let (zh, en) = match cap {
        Cap::Parts(n) => (
            format!("文件过大或疑似压缩炸弹（压缩包内有 {n} 个部件）"),
            format!("file too large or a suspected zip bomb (the package holds {n} parts)"),
        ),
        Cap::Inflation { ratio, mb } => (
            format!("疑似压缩炸弹（其中一个部件解压后放大 {ratio} 倍，达 {mb} MB）"),
            format!("a suspected zip bomb (one part inflates {ratio} times, to {mb} MB)"),
        ),
        Cap::Uncompressed(mb) => (
            format!("文件过大或疑似压缩炸弹（解压后共 {mb} MB）"),
            format!("file too large or a suspected zip bomb ({mb} MB uncompressed)"),
        ),
        Cap::Sheets(n) => (
            format!("文件过大或疑似压缩炸弹（工作表或表格超过 {n} 个）"),
            format!("file too large or a suspected zip bomb (more than {n} sheets or tables)"),
        ),
        Cap::Cells(n) => (
            format!("文件过大或疑似压缩炸弹（一个工作表超过 {n} 个单元格，合并单元格按所占格数计）"),
            format!(
                "file too large or a suspected zip bomb (more than {n} cells in a sheet, merged cells counted by the cells they cover)"
            ),
        ),
        Cap::TextSize(mb) => (
            format!("文本格式的文件过大（超过 {mb} MB）"),
            format!("text-format file too large (over {mb} MB)"),
        ),
        Cap::RowCells(n) => (
            format!("一行超过 {n} 个单元格，不像报表"),
            format!("a row has more than {n} cells, unlike a return"),
        ),
        Cap::FieldChars(n) => (
            format!("一个单元格的文字超过 {n} 个字符"),
            format!("a cell holds more than {n} characters of text"),
        ),
        Cap::LineKb(n) => (
            format!("一行文字超过 {n} KB"),
            format!("a line is longer than {n} KB"),
        ),
        Cap::Depth(n) => (
            format!("标记嵌套超过 {n} 层"),
            format!("elements are nested more than {n} deep"),
        ),
        Cap::Nodes(n) => (
            format!("标记超过 {n} 个"),
            format!("more than {n} elements (tags)"),
        ),
        Cap::Attributes(n) => (
            format!("一个标记的属性超过 {n} 个"),
            format!("a tag has more than {n} attributes"),
        ),
        Cap::Merges(n) => (
            format!("一个工作表的合并单元格超过 {n} 处"),
            format!("more than {n} merged regions in a sheet"),
        ),
        Cap::Millis(ms) => {
            let s = seconds(ms);
            (
                format!("读取代价过高（{s} 秒内未能读完）"),
                format!("too costly to read (not done within {s} s)"),
            )
        }
    };
    match lang {
        Lang::Zh => format!("{zh}，未读取"),
        Lang::En => format!("{en}; not read"),
    }
}

/// Milliseconds as seconds, without a trailing `.0`: `5`, `1.5`, `0`.
fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}", ms / 1000)
    } else {
        format!("{}", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Unreadable> {
        let caps = [
            Cap::Parts(20_000),
            Cap::Inflation { ratio: 900, mb: 64 },
            Cap::Uncompressed(600),
            Cap::Sheets(100),
            Cap::Cells(5_000_000),
            Cap::TextSize(16),
            Cap::RowCells(16_384),
            Cap::FieldChars(32_767),
            Cap::LineKb(1024),
            Cap::Depth(256),
            Cap::Nodes(500_000),
            Cap::Attributes(1_000),
            Cap::Merges(10_000),
            Cap::Millis(5000),
        ];
        let whats = [
            NotSheet::WordDocument,
            NotSheet::ZipArchive,
            NotSheet::Xml,
            NotSheet::Text,
            NotSheet::Ole2WithoutWorkbook,
            NotSheet::Unknown,
        ];
        caps.into_iter()
            .map(Unreadable::OverCap)
            .chain(whats.into_iter().map(Unreadable::NotSpreadsheet))
            .chain(
                [
                    IoProblem::NotFound,
                    IoProblem::PermissionDenied,
                    IoProblem::InUse,
                    IoProblem::NotRegularFile,
                    IoProblem::Other(Some(5)),
                    IoProblem::Other(None),
                ]
                .map(Unreadable::Io),
            )
            .chain(
                [
                    DamagedPart::Zip,
                    DamagedPart::Ole2,
                    DamagedPart::Xml { at_byte: Some(812) },
                    DamagedPart::Xml { at_byte: None },
                    DamagedPart::Csv { line: Some(3) },
                    DamagedPart::Csv { line: None },
                    DamagedPart::Workbook,
                    DamagedPart::Reader,
                ]
                .map(|part| {
                    // What calamine and zip say, in English.
                    Unreadable::Damaged(Damage {
                        part,
                        library_message: "invalid Zip archive: Could not find EOCD".into(),
                    })
                }),
            )
            .chain([
                Unreadable::Empty,
                Unreadable::Encrypted,
                Unreadable::TooLarge(1 << 30),
            ])
            .collect()
    }

    #[test]
    fn chinese_reasons_hold_no_english_words() {
        // Names of formats (Word, XML, CSV, Office, MB, KB) are what people call them in Chinese too.
        let allowed = ["Word", "XML", "CSV", "Office", "MB", "KB"];
        for u in all() {
            let zh = unreadable(&u, Lang::Zh);
            let mut rest = zh.clone();
            for a in allowed {
                rest = rest.replace(a, "");
            }
            assert!(
                !rest.chars().any(|c| c.is_ascii_alphabetic()),
                "{u:?}: {zh}"
            );
            assert!(zh.ends_with("未读取") || zh.contains("报送"), "{u:?}: {zh}");
        }
    }

    /// A file the system would not give, or that could not be parsed, comes with what to do;
    /// in Chinese without English beyond the names of programs and formats.
    #[test]
    fn io_and_damage_come_with_a_hint_in_each_language() {
        for u in all()
            .into_iter()
            .filter(|u| matches!(u, Unreadable::Io(_) | Unreadable::Damaged(_)))
        {
            let zh = hint(&u, Lang::Zh).expect("hint");
            let rest = ["Excel", "WPS", "xlsx"]
                .iter()
                .fold(zh.to_string(), |r, a| r.replace(a, ""));
            assert!(
                !rest.chars().any(|c| c.is_ascii_alphabetic()),
                "{u:?}: {zh}"
            );
            assert!(hint(&u, Lang::En).expect("hint").is_ascii(), "{u:?}");
        }
    }

    #[test]
    fn english_reasons_hold_no_chinese() {
        for u in all() {
            let en = unreadable(&u, Lang::En);
            assert!(en.is_ascii(), "{u:?}: {en}");
        }
    }

    #[test]
    fn a_word_document_is_named_as_such() {
        assert_eq!(
            unreadable(
                &Unreadable::NotSpreadsheet(NotSheet::WordDocument),
                Lang::Zh
            ),
            "不是表格文件（内容是 Word 文档），未读取"
        );
        assert_eq!(
            unreadable(&Unreadable::OverCap(Cap::Millis(1500)), Lang::En),
            "too costly to read (not done within 1.5 s); not read"
        );
    }
}
