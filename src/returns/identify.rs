//! One workbook's sheets → the sheets that count for the run's period, and the township,
//! period and filing date they give (the file name only as a fallback, and checked against).

use crate::findings::{Disagreement, Kind};
use crate::locate::township::{Match, Roster};
use crate::locate::{period, FormSheet};
use crate::model::{Date, Period};

/// What a workbook says of itself.
pub struct Identity {
    /// Indices of the sheets used, and of the sheets not used.
    pub used: Vec<usize>,
    pub township: Match,
    pub unit_typed: Option<String>,
    pub period: Option<Period>,
    pub filed: Option<Date>,
    /// Findings about the identity, without location beyond the file (sheet name if any).
    pub notes: Vec<(Kind, Option<String>)>,
}

/// The period a workbook mostly gives (its visible sheets first), for settling the run's period.
pub fn main_period(sheets: &[FormSheet], file: &str) -> Option<Period> {
    sheets
        .iter()
        .filter(|s| !s.hidden)
        .chain(sheets.iter().filter(|s| s.hidden))
        .find_map(|s| s.period)
        .or_else(|| period::period_in(file))
}

// long-function: ranks sheets, then decides township and period in one pass; not yet split (issue 10)
pub fn identify(sheets: &[FormSheet], file: &str, run: Period, roster: &Roster) -> Identity {
    let mut notes = Vec::new();
    // Rank sheets: the run's period first, then an unknown period, visible before hidden.
    let rank = |s: &FormSheet| {
        let p = match s.period {
            Some(p) if p == run => 0,
            None => 1,
            Some(_) => 2,
        };
        (p, s.hidden, s.order)
    };
    let mut order: Vec<usize> = (0..sheets.len()).collect();
    order.sort_by_key(|i| rank(&sheets[*i]));
    let mut covered = std::collections::BTreeSet::new();
    let (mut used, mut unused) = (Vec::new(), Vec::new());
    for i in order {
        let fresh: Vec<usize> = sheets[i]
            .indicators()
            .filter(|x| !covered.contains(x))
            .collect();
        if fresh.is_empty() {
            unused.push(i);
        } else {
            covered.extend(fresh);
            used.push(i);
        }
    }
    used.sort_by_key(|i| sheets[*i].order);

    // Period: from the used sheets; they must agree. A month without a year takes the run's.
    let periods: Vec<Period> = used
        .iter()
        .filter_map(|i| {
            let s = &sheets[*i];
            s.period.or_else(|| {
                let p = Period::new(run.year, s.month_only?)?;
                notes.push((Kind::PeriodYearAssumed { period: p }, Some(s.name.clone())));
                Some(p)
            })
        })
        .collect();
    let mut period = periods
        .iter()
        .find(|p| **p == run)
        .or(periods.first())
        .copied();
    if periods.iter().any(|p| Some(*p) != period) {
        notes.push((
            Kind::SheetsDisagree {
                what: Disagreement::Periods(periods.clone()),
            },
            None,
        ));
    }
    let name_period = period::period_in(file);
    let name_month = period::month_in(file);
    match period {
        None => {
            period = name_period;
            notes.push((
                if period.is_some() {
                    Kind::PeriodFromFileName
                } else {
                    Kind::PeriodUnknown
                },
                None,
            ));
        }
        Some(p) => {
            let disagrees = match (name_period, name_month) {
                (Some(np), _) => np != p,
                (None, Some(m)) => m != p.month,
                _ => false,
            };
            if disagrees {
                let in_name = name_period
                    .map(|x| x.to_string())
                    .or(name_month.map(|m| format!("{m}月")))
                    .unwrap_or_default();
                notes.push((
                    Kind::FileNamePeriod {
                        in_name,
                        in_sheet: p,
                    },
                    None,
                ));
            }
        }
    }

    // Township: 填报单位 of the used sheets, then the title, then the file name.
    let units: Vec<(String, usize)> = used
        .iter()
        .filter_map(|i| sheets[*i].unit.as_ref().map(|(t, _)| (t.clone(), *i)))
        .collect();
    let mut township = Match::NotOnRoster;
    let mut unit_typed = None;
    if let Some((text, _)) = units.first() {
        unit_typed = Some(text.clone());
        township = roster.match_unit(text);
        let others: Vec<&String> = units
            .iter()
            .map(|(t, _)| t)
            .filter(|t| roster.match_unit(t) != township)
            .collect();
        if !others.is_empty() {
            notes.push((
                Kind::SheetsDisagree {
                    what: Disagreement::Townships {
                        used: text.to_string(),
                        other: others[0].to_string(),
                    },
                },
                None,
            ));
        }
    } else if let Some(i) = used
        .iter()
        .filter_map(|i| sheets[*i].title.as_deref())
        .find_map(|t| roster.contained_in(t))
    {
        township = Match::Exact(i);
    } else if let Some(i) = roster.contained_in(file) {
        township = Match::Exact(i);
        notes.push((Kind::TownshipFromFileName, None));
    } else {
        notes.push((Kind::TownshipUnknown, None));
    }
    if let Match::Fuzzy(i) = township {
        notes.push((
            Kind::TownshipFuzzy {
                typed: unit_typed.clone().unwrap_or_default(),
                matched: roster.name(i).to_string(),
            },
            None,
        ));
    }
    if let (Match::Exact(i) | Match::Fuzzy(i), Some(j)) = (&township, roster.contained_in(file)) {
        if *i != j {
            notes.push((
                Kind::FileNameTownship {
                    in_name: roster.name(j).to_string(),
                    in_sheet: roster.name(*i).to_string(),
                },
                None,
            ));
        }
    }
    if matches!(township, Match::NotOnRoster) && unit_typed.is_some() {
        notes.push((
            Kind::TownshipNotOnRoster {
                typed: unit_typed.clone().unwrap_or_default(),
            },
            None,
        ));
    }

    let filed = used.iter().find_map(|i| sheets[*i].filed);
    if filed.is_none() {
        notes.push((Kind::NoFilingDate, None));
    }
    for i in &unused {
        let s = &sheets[*i];
        notes.push((
            Kind::SheetNotUsed {
                period: s.period,
                hidden: s.hidden,
                used: used
                    .iter()
                    .map(|u| sheets[*u].name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            },
            Some(s.name.clone()),
        ));
    }
    Identity {
        used,

        township,
        unit_typed,
        period,
        filed,
        notes,
    }
}
