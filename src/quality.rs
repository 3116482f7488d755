//! Data-quality figures of a run (WHO's data quality review): per roster township, whether its
//! return was received, whether on time, how many of its required cells are filled, and its
//! findings by severity, failed consistency checks and outliers; for the county, completeness
//! (returns received / roster), cell completeness (required cells filled / required cells) and
//! timeliness (returns on time / returns received), held against the `[quality]` targets.
//!
//! Computed from the run's outcome and the configuration only: no IO, no words (reports make
//! them). The one finding made here is the note that a return's timeliness was judged by its
//! file time (F28), which the pipeline adds to the run's findings.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::{Config, IndicatorKind};
use crate::findings::Finding;
use crate::findings::Kind;
use crate::model::{Column, Date, Fact, Location, Period, Severity};
use crate::returns::{self, DateFrom, Return, Status};

/// A part of a whole: `num` of `den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ratio {
    pub num: usize,
    pub den: usize,
}

impl Ratio {
    pub fn new(num: usize, den: usize) -> Self {
        Self { num, den }
    }

    /// The fraction (0.929 for 13 of 14); None for 0 of 0.
    pub fn rate(self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 / self.den as f64)
    }

    /// Whether the fraction reaches `target`; None for 0 of 0. Compared in whole numbers, so
    /// 9 of 10 meets 0.90 exactly.
    pub fn meets(self, target: f64) -> Option<bool> {
        (self.den > 0).then_some(self.num as f64 >= target * self.den as f64 - 1e-9)
    }
}

/// Whether a received return came in by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timely {
    OnTime,
    Late,
    /// Neither a 填报日期 nor a file time: it cannot be shown to be on time.
    NoDate,
}

/// Findings counted by severity (in the order of [`Severity`]), failed consistency checks and
/// outliers (told by the finding's kind, [`Finding::is_consistency`], whatever the ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub by_severity: [usize; 5],
    pub consistency: usize,
    pub outliers: usize,
}

impl Counts {
    pub fn add(&mut self, f: &Finding) {
        self.by_severity[severity_index(f.severity)] += 1;
        if f.is_consistency() {
            self.consistency += 1;
        }
        if f.is_outlier() {
            self.outliers += 1;
        }
    }

    pub fn of(&self, s: Severity) -> usize {
        self.by_severity[severity_index(s)]
    }

    pub fn total(&self) -> usize {
        self.by_severity.iter().sum()
    }

    fn merge(&mut self, other: &Counts) {
        for (a, b) in self.by_severity.iter_mut().zip(other.by_severity) {
            *a += b;
        }
        self.consistency += other.consistency;
        self.outliers += other.outliers;
    }
}

/// The severities in the order of [`Counts::by_severity`].
pub const SEVERITIES: [Severity; 5] = [
    Severity::Error,
    Severity::Alert,
    Severity::Warning,
    Severity::Notice,
    Severity::Note,
];

fn severity_index(s: Severity) -> usize {
    SEVERITIES.iter().position(|x| *x == s).unwrap_or(4)
}

/// One roster township.
#[derive(Debug, Clone, PartialEq)]
pub struct TownshipQuality {
    pub township: String,
    pub code: Option<String>,
    /// The counted return's file; None when nothing was received.
    pub file: Option<String>,
    /// The date the return counts as filed, and where it comes from.
    pub filed: Option<(Date, DateFrom)>,
    /// None when nothing was received.
    pub timely: Option<Timely>,
    /// Required cells filled / required cells of the counted return (0 of 0 when none).
    pub cells: Ratio,
    pub findings: Counts,
}

impl TownshipQuality {
    pub fn received(&self) -> bool {
        self.file.is_some()
    }
}

/// The run's data-quality figures.
#[derive(Debug, Clone, PartialEq)]
pub struct DataQuality {
    /// One per roster township, in roster order.
    pub townships: Vec<TownshipQuality>,
    /// Findings of no roster township (units not on the roster, skipped or unreadable files).
    pub other: Counts,
    /// Findings of the whole run.
    pub total: Counts,
    /// Returns received / roster.
    pub completeness: Ratio,
    /// Required cells filled / required cells, over the returns received.
    pub cells: Ratio,
    /// Returns on time / returns received.
    pub timeliness: Ratio,
    /// Findings by rule, by severity (rules in id order).
    pub by_rule: BTreeMap<String, [usize; 5]>,
    pub targets: crate::config::quality::Quality,
}

