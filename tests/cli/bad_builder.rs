//! Builds a folder of bad inputs beside good returns, at test time (issue 4). Shared by the
//! integration tests and `examples/bad_inputs.rs` (which the benchmark script runs).

use std::io::{Read, Write};
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

/// The good returns copied in unchanged (file names in `samples/returns/2026-10`).
pub const GOOD: [&str; 3] = ["杏林镇10月.xlsx", "马坊镇 10月.xlsx", "桃源乡10月报表.xlsx"];

/// Returns in disguise: (file written, sample it was made from, what it is).
pub const DISGUISED: [(&str, &str, &str); 4] = [
    (
        "西山乡导出.xls",
        "西山乡卫生院10月月报.ods",
        "HTML tables saved as .xls",
    ),
    (
        "清水乡导出.xls",
        "清水乡2026-10.xlsx",
        "GBK CSV saved as .xls",
    ),
    ("白沙乡.xlsx", "10月 白沙乡.xls", ".xls named .xlsx"),
    ("柳河镇.xls", "柳河镇_2026年10月.xlsx", ".xlsx named .xls"),
];

/// The bad files and the rule each must be listed with (F01 skipped, F02 unreadable, F03 no
/// form, F10 not on roster), with a word of the reason.
pub const BAD: [(&str, &str, &str); 18] = [
    ("空文件.xlsx", "F02", "0 字节"),
    ("文本改名.xlsx", "F02", "不是表格文件"),
    ("截断.xlsx", "F02", "不完整或已损坏"),
    ("坏共享字符串.xlsx", "F02", "不完整或已损坏"),
    ("加密.xlsx", "F02", "文件已加密"),
    ("巨大范围.xlsx", "F03", "未找到报表"),
    ("压缩炸弹.xlsx", "F02", "压缩炸弹"),
    ("二百个工作表.xlsx", "F02", "压缩炸弹"),
    ("三十万行.xlsx", "F03", "未找到报表"),
    ("注入.csv", "R13", "无效"),
    ("路径.csv", "F10", "../../etc/passwd"),
    ("~$杏林镇10月.xlsx", "F01", "临时文件"),
    ("管道.xlsx", "F01", "不是普通文件"),
    ("环1.xlsx", "F01", "不是普通文件"),
    ("环2.xlsx", "F01", "不是普通文件"),
    ("半截.xls", "F02", "不完整或已损坏"),
    ("重复单元格.ods", "F02", "压缩炸弹"),
    ("大范围.xls", "F02", "压缩炸弹"),
];

/// Text that a spreadsheet program would run as a formula if written as one.
pub const INJECTIONS: [&str; 3] = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(1)"];

/// The cells of every sheet of a sample, as text rows.
fn sheets_of(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb = open_workbook_auto(path).expect("open sample");
    let names = wb.sheet_names();
    let mut out = Vec::new();
    for name in names {
        let range = wb.worksheet_range(&name).expect("range");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows = vec![Vec::new(); r0 as usize];
        for row in range.rows() {
            let mut cells = vec![String::new(); c0 as usize];
            cells.extend(row.iter().map(|d| match d {
                Data::Empty => String::new(),
                Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                other => other.to_string(),
            }));
            rows.push(cells);
        }
        out.push((name, rows));
    }
    out
}

