use super::*;
use crate::findings::Kind;
use crate::model::Location;

fn warning(values: &[(&str, f64)]) -> Finding {
    let mut f = Finding::new(
        Kind::Check {
            check: 0,
            values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        },
        Location::default(),
    )
    .with_rule("R06", Severity::Warning)
    .with_township(Some("云溪镇".into()))
    .with_code(Some("C12".into()))
    .with_column(Some(Column::Month));
    f.at.cell = Some(crate::model::CellRef::new(15, 4));
    f
}

fn explanation(text: &str, values: &str, decision: Decision) -> Explanation {
    Explanation {
        township: "云溪镇".into(),
        period: Period::new(2026, 10),
        rule: "R06".into(),
        code: Some("C12".into()),
        column: Some(Column::Month),
        values: parse_values(values),
        text: text.into(),
        decision,
        by: Some("王统计".into()),
        on: Some("2026-11-08".into()),
        source: "审核说明.csv".into(),
    }
}

fn state_after(f: &Finding, e: Explanation) -> Option<ReviewState> {
    let mut fs = vec![f.clone()];
    apply(
        &mut fs,
        &[e],
        Period::new(2026, 10).expect("period"),
        &|_| true,
    );
    fs[0].review.as_ref().map(|r| r.state)
}

#[test]
fn stock_phrases_explain_nothing() {
    for t in [
        "核实无误",
        "已核实，数据无误。",
        "经核实 属实",
        "OK",
        "无误！",
    ] {
        assert!(is_stock_phrase(t), "{t}");
    }
    for t in [
        "月末出生的新生儿在本月筛查",
        "9月30日出生3名，10月筛查",
        "外乡镇产妇在本院分娩",
    ] {
        assert!(!is_stock_phrase(t), "{t}");
    }
}

#[test]
fn values_are_written_and_read_back() {
    let v = vec![("C12".to_string(), 58.0), ("C01".to_string(), 50.5)];
    assert_eq!(format_values(&v), "C12=58; C01=50.5");
    assert_eq!(parse_values("C12=58；C01＝50.5"), v);
    assert_eq!(parse_values("A01=1,234"), vec![("A01".to_string(), 1234.0)]);
}

#[test]
fn an_explanation_holds_while_its_values_do() {
    let f = warning(&[("C12", 58.0), ("C01", 50.0)]);
    let real = "月末出生的新生儿在本月筛查";
    let accepted = explanation(real, "C12=58; C01=50", Decision::Accepted);
    assert_eq!(
        state_after(&f, accepted.clone()),
        Some(ReviewState::Accepted)
    );
    let changed = warning(&[("C12", 60.0), ("C01", 50.0)]);
    assert_eq!(state_after(&changed, accepted), Some(ReviewState::Stale));
    let pending = explanation(real, "C12=58; C01=50", Decision::Pending);
    assert_eq!(state_after(&f, pending), Some(ReviewState::Pending));
    let back = explanation(real, "C12=58; C01=50", Decision::SentBack);
    assert_eq!(state_after(&f, back), Some(ReviewState::SentBack));
    let stock = explanation("核实无误", "C12=58; C01=50", Decision::Accepted);
    assert_eq!(state_after(&f, stock), Some(ReviewState::StockPhrase));
    let mut error = f.clone();
    error.severity = Severity::Error;
    let e = explanation(real, "C12=58; C01=50", Decision::Accepted);
    assert_eq!(state_after(&error, e), Some(ReviewState::NotExplainable));
    // Another township's, rule's or month's explanation does not apply.
    let mut other = explanation(real, "C12=58; C01=50", Decision::Accepted);
    other.period = Period::new(2026, 9);
    assert_eq!(state_after(&f, other), None);
}

