use super::*;

fn version(township: &str, hash: &str) -> NewVersion {
    NewVersion {
        township: township.into(),
        period: "2026-10".into(),
        hash: hash.into(),
        file_name: format!("{township}.xlsx"),
        size: 10,
        stored: format!("store/{hash}/{township}.xlsx"),
        filled: Some("2026-11-03".into()),
        findings: vec![FindingRow {
            rule: "R01".into(),
            severity: "error".into(),
            code: Some("A01".into()),
            column: Some("month".into()),
            cell: "表1!C5".into(),
            line: "x".into(),
        }],
        values: vec![ValueRow {
            code: "A01".into(),
            column: "month".into(),
            value: Some(3.0),
            cell: "表1!C5".into(),
        }],
        explainable: vec![vec!["青石镇".into(), "2026-10".into()]],
    }
}

#[test]
fn versions_number_up_and_same_bytes_add_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut l = Ledger::open(&dir.path().join("l.sqlite")).expect("open");
    assert_eq!(l.schema_version().expect("v"), SCHEMA_VERSION);
    let Added::New {
        version: v1,
        previous,
    } = l.add_version(&version("青石镇", "h1")).expect("v1")
    else {
        panic!("first version is new")
    };
    assert_eq!((v1.version, previous), (1, None));
    assert!(matches!(
        l.add_version(&version("青石镇", "h1")).expect("same"),
        Added::Same(_)
    ));
    let Added::New {
        version: v2,
        previous,
    } = l.add_version(&version("青石镇", "h2")).expect("v2")
    else {
        panic!("other bytes are a new version")
    };
    assert_eq!((v2.version, previous.map(|p| p.id)), (2, Some(v1.id)));
    assert_eq!(l.findings(v2.id).expect("f")[0].rule, "R01");
    assert_eq!(l.values(v2.id).expect("x")[0].value, Some(3.0));
    assert_eq!(l.explainable(v2.id).expect("e")[0][0], "青石镇");
    assert!(l.seen_hash("h2").expect("seen"));
    assert!(!l.seen_hash("h3").expect("unseen"));
    assert_eq!(l.periods().expect("p"), ["2026-10"]);
}

#[test]
fn decisions_are_kept_and_the_log_is_append_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("l.sqlite");
    let mut l = Ledger::open(&path).expect("open");
    let Added::New { version: v, .. } = l.add_version(&version("白沙乡", "h")).expect("v")
    else {
        panic!("new")
    };
    let d = l
        .decide(&NewDecision {
            version_id: v.id,
            kind: DecisionKind::Return,
            rule: None,
            code: None,
            column: None,
            values: None,
            text: "A01 填错".into(),
            by: "刘文斌".into(),
        })
        .expect("decide");
    drop(l);
    // Reopened: migrations are not run twice, the decision is there.
    let l = Ledger::open(&path).expect("reopen");
    let ds = l.decisions("白沙乡", "2026-10").expect("ds");
    assert_eq!(ds, [d]);
    assert_eq!(l.integrity_check().expect("check"), "ok");
    let n = l.events().expect("events").len();
    assert!(n >= 2);
    let err = l
        .conn
        .execute("DELETE FROM events", [])
        .expect_err("append-only");
    assert!(err.to_string().contains("append-only"));
    assert!(l.conn.execute("UPDATE events SET kind = 'x'", []).is_err());
    assert_eq!(l.events().expect("events").len(), n);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("l.sqlite");
    let l = Ledger::open(&path).expect("open");
    l.conn
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("bump");
    drop(l);
    assert!(matches!(
        Ledger::open(&path),
        Err(LedgerError::TooNew { .. })
    ));
}
