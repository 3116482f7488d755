//! Why a file could not be read, in words people can act on: whole sentences in each language,
//! the numbers of the cap inside them, never a fragment of the other language. Words only.

use crate::findings::Unreadable;
use crate::read::{Cap, NotSheet};

use super::Lang;

pub(super) fn unreadable(u: &Unreadable, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Unreadable::Io(e) => {
            if zh {
                format!("文件无法打开（系统信息：{e}）")
            } else {
                format!("cannot open the file: {e}")
            }
        }
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
        Unreadable::Damaged(e) => {
            if zh {
                format!("文件不完整或已损坏，请重新保存后报送（技术信息：{e}）")
            } else {
                format!("the file is truncated or damaged; save it again and resend ({e})")
            }
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
            .chain([
                Unreadable::Empty,
                Unreadable::Encrypted,
                Unreadable::TooLarge(1 << 30),
            ])
            .collect()
    }

    #[test]
    fn chinese_reasons_hold_no_english_words() {
        // Names of formats (Word, XML, Office, MB, KB) are what people call them in Chinese too.
        let allowed = ["Word", "XML", "Office", "MB", "KB"];
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