fn html_of(sheets: &[(String, Vec<Vec<String>>)]) -> String {
    let mut h = String::from("<html><head><meta charset=\"utf-8\"></head><body>\n");
    for (_, rows) in sheets.iter().filter(|(n, _)| n.starts_with('表')) {
        h.push_str("<table border=1>\n");
        for row in rows {
            h.push_str("<tr>");
            for c in row {
                h.push_str(&format!(
                    "<td>{}</td>",
                    c.replace('&', "&amp;").replace('<', "&lt;")
                ));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// A CSV return: 表1 then 表2 in one table, as a hospital system exports it.
fn csv_of(sheets: &[(String, Vec<Vec<String>>)]) -> String {
    let mut s = String::new();
    for (_, rows) in sheets.iter().filter(|(n, _)| n.starts_with('表')) {
        for row in rows {
            s.push_str(&csv_line(row));
            s.push('\n');
        }
    }
    s
}

/// A small return in CSV with a given unit and some typed values.
fn csv_return(unit: &str, values: &[(&str, &str)]) -> String {
    let mut s = String::from("安平县卫生健康工作月报表\n");
    s.push_str(&format!("\"填报单位：{unit}\",,,,\"报告期：2026年10月\"\n"));
    s.push_str("序号,指标代码,指标名称,计量单位,本月数,本年累计,备注\n");
    for (i, (code, v)) in values.iter().enumerate() {
        s.push_str(&format!(
            "{},{code},指标{code},人,{},,\n",
            i + 1,
            csv_line(&[v.to_string()])
        ));
    }
    s.push_str("填报日期：2026年11月3日\n");
    s
}

pub(crate) fn rewrite_zip(src: &[u8], replace: &str, with: &[u8]) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(src)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut replaced = false;
    for i in 0..input.len() {
        let mut f = input.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read entry");
        out.start_file(name.as_str(), opts).expect("start");
        out.write_all(if name == replace { with } else { &data })
            .expect("write");
        replaced |= name == replace;
    }
    assert!(replaced, "{replace} is not in the package");
    out.finish().expect("finish").into_inner()
}

fn xlsx_with(build: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    build(&mut wb);
    wb.save_to_buffer().expect("xlsx")
}

/// Writes the good returns only into `dir`.
pub fn good_only(dir: &Path, samples: &Path) {
    std::fs::create_dir_all(dir).expect("dir");
    for f in GOOD {
        std::fs::copy(samples.join(f), dir.join(f)).expect("copy");
    }
}

/// Writes the originals of the disguised returns (for comparison) into `dir`.
pub fn originals(dir: &Path, samples: &Path) {
    good_only(dir, samples);
    for (_, from, _) in DISGUISED {
        std::fs::copy(samples.join(from), dir.join(from)).expect("copy");
    }
}

/// Writes good returns, disguised returns and every bad input into `dir`.
pub fn build(dir: &Path, samples: &Path) {
    good_only(dir, samples);
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    // Disguised exports and swapped extensions.
    w(
        DISGUISED[0].0,
        html_of(&sheets_of(&samples.join(DISGUISED[0].1))).as_bytes(),
    );
    w(
        DISGUISED[1].0,
        &gbk(&csv_of(&sheets_of(&samples.join(DISGUISED[1].1)))),
    );
    for (to, from, _) in &DISGUISED[2..] {
        std::fs::copy(samples.join(from), dir.join(to)).expect("copy");
    }
    let xlsx = std::fs::read(samples.join(GOOD[0])).expect("sample");
    let xls = std::fs::read(samples.join("龙泉乡_10月.xls")).expect("sample");

    w("空文件.xlsx", b"");
    w("文本改名.xlsx", "这不是表格，是一份说明。\n".as_bytes());
    w("截断.xlsx", &xlsx[..xlsx.len() / 2]);
    w("半截.xls", &xls[..xls.len() / 3]);
    // A LibreOffice-saved return (it has shared strings) with its string table cut short.
    let shared = std::fs::read(samples.join("东岭乡9月.xlsx")).expect("sample");
    w(
        "坏共享字符串.xlsx",
        &rewrite_zip(&shared, "xl/sharedStrings.xml", b"<sst><si><t>broken"),
    );
    // An encrypted OOXML package is an OLE2 file with these two streams.
    let mut ole = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    ole.create_stream("/EncryptionInfo")
        .expect("stream")
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .expect("w");
    ole.create_stream("/EncryptedPackage")
        .expect("stream")
        .write_all(&[0u8; 4096])
        .expect("w");
    ole.flush().expect("flush");
    w("加密.xlsx", &ole.into_inner().into_inner());
    w(
        "巨大范围.xlsx",
        &xlsx_with(|wb| {
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "A1").expect("cell");
            ws.write_string(1_048_575, 16_383, "XFD1048576")
                .expect("cell");
        }),
    );
    // A zip bomb: a worksheet part of 64 MB of spaces, a few tens of KB packed.
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    bomb.start_file("[Content_Types].xml", opts).expect("start");
    bomb.write_all(b"<Types/>").expect("write");
    bomb.start_file("xl/workbook.xml", opts).expect("start");
    bomb.write_all(b"<workbook/>").expect("write");
    bomb.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("start");
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        bomb.write_all(&spaces).expect("write");
    }
    w(
        "压缩炸弹.xlsx",
        &bomb.finish().expect("finish").into_inner(),
    );
    // An .ods whose one valued cell repeats over a million rows and all columns.
    let mut ods = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    ods.start_file("mimetype", opts).expect("start");
    ods.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    ods.start_file("content.xml", opts).expect("start");
    ods.write_all(concat!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>"#,
        r#"<table:table table:name="表1"><table:table-row table:number-rows-repeated="1000000">"#,
        r#"<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/>"#,
        r#"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    ).as_bytes()).expect("write");
    w(
        "重复单元格.ods",
        &ods.finish().expect("finish").into_inner(),
    );
    // An .xls whose sheet declares A1:IV65536 (BOF, DIMENSIONS, EOF records).
    let record = |kind: u16, data: &[u8]| {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    };
    let bof = record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let mut dims = Vec::new();
    dims.extend(0u32.to_le_bytes());
    dims.extend(65_536u32.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    dims.extend(256u16.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    let stream: Vec<u8> = [
        bof.clone(),
        record(0x000A, &[]),
        bof,
        record(0x0200, &dims),
        record(0x000A, &[]),
    ]
    .concat();
    let mut ole = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    ole.create_stream("/Workbook")
        .expect("stream")
        .write_all(&stream)
        .expect("w");
    ole.flush().expect("flush");
    w("大范围.xls", &ole.into_inner().into_inner());
    w(
        "二百个工作表.xlsx",
        &xlsx_with(|wb| {
            for i in 0..200 {
                wb.add_worksheet()
                    .write_number(0, 0, i as f64)
                    .expect("cell");
            }
        }),
    );
    w(
        "三十万行.xlsx",
        &xlsx_with(|wb| {
            let ws = wb.add_worksheet();
            for r in 0..300_000u32 {
                ws.write_number(r, 0, r as f64).expect("cell");
            }
        }),
    );
    let injected: Vec<(&str, &str)> = ["A01", "A02", "A03"].into_iter().zip(INJECTIONS).collect();
    w("注入.csv", csv_return("北关镇卫生院", &injected).as_bytes());
    w(
        "路径.csv",
        csv_return("../../etc/passwd", &[("A01", "100")]).as_bytes(),
    );
    w(
        "~$杏林镇10月.xlsx",
        &[0x14, 0x00, 0x41, 0x00, 0x64, 0x00, 0x6d, 0x00],
    );
    // A FIFO (opening it would hang) and a link loop: unix only (the tests compile for
    // Windows, where neither can be made without privileges).
    #[cfg(unix)]
    {
        let fifo = dir.join("管道.xlsx");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::os::unix::fs::symlink(dir.join("环2.xlsx"), dir.join("环1.xlsx")).expect("link");
        std::os::unix::fs::symlink(dir.join("环1.xlsx"), dir.join("环2.xlsx")).expect("link");
    }
}

/// Hostile text-format files (issue 11): HTML saved as `.xls`, SpreadsheetML 2003, CSV. Each is
/// listed with its rule and a word of its reason, like [`BAD`]; each must cost under 2 s and
/// 200 MB beside good returns.
pub const HOSTILE: [(&str, &str, &str); 18] = [
    ("跨行跨列.xls", "F02", "超过 5000000 个单元格"),
    ("深层表格.xls", "F02", "工作表或表格超过 100 个"),
    ("格式嵌套.xls", "F03", "未找到报表"),
    ("宽行.xls", "F02", "一行超过 16384 个单元格"),
    ("长单元格.xls", "F02", "超过 32767 个字符"),
    ("标记过多.xls", "F02", "标记超过 500000 个"),
    ("属性洪水.xls", "F02", "属性超过 1000 个"),
    ("合并炸弹.xml", "F02", "超过 5000000 个单元格"),
    ("合并过多.xml", "F02", "合并单元格超过 10000 处"),
    ("极远位置.xml", "F03", "未找到报表"),
    ("深层嵌套.xml", "F02", "嵌套超过 256 层"),
    ("长文本.xml", "F02", "超过 32767 个字符"),
    ("超大文本.csv", "F02", "超过 16 MB"),
    ("长字段.csv", "F02", "超过 32767 个字符"),
    ("长行.csv", "F02", "一行文字超过 1024 KB"),
    ("宽行.csv", "F02", "一行超过 16384 个单元格"),
    ("单元格过多.csv", "F02", "超过 5000000 个单元格"),
    ("引号不闭合.csv", "F03", "未找到报表"),
];

const SSML_HEAD: &str = concat!(
    r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" "#,
    r#"xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">"#
);

fn ssml(body: &str) -> Vec<u8> {
    format!("{SSML_HEAD}<Worksheet ss:Name=\"表1\"><Table>{body}</Table></Worksheet></Workbook>")
        .into_bytes()
}

/// The bytes of each [`HOSTILE`] file, by name.
pub fn hostile_bytes(name: &str) -> Vec<u8> {
    let html = |body: String| format!("<html><body>{body}</body></html>").into_bytes();
    match name {
        // The issue's file: 300 cells spanning 60000 rows × 16000 columns each, 38 KB.
        "跨行跨列.xls" => html(format!(
            "<table><tr>{}</tr></table>",
            r#"<td rowspan="60000" colspan="16000">x</td>"#.repeat(300)
        )),
        "深层表格.xls" => html("<table><tr><td>".repeat(5000)),
        // Misnested formatting: a tree builder re-opens every <b> for each <p> (25 M nodes).
        "格式嵌套.xls" => html(format!(
            "{}{}<table><tr><td>x</td></tr></table>",
            (0..5000).map(|i| format!("<b id={i}>")).collect::<String>(),
            "<p>x</p>".repeat(5000)
        )),
        "宽行.xls" => html(format!("<table><tr>{}</tr></table>", "<td>1</td>".repeat(20_000))),
        "长单元格.xls" => html(format!(
            "<table><tr><td>{}</td></tr></table>",
            "长".repeat(200_000)
        )),
        "标记过多.xls" => html("<i>".repeat(500_001)),
        // One tag with 200,000 attributes: html5ever checks each new attribute against all the
        // tag's others, so this one tag costs quadratic time inside the tokenizer.
        "属性洪水.xls" => html(format!(
            "<table><tr><td {}>x</td></tr></table>",
            (0..200_000).map(|i| format!(" a{i}")).collect::<String>()
        )),
        "合并炸弹.xml" => ssml(
            &r#"<Row><Cell ss:MergeAcross="16383" ss:MergeDown="1048575"><Data ss:Type="String">x</Data></Cell></Row>"#
                .repeat(10),
        ),
        "合并过多.xml" => ssml(
            &format!("<Row>{}</Row>", r#"<Cell ss:MergeAcross="1"/>"#.repeat(8)).repeat(2000),
        ),
        "极远位置.xml" => ssml(concat!(
            r#"<Row ss:Index="4294967295"><Cell ss:Index="16384" ss:MergeDown="4294967295">"#,
            r#"<Data ss:Type="Number">1</Data></Cell></Row><Row/><Row/>"#
        )),
        "深层嵌套.xml" => ssml(&format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000))),
        "长文本.xml" => ssml(&format!(
            r#"<Row><Cell><Data ss:Type="String">{}</Data></Cell></Row>"#,
            "&#38271;".repeat(100_000)
        )),
        "超大文本.csv" => "序号,指标\n1,2\n".repeat(1_000_000).into_bytes(),
        "长字段.csv" => format!("序号,指标\n1,\"{}\"\n", "长".repeat(100_000)).into_bytes(),
        "长行.csv" => format!("序号,指标\n{}\n", vec!["x".repeat(10_000); 200].join(","))
            .into_bytes(),
        "宽行.csv" => format!("序号,指标\n{}\n", ",".repeat(20_000)).into_bytes(),
        "单元格过多.csv" => {
            let line = format!("{}\n", vec!["1"; 10_000].join(","));
            format!("序号,指标\n{}", line.repeat(501)).into_bytes()
        }
        // A quote never closed: the rest of the file is one field (under the caps).
        "引号不闭合.csv" => format!("序号,指标\n1,\"{}", "2,3\n".repeat(5000)).into_bytes(),
        other => panic!("no hostile file {other}"),
    }
}

/// Writes every [`HOSTILE`] file into `dir` (for `examples/bad_inputs.rs`; the test writes
/// them one at a time).
#[allow(dead_code)]
pub fn hostile(dir: &Path) {
    std::fs::create_dir_all(dir).expect("dir");
    for (name, _, _) in HOSTILE {
        std::fs::write(dir.join(name), hostile_bytes(name)).expect("write");
    }
}
