//! Compares the cells of two county workbooks, sheet by sheet, and prints every difference:
//! `cargo run --example same_cells -- A.xlsx B.xlsx [SHEET …]` (default: 汇总 and 分乡镇, the
//! consolidated figures). Exit 0 when all cells are the same, 1 when some differ, 2 on a bad
//! argument. `scripts/windows.sh` uses it to compare the Windows build's workbook (run under
//! Wine) with the Linux one.

use calamine::{open_workbook, Data, DataType, Reader, Xlsx};

fn cells(path: &str, sheet: &str) -> Result<calamine::Range<Data>, String> {
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| format!("{path}: {e}"))?;
    wb.worksheet_range(sheet)
        .map_err(|e| format!("{path}: {sheet}: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: same_cells A.xlsx B.xlsx [SHEET …]");
        std::process::exit(2);
    }
    let sheets: Vec<&str> = if args.len() > 2 {
        args[2..].iter().map(String::as_str).collect()
    } else {
        vec!["汇总", "分乡镇"]
    };
    let mut differ = 0usize;
    for sheet in sheets {
        let (a, b) = match (cells(&args[0], sheet), cells(&args[1], sheet)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let rows = a.height().max(b.height());
        let cols = a.width().max(b.width());
        let mut compared = 0usize;
        for r in 0..rows {
            for c in 0..cols {
                let (x, y) = (a.get((r, c)), b.get((r, c)));
                if x != y {
                    differ += 1;
                    println!("{sheet}!R{}C{}: {x:?} ≠ {y:?}", r + 1, c + 1);
                } else if x.is_some_and(|d| !d.is_empty()) {
                    compared += 1;
                }
            }
        }
        println!("{sheet}: {compared} cells the same");
    }
    if differ > 0 {
        println!("{differ} cells differ");
        std::process::exit(1);
    }
}