#[test]
fn the_fill_in_rows_carry_the_values() {
    let f = warning(&[("C12", 58.0), ("C01", 50.0)]);
    let rows = template_rows(&[f], Period::new(2026, 10).expect("period"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "云溪镇");
    assert_eq!(rows[0][4], "本月数");
    assert_eq!(rows[0][5], "C12=58; C01=50");
}

#[test]
fn a_feedback_workbook_sent_back_gives_pending_explanations() {
    use crate::read::{RawValue, SheetGrid};
    // The 差错清单 as `report::feedback_workbook` lays it out, with the township's 说明 typed in.
    let mut g = SheetGrid {
        name: "差错清单".into(),
        ..SheetGrid::default()
    };
    let header = [
        "序号",
        "工作表",
        "单元格",
        "指标",
        "填写内容",
        "问题",
        "处理要求",
        "说明",
        "规则",
        "栏目",
        "数值",
    ];
    for (c, h) in header.iter().enumerate() {
        g.put(3, c as u32, RawValue::Text(h.to_string()), None);
    }
    let row = [
        "1",
        "表2",
        "E16",
        "C12 新生儿疾病筛查人数",
        "58",
        "核实 R06",
        "",
        "9月30日出生的3名新生儿在10月筛查",
        "R06",
        "本月数",
        "C12=58; C01=50",
    ];
    for (c, t) in row.iter().enumerate() {
        g.put(4, c as u32, RawValue::Text(t.to_string()), None);
    }
    // A row the township left without a word is no explanation.
    g.put(5, 0, RawValue::Text("2".into()), None);
    g.put(5, 8, RawValue::Text("R05".into()), None);
    let got = from_feedback(&[g], "云溪镇_反馈.xlsx", "云溪镇", Period::new(2026, 10));
    assert_eq!(got.len(), 1);
    let e = &got[0];
    assert_eq!(
        (
            e.township.as_str(),
            e.rule.as_str(),
            e.code.as_deref(),
            e.column
        ),
        ("云溪镇", "R06", Some("C12"), Some(Column::Month))
    );
    assert_eq!(e.decision, Decision::Pending);
    let f = warning(&[("C12", 58.0), ("C01", 50.0)]);
    assert_eq!(state_after(&f, e.clone()), Some(ReviewState::Pending));
}

#[test]
fn an_explanation_that_explains_nothing_is_said() {
    let f = warning(&[("C12", 58.0), ("C01", 50.0)]);
    let mut typo = explanation(
        "月末出生的新生儿在本月筛查",
        "C12=58; C01=50",
        Decision::Accepted,
    );
    typo.township = "云西镇".into();
    let mut older = typo.clone();
    older.period = Period::new(2026, 9);
    let mut fs = vec![f];
    let october = Period::new(2026, 10).expect("period");
    let unused = apply(&mut fs, &[typo.clone(), older], october, &|_| true);
    assert!(fs[0].review.is_none());
    // This month's row with a typo is said; last month's rows are not this run's business.
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].rule, "F29");
    assert_eq!(unused[0].township.as_deref(), Some("云西镇"));
    assert_eq!(&*unused[0].at.file, "审核说明.csv");
    // Another township's explanation is not the business of a check of one return.
    let mut fs = vec![warning(&[("C12", 58.0), ("C01", 50.0)])];
    assert!(apply(&mut fs, &[typo], october, &|t| t == "云溪镇").is_empty());
}

#[test]
fn the_countys_file_is_read_by_its_header_or_said_to_have_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("审核说明.csv");
    std::fs::write(
        &good,
        "\u{feff}乡镇,报告期,规则,指标,栏目,数值,说明,状态,审核人,审核日期\r\n云溪镇,2026-10,R06,C12,本月数,C12=58; C01=50,月末出生的新生儿在本月筛查,接受,王统计,2026-11-08\r\n",
    )
    .expect("write");
    let limits = crate::read::Limits::default();
    let got = load(&good, &limits).expect("read");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].decision, Decision::Accepted);
    assert_eq!(got[0].values, parse_values("C12=58; C01=50"));
    let bad = dir.path().join("explanations.csv");
    std::fs::write(&bad, "a,b,c\r\n1,2,3\r\n").expect("write");
    assert!(matches!(load(&bad, &limits), Err(LoadError::NoHeader)));
}
