//! Writes a benchmark corpus: N returns of the default form, deterministic, with a realistic
//! share of drift (header moved down, numbers typed as text) and a few errors, plus the
//! configuration with their roster. `cargo run --release --example bench_corpus -- N DIR`

use std::path::Path;

use rayon::prelude::*;
use rust_xlsxwriter::Workbook;

/// The indicators of the default form: (code, name, unit, is_flow), 表1 then 表2.
fn indicators() -> Vec<(String, String, String, bool, String)> {
    let config = huizong::config::Config::default_with("基准县", &[]).expect("built-in form");
    config
        .indicators
        .iter()
        .map(|i| {
            (
                i.code().to_string(),
                i.name.clone(),
                i.unit.clone(),
                i.kind == huizong::config::IndicatorKind::Flow,
                i.sheet.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// A small deterministic generator (SplitMix64), so the corpus is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn township(i: usize) -> String {
    format!("基准{i:05}镇")
}

fn write_return(dir: &Path, i: usize, inds: &[(String, String, String, bool, String)]) {
    let mut rng = Rng(i as u64 * 7919 + 1);
    let mut wb = Workbook::new();
    let moved = rng.below(10) == 0; // 10%: two rows inserted above the header
    let text_numbers = rng.below(10) == 0; // 10%: numbers typed as text with separators
    let error = rng.below(50) == 0; // 2%: C02 + C03 ≠ C01
    let population = 15_000 + rng.below(45_000) as i64;
    for sheet in ["表1", "表2"] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).expect("name");
        let top = if moved { 2 } else { 0 };
        ws.write_string(top, 0, format!("基准县卫生健康工作月报表（{sheet}）"))
            .expect("w");
        ws.write_string(
            top + 1,
            0,
            format!("填报单位（盖章）：{}卫生院", township(i)),
        )
        .expect("w");
        ws.write_string(top + 1, 4, "报告期：2026年10月")
            .expect("w");
        for (c, h) in [
            "序号",
            "指标代码",
            "指标名称",
            "计量单位",
            "本月数",
            "本年累计",
            "备注",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(top + 2, c as u16, *h).expect("w");
        }
        let mut row = top + 3;
        for (n, (code, name, unit, flow, in_sheet)) in inds.iter().enumerate() {
            if in_sheet != sheet {
                continue;
            }
            // Consistent figures (the form's checks hold) but for the injected error.
            let share = |per_mille: i64| population * per_mille / 1000;
            let month = match code.as_str() {
                "A01" => population,
                "A02" => share(900),
                "A03" => share(500),
                "A04" => share(150),
                "A05" => share(10),
                "A06" => share(40),
                "A07" => share(30),
                "A08" => share(10),
                "A09" => share(8),
                "A10" => share(4),
                "A11" => share(3),
                "C01" | "C04" | "C12" | "C13" => 40,
                "C02" => 20 + i64::from(error),
                "C03" => 20,
                "C05" | "C06" | "C11" => 39,
                "C08" | "C09" | "C10" => 0,
                "D01" => 10,
                "D02" => 9,
                "D03" => 500,
                "D04" => 480,
                "B06" => 5,
                "B07" => 2,
                _ => 1 + rng.below(300) as i64,
            };
            ws.write_number(row, 0, (n + 1) as f64).expect("w");
            ws.write_string(row, 1, code).expect("w");
            ws.write_string(row, 2, name).expect("w");
            ws.write_string(row, 3, unit).expect("w");
            if text_numbers && month >= 1000 {
                let t = format!("{},{:03}", month / 1000, month % 1000);
                ws.write_string(row, 4, t).expect("w");
            } else {
                ws.write_number(row, 4, month as f64).expect("w");
            }
            if *flow {
                ws.write_number(row, 5, (month * 10) as f64).expect("w");
            }
            row += 1;
        }
        ws.write_string(row + 1, 0, "填报日期：2026年11月3日")
            .expect("w");
    }
    wb.save(dir.join(format!("{}_2026年10月.xlsx", township(i))))
        .expect("save");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: bench_corpus N DIR");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let returns = dir.join("returns");
    std::fs::create_dir_all(&returns).expect("dir");
    let inds = indicators();
    (0..n)
        .into_par_iter()
        .for_each(|i| write_return(&returns, i, &inds));
    let mut config = String::from("county = \"基准县\"\n");
    for i in 0..n {
        config.push_str(&format!("[[townships]]\nname = \"{}\"\n", township(i)));
    }
    std::fs::write(dir.join("huizong.toml"), config).expect("config");
    println!("{n} returns in {}", returns.display());
}
