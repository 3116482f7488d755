//! The floor every measurement of huizong is a ratio to: open each workbook of a folder with
//! calamine and visit every cell, on all cores, nothing else. `floor DIR`

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: floor DIR");
        std::process::exit(2);
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let cells: usize = files
        .par_iter()
        .map(|f| {
            let Ok(mut wb) = open_workbook_auto(f) else {
                return 0;
            };
            let mut n = 0;
            for name in wb.sheet_names() {
                if let Ok(range) = wb.worksheet_range(&name) {
                    n += range
                        .used_cells()
                        .filter(|(_, _, d)| !matches!(d, Data::Empty))
                        .count();
                }
            }
            std::hint::black_box(n)
        })
        .sum();
    println!("{} files, {cells} cells", files.len());
}