/// The cells a return must fill: every required indicator's 本月数, and a flow's 本年累计.
pub fn required_cells(config: &Config) -> Vec<(&str, Column)> {
    let mut cells = Vec::new();
    for ind in config.indicators.iter().filter(|i| i.required) {
        cells.push((ind.code(), Column::Month));
        if ind.kind == IndicatorKind::Flow {
            cells.push((ind.code(), Column::Ytd));
        }
    }
    cells
}

/// The figures from their parts: the run's returns, its facts (the valid values of the counted
/// returns) and its findings. A required cell is filled when it holds a value, valid (a fact)
/// or not (R13: typed, but wrong); it is missing when blank (R14), when its indicator was not
/// found (F04) or its column is absent (F22).
// long-function: one pass over returns and findings counting each part of data quality; not yet split (issue 10)
pub fn compute_parts(
    config: &Config,
    period: Period,
    returns: &[Return],
    facts: &[Fact],
    findings: &[Finding],
) -> DataQuality {
    let required = required_cells(config);
    let is_required: HashSet<(&str, Column)> = required.iter().copied().collect();
    // Required cells filled, counted per township: a counted return has one value a cell, a
    // fact if valid, an R13 finding if not (a province has millions of facts: no set of them).
    let mut filled: HashMap<&str, usize> = HashMap::new();
    for f in facts {
        if is_required.contains(&(&*f.code, f.column)) {
            *filled.entry(&f.township).or_default() += 1;
        }
    }
    for f in findings
        .iter()
        .filter(|f| matches!(f.kind, Kind::Invalid(_)))
    {
        if let (Some(t), Some(c), Some(col)) = (&f.township, &f.code, f.column) {
            if is_required.contains(&(c.as_str(), col)) {
                *filled.entry(t.as_str()).or_default() += 1;
            }
        }
    }
    let counted: HashMap<&str, &Return> = returns
        .iter()
        .filter(|r| r.status == Status::Counted)
        .filter_map(|r| r.township.as_deref().map(|t| (t, r)))
        .collect();
    let roster: HashMap<&str, usize> = config
        .townships
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name(), i))
        .collect();
    let mut counts = vec![Counts::default(); config.townships.len()];
    let mut other = Counts::default();
    let mut by_rule: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for f in findings {
        match f.township.as_deref().and_then(|t| roster.get(t)) {
            Some(i) => counts[*i].add(f),
            None => other.add(f),
        }
        by_rule.entry(f.rule.clone()).or_default()[severity_index(f.severity)] += 1;
    }
    let mut townships = Vec::with_capacity(config.townships.len());
    for (t, counts) in config.townships.iter().zip(counts) {
        let name = t.name();
        let r = counted.get(name);
        let filed = r.and_then(|r| returns::filing_date(r));
        let timely = r.map(|_| {
            match returns::on_time(filed.map(|d| d.0), period, config.form.deadline_day) {
                Some(true) => Timely::OnTime,
                Some(false) => Timely::Late,
                None => Timely::NoDate,
            }
        });
        let cells = match r {
            Some(_) => Ratio::new(
                filled.get(name).copied().unwrap_or(0).min(required.len()),
                required.len(),
            ),
            None => Ratio::default(),
        };
        townships.push(TownshipQuality {
            township: name.to_string(),
            code: t.code.clone(),
            file: r.map(|r| r.file.clone()),
            filed,
            timely,
            cells,
            findings: counts,
        });
    }
    let received = townships.iter().filter(|t| t.received()).count();
    let on_time = townships
        .iter()
        .filter(|t| t.timely == Some(Timely::OnTime))
        .count();
    let cells = townships.iter().fold(Ratio::default(), |a, t| {
        Ratio::new(a.num + t.cells.num, a.den + t.cells.den)
    });
    let mut total = other;
    for t in &townships {
        total.merge(&t.findings);
    }
    DataQuality {
        completeness: Ratio::new(received, townships.len()),
        cells,
        timeliness: Ratio::new(on_time, received),
        townships,
        other,
        total,
        by_rule,
        targets: config.quality,
    }
}

