//! Gives a benchmark corpus a history: from the figures a run stored for October
//! (`DIR/out/history/2026-10.parquet`), writes the K months before it into `DIR/history-K`, each
//! consistent with October (the same 本月数, 本年累计 carried on month by month), so that R11, R12
//! and R15 (own history) all run at full scale.
//! `cargo run --release --example bench_history -- DIR K`

use std::path::Path;

use huizong::history::{Figures, Store};
use huizong::model::Period;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(k)) = (args.get(1), args.get(2).and_then(|k| k.parse::<u32>().ok()))
    else {
        eprintln!("usage: bench_history DIR K");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let october = Period::new(2026, 10).expect("period");
    let source = Store::new(dir.join("out/history"));
    let figures = source
        .load(october)
        .expect("history readable")
        .expect("run the corpus once first: DIR/out/history/2026-10.parquet");
    let entries = figures.entries();
    let target = Store::new(dir.join(format!("history-{k}")));
    for back in 1..=k.min(9) {
        let month = 10 - back;
        let period = Period::new(2026, month).expect("period");
        // October's 本年累计 is ten months of the same 本月数: month m holds m of them.
        let scaled: Vec<_> = entries
            .iter()
            .map(|(t, c, m, y)| {
                let ytd = y.map(|y| y - (10.0 - f64::from(month)) * m.unwrap_or(0.0));
                (t.clone(), c.clone(), *m, ytd)
            })
            .collect();
        target
            .save(&Figures::from_entries(period, &scaled))
            .expect("save");
    }
    println!(
        "{} months before {october} in {}",
        k.min(9),
        target.dir().display()
    );
}
