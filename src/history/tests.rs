use super::*;
use crate::config::Config;
use crate::facts::FactTable;
use crate::model::{Fact, Location};

fn table(values: &[(&str, &str, ValueColumn, f64)]) -> FactTable {
    let config = Config::default_with("县", &["甲镇", "乙乡"]).expect("config");
    let facts = values
        .iter()
        .map(|(t, c, col, v)| Fact {
            township: (*t).into(),
            code: (*c).into(),
            column: *col,
            value: *v,
            at: Location::default(),
        })
        .collect();
    FactTable::build(facts, &config).expect("table")
}

fn period(m: u32) -> Period {
    Period::new(2026, m).expect("period")
}

#[test]
fn figures_round_trip_through_parquet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path().join("h"));
    assert_eq!(store.periods().expect("empty store"), Vec::<Period>::new());
    let t = table(&[
        ("甲镇", "B01", ValueColumn::Month, 10.0),
        ("甲镇", "B01", ValueColumn::Ytd, 95.5),
        ("乙乡", "A01", ValueColumn::Month, 3000.0),
    ]);
    let figures = Figures::from_table(period(9), &t);
    store.save(&figures).expect("save");
    let back = store.load(period(9)).expect("load").expect("present");
    assert_eq!(back, figures);
    assert_eq!(back.get("甲镇", "B01", ValueColumn::Ytd), Some(95.5));
    assert_eq!(back.get("乙乡", "A01", ValueColumn::Ytd), None);
    assert!(back.has_township("乙乡") && !back.has_township("丙镇"));
    assert_eq!(store.load(period(8)).expect("absent"), None);
    assert_eq!(store.periods().expect("periods"), vec![period(9)]);
}

#[test]
fn saving_a_period_again_replaces_it_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path());
    let first = Figures::from_table(
        period(9),
        &table(&[("甲镇", "A01", ValueColumn::Month, 1.0)]),
    );
    let second = Figures::from_table(
        period(9),
        &table(&[("甲镇", "A01", ValueColumn::Month, 2.0)]),
    );
    store.save(&first).expect("save");
    let bytes_first = std::fs::read(dir.path().join("2026-09.parquet")).expect("file");
    store.save(&second).expect("save again");
    assert_eq!(
        store
            .load(period(9))
            .expect("load")
            .and_then(|f| f.get("甲镇", "A01", ValueColumn::Month)),
        Some(2.0)
    );
    store.save(&first).expect("save first again");
    let bytes_again = std::fs::read(dir.path().join("2026-09.parquet")).expect("file");
    assert_eq!(
        bytes_first, bytes_again,
        "the same figures give the same file"
    );
    // Only the period file is left: no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

#[test]
fn a_damaged_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("2026-09.parquet"), b"PAR1 not really").expect("write");
    let store = Store::new(dir.path());
    assert!(store.load(period(9)).is_err());
    let past = Past::load(&store, period(10), 12);
    assert!(past.previous.is_none());
    assert_eq!(past.problems.len(), 1);
}

#[test]
fn past_months_newest_first_across_the_new_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path());
    for (y, m, v) in [(2025, 11, 1.0), (2025, 12, 2.0), (2026, 2, 4.0)] {
        let p = Period::new(y, m).expect("period");
        let t = table(&[("甲镇", "A01", ValueColumn::Month, v)]);
        store.save(&Figures::from_table(p, &t)).expect("save");
    }
    let past = Past::load(&store, period(3), 12);
    assert_eq!(past.series("甲镇", "A01"), vec![4.0, 2.0, 1.0]);
    assert!(past.previous.is_some());
    let past = Past::load(&store, period(2), 12);
    assert!(past.previous.is_none(), "January is not in the store");
    assert_eq!(past.series("甲镇", "A01"), vec![2.0, 1.0]);
}

#[test]
fn each_row_carries_its_period_and_county() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path()).with_county("安平县");
    for m in [9, 10] {
        let t = table(&[
            ("甲镇", "A01", ValueColumn::Month, m as f64),
            ("乙乡", "A01", ValueColumn::Month, 1.0),
        ]);
        store
            .save(&Figures::from_table(period(m), &t))
            .expect("save");
    }
    // Read as one dataset, the months are told apart by their rows alone.
    let mut sums = Vec::new();
    for m in [9, 10] {
        let file =
            std::fs::File::open(dir.path().join(format!("{}.parquet", period(m)))).expect("open");
        let df = ParquetReader::new(file).finish().expect("read");
        let p = df
            .column("period")
            .expect("period")
            .str()
            .expect("str")
            .clone();
        let c = df
            .column("county")
            .expect("county")
            .str()
            .expect("str")
            .clone();
        assert!((0..c.len()).all(|i| c.get(i) == Some("安平县")));
        let month = df
            .column("month")
            .expect("month")
            .cast(&DataType::Float64)
            .expect("f64");
        let month = month.f64().expect("f64");
        let total: f64 = (0..month.len()).filter_map(|i| month.get(i)).sum();
        sums.push((p.get(0).expect("a row").to_string(), total));
    }
    assert_eq!(
        sums,
        [("2026-09".to_string(), 10.0), ("2026-10".to_string(), 11.0)]
    );
    // And the store still reads its own files back.
    assert!(store.load(period(10)).expect("load").is_some());
}
