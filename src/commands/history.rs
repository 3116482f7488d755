//! `huizong history build FOLDER…`: builds the history store from past months' folders in one
//! command — each folder is run as `huizong run` would (without writing workbooks) and its
//! accepted figures stored, oldest month first. The result equals running the months one by one.

use std::io::Write;
use std::path::PathBuf;

use huizong::history::{Figures, Store};
use huizong::model::Period;
use huizong::pipeline;
use huizong::render::Lang;

use super::EXIT_OK;

pub struct Args {
    pub folders: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// The store; `历史库` beside the configuration when not given.
    pub history: Option<PathBuf>,
    pub lang: Lang,
}

pub fn build(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let near = args.folders.first().cloned().unwrap_or_default();
    let config = super::find_config(args.config.clone(), &near, lang)?;
    let history = args
        .history
        .clone()
        .unwrap_or_else(|| super::default_history(args.config.clone(), &near));
    let store = Store::new(&history).with_county(&config.county);
    // Each folder's period is the one its returns give; figures do not depend on earlier months,
    // so the folders can be read in any order and are stored oldest first.
    let mut months: Vec<(Period, Figures, usize, PathBuf)> = Vec::new();
    for folder in &args.folders {
        let outcome = pipeline::run(folder, &config, &pipeline::Context::default())?;
        let counted = outcome
            .assembly
            .returns
            .iter()
            .filter(|r| r.status == huizong::returns::Status::Counted)
            .count();
        let figures = Figures::from_table(outcome.period, &outcome.table);
        if let Some(i) = months.iter().position(|m| m.0 == outcome.period) {
            return Err(huizong::render::Failure::new(
                format!(
                    "{} {}: {} {}",
                    lang.t("两个文件夹是同一个月", "two folders hold the same month"),
                    outcome.period,
                    months[i].3.display(),
                    folder.display()
                ),
                lang.t("每个月只给一个文件夹", "give one folder a month"),
            )
            .into());
        }
        months.push((outcome.period, figures, counted, folder.clone()));
    }
    months.sort_by_key(|m| m.0);
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    for (period, figures, counted, folder) in &months {
        store.save(figures)?;
        let _ = writeln!(
            o,
            "{period}: {counted} {} {} {} ← {}",
            lang.t("份报表", "returns,"),
            figures.len(),
            lang.t("项指标", "township-indicator figures"),
            folder.display()
        );
    }
    let _ = writeln!(
        o,
        "{}: {}",
        lang.t("历史库", "history"),
        store.dir().display()
    );
    Ok(EXIT_OK)
}
