//! Explanations (审核说明) written by a township on the web, waiting for the county's word. Part
//! of the ledger, so the only code that knows SQL; the county's word itself is a decision
//! (`explanation_accept` / `explanation_return`, `Ledger::decide`), as from the command line.

use rusqlite::params;

use super::{Ledger, LedgerError};

/// Migration 3: the explanations table.
pub(super) const MIGRATION: &str = "CREATE TABLE explanations (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        rule TEXT NOT NULL,
        code TEXT,
        col TEXT,
        vals TEXT,
        text TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX explanations_version ON explanations (version_id);";

/// An explanation of one finding of a version, tied to the values it explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub id: i64,
    pub version_id: i64,
    pub rule: String,
    pub code: Option<String>,
    pub column: Option<String>,
    /// The values explained (`C12=36; C01=32`), as the version gave them.
    pub values: Option<String>,
    pub text: String,
    pub by: String,
    pub at: String,
}

impl Ledger {
    /// Records an explanation (`id` and `at` are the ledger's), with its event.
    pub fn add_explanation(&mut self, e: &Explanation) -> Result<Explanation, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let at = super::now();
        tx.execute(
            "INSERT INTO explanations (version_id, rule, code, col, vals, text, by, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.version_id,
                e.rule,
                e.code,
                e.column,
                e.values,
                e.text,
                e.by,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        super::log(
            &tx,
            "explanation",
            &format!("{} {} {}: {}", e.by, e.version_id, e.rule, e.text),
        )?;
        tx.commit()?;
        Ok(Explanation {
            id,
            at,
            ..e.clone()
        })
    }

    /// The explanations of a version, oldest first.
    pub fn explanations(&self, version_id: i64) -> Result<Vec<Explanation>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT id, version_id, rule, code, col, vals, text, by, at FROM explanations \
             WHERE version_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([version_id], |r| {
            Ok(Explanation {
                id: r.get(0)?,
                version_id: r.get(1)?,
                rule: r.get(2)?,
                code: r.get(3)?,
                column: r.get(4)?,
                values: r.get(5)?,
                text: r.get(6)?,
                by: r.get(7)?,
                at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::NewVersion;

    #[test]
    fn explanations_are_kept_per_version_and_logged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).expect("open");
        let added = l
            .add_version(&NewVersion {
                township: "云溪镇".into(),
                period: "2026-10".into(),
                hash: "h".into(),
                file_name: "云溪镇10月.ods".into(),
                size: 1,
                stored: "store/h/x.ods".into(),
                filled: None,
                findings: Vec::new(),
                values: Vec::new(),
                explainable: Vec::new(),
            })
            .expect("version");
        let crate::ledger::Added::New { version, .. } = added else {
            panic!("new")
        };
        let before = l.last_event_id().expect("id");
        let e = l
            .add_explanation(&Explanation {
                id: 0,
                version_id: version.id,
                rule: "R06".into(),
                code: Some("C12".into()),
                column: Some("本月数".into()),
                values: Some("C12=36; C01=32".into()),
                text: "外地产妇回乡筛查".into(),
                by: "云溪镇".into(),
                at: String::new(),
            })
            .expect("add");
        assert!(e.id > 0 && !e.at.is_empty());
        assert_eq!(l.explanations(version.id).expect("read"), vec![e]);
        assert_eq!(l.explanations(version.id + 1).expect("read"), vec![]);
        assert_eq!(l.last_event_id().expect("id"), before + 1);
    }
}