/// The notes (F28) for the counted returns whose sheet gives no 填报日期: their timeliness is
/// judged by the file's modification date.
pub fn file_time_notes(returns: &[Return]) -> Vec<Finding> {
    returns
        .iter()
        .filter(|r| r.status == Status::Counted)
        .filter_map(|r| match returns::filing_date(r) {
            Some((modified, DateFrom::FileTime)) => Some(
                Finding::new(
                    Kind::FiledFromFileTime { modified },
                    Location::file(&r.file),
                )
                .with_township(r.township.clone()),
            ),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Invalid;

    fn config() -> Config {
        Config::default_with("安平县", &["甲镇", "乙乡", "丙镇"]).expect("config")
    }

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    fn period() -> Period {
        Period::new(2026, 10).expect("period")
    }

    fn counted(file: &str, township: &str, filed: Option<Date>) -> Return {
        Return {
            file: file.into(),
            township: Some(township.into()),
            unit_typed: None,
            template: None,
            period: Some(period()),
            filed,
            modified: None,
            status: Status::Counted,
            readings: Vec::new(),
            sheet_notes: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// A fact for every required cell of `township`, but those in `except`.
    fn facts(config: &Config, township: &str, except: &[(&str, Column)]) -> Vec<Fact> {
        required_cells(config)
            .into_iter()
            .filter(|c| !except.contains(c))
            .map(|(code, column)| Fact {
                township: township.into(),
                code: code.into(),
                column,
                value: 1.0,
                at: Location::file("x.xlsx"),
            })
            .collect()
    }

    fn finding(kind: Kind, township: Option<&str>, rule: Option<&str>) -> Finding {
        let f =
            Finding::new(kind, Location::file("x.xlsx")).with_township(township.map(Into::into));
        match rule {
            Some(r) => f.with_rule(r, Severity::Warning),
            None => f,
        }
    }

    /// Noon UTC of a day: the same local day in every time zone within ±11 hours.
    fn noon(d: Date) -> std::time::SystemTime {
        let t = chrono::NaiveDate::from_ymd_opt(d.year, d.month, d.day)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("date")
            .and_utc();
        t.into()
    }

    #[test]
    fn ratios_and_targets() {
        let r = Ratio::new(13, 14);
        assert!((r.rate().expect("rate") - 0.928_571).abs() < 1e-6);
        assert_eq!(r.meets(0.90), Some(true));
        assert_eq!(Ratio::new(9, 10).meets(0.90), Some(true));
        assert_eq!(Ratio::new(8, 10).meets(0.90), Some(false));
        assert_eq!(Ratio::new(8, 13).meets(0.75), Some(false));
        assert_eq!(Ratio::default().rate(), None);
        assert_eq!(Ratio::default().meets(0.75), None);
    }

    /// The default form's R01–R12 are the consistency checks and R15 the outliers; a county
    /// that numbers its checks J01–J05 gets the same figures, since the kind decides.
    #[test]
    fn consistency_and_outliers_by_kind_not_by_id() {
        let outlier = crate::findings::examples()
            .into_iter()
            .find(|k| matches!(k, Kind::Outlier { .. }))
            .expect("an outlier example");
        let check = || Kind::Check {
            check: 0,
            values: vec![],
        };
        for rule in ["R01", "R07", "J01", "J05"] {
            let f = finding(check(), Some("甲镇"), Some(rule));
            assert!(f.is_consistency() && !f.is_outlier(), "{rule}");
        }
        for kind in [
            Kind::YtdBelowMonth {
                month: 2.0,
                ytd: 1.0,
            },
            Kind::StockChange {
                value: 2.0,
                previous: 1.0,
                share: 0.2,
            },
        ] {
            assert!(finding(kind, None, None).is_consistency());
        }
        for rule in ["R15", "J04"] {
            let f = finding(outlier.clone(), Some("甲镇"), Some(rule));
            assert!(f.is_outlier() && !f.is_consistency(), "{rule}");
        }
        // R13, R14, F and N findings, and a check that could not be evaluated, are neither.
        for (kind, rule) in [
            (Kind::Blank, Some("R01")),
            (Kind::Invalid(Invalid::Negative), None),
            (Kind::Missing, None),
            (
                Kind::NotEvaluable(crate::findings::NotEvaluable::NoStore),
                Some("R11"),
            ),
        ] {
            let f = finding(kind, None, rule);
            assert!(!f.is_consistency() && !f.is_outlier(), "{:?}", f.kind);
        }
    }

    #[test]
    fn completeness_cells_timeliness_and_counts() {
        let c = config();
        let n = required_cells(&c).len();
        // 43 indicators of the default form, every one required; the flows count twice.
        assert!(n > 43, "{n}");
        let returns = vec![
            counted("甲.xlsx", "甲镇", Some(date(2026, 11, 5))),
            counted("乙.xlsx", "乙乡", Some(date(2026, 11, 6))),
        ];
        // 甲镇: C01 本月数 blank (R14), D03 本年累计 invalid (R13, typed but wrong: filled).
        let mut all = facts(&c, "甲镇", &[("C01", Column::Month), ("D03", Column::Ytd)]);
        all.extend(facts(&c, "乙乡", &[]));
        let outlier = crate::findings::examples()
            .into_iter()
            .find(|k| matches!(k, Kind::Outlier { .. }))
            .expect("an outlier example");
        let invalid = finding(Kind::Invalid(Invalid::Negative), Some("甲镇"), None)
            .with_code(Some("D03".into()))
            .with_column(Some(Column::Ytd));
        let findings = vec![
            invalid,
            finding(Kind::Blank, Some("甲镇"), None),
            finding(
                Kind::Check {
                    check: 0,
                    values: vec![],
                },
                Some("甲镇"),
                Some("R01"),
            ),
            finding(outlier, Some("乙乡"), Some("R15")),
            finding(Kind::Missing, Some("丙镇"), None),
            finding(Kind::Skipped(crate::findings::Skip::OwnerFile), None, None),
        ];
        let q = compute_parts(&c, period(), &returns, &all, &findings);
        assert_eq!(q.completeness, Ratio::new(2, 3));
        assert_eq!(q.cells, Ratio::new(2 * n - 1, 2 * n));
        assert_eq!(q.timeliness, Ratio::new(1, 2));
        let [jia, yi, bing] = &q.townships[..] else {
            panic!("three townships");
        };
        assert_eq!(jia.cells, Ratio::new(n - 1, n));
        assert_eq!(jia.timely, Some(Timely::OnTime));
        assert_eq!(yi.timely, Some(Timely::Late));
        assert_eq!(yi.cells, Ratio::new(n, n));
        assert!(!bing.received());
        assert_eq!((bing.timely, bing.cells), (None, Ratio::default()));
        assert_eq!(jia.findings.of(Severity::Error), 2);
        assert_eq!(jia.findings.of(Severity::Warning), 1);
        assert_eq!((jia.findings.consistency, jia.findings.outliers), (1, 0));
        assert_eq!((yi.findings.consistency, yi.findings.outliers), (0, 1));
        assert_eq!(bing.findings.of(Severity::Error), 1);
        assert_eq!(q.other.of(Severity::Note), 1);
        assert_eq!(q.total.total(), findings.len());
        assert_eq!(q.by_rule.values().flatten().sum::<usize>(), findings.len());
        assert_eq!(q.by_rule["R14"], [1, 0, 0, 0, 0]);
        assert_eq!(q.targets.timeliness, 0.75);
    }

    #[test]
    fn without_a_filing_date_the_file_time_decides_and_is_noted() {
        let c = config();
        let mut jia = counted("甲.xlsx", "甲镇", None);
        jia.modified = Some(noon(date(2026, 11, 4)));
        let mut yi = counted("乙.xlsx", "乙乡", None);
        yi.modified = Some(noon(date(2026, 11, 20)));
        let bing = counted("丙.xlsx", "丙镇", None);
        let returns = vec![jia, yi, bing];
        let q = compute_parts(&c, period(), &returns, &[], &[]);
        let timely: Vec<_> = q.townships.iter().map(|t| t.timely).collect();
        assert_eq!(
            timely,
            [
                Some(Timely::OnTime),
                Some(Timely::Late),
                Some(Timely::NoDate)
            ]
        );
        assert_eq!(
            q.townships[0].filed,
            Some((date(2026, 11, 4), DateFrom::FileTime))
        );
        // A return with no date at all cannot be shown to be on time.
        assert_eq!(q.timeliness, Ratio::new(1, 3));
        assert_eq!(q.cells, Ratio::new(0, 3 * required_cells(&c).len()));
        let notes = file_time_notes(&returns);
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].rule, "F28");
        assert_eq!(notes[0].severity, Severity::Note);
        assert_eq!(notes[0].township.as_deref(), Some("甲镇"));
        // A 填报日期 wins over the file time, and is not noted.
        let mut filed = counted("甲.xlsx", "甲镇", Some(date(2026, 11, 9)));
        filed.modified = Some(noon(date(2026, 11, 1)));
        assert!(file_time_notes(std::slice::from_ref(&filed)).is_empty());
        let q = compute_parts(&c, period(), &[filed], &[], &[]);
        assert_eq!(q.townships[0].timely, Some(Timely::Late));
    }
}
