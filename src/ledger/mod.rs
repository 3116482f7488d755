//! The ledger: the state of a county's month in an embedded SQLite database (rusqlite, the
//! library compiled in). It records every file seen, every return version per township and
//! period (with 填报日期, its stored copy, its findings and values), every decision, and an
//! append-only event log.
//!
//! **The only code that knows SQL.** It knows no spreadsheets, makes no findings and no words:
//! callers hand it plain rows. Every change is one transaction; the database runs in WAL mode
//! with `synchronous=FULL`, so a change reported as recorded survives a kill -9 (and a power
//! loss, which NORMAL would not promise). The schema is versioned by `PRAGMA user_version` with
//! ordered migrations (`schema.rs`).

pub mod accounts;
pub mod explanations;
mod schema;

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub use schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("ledger: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("ledger schema version {found} is newer than this huizong knows ({known})")]
    TooNew { found: i64, known: i64 },
}

/// A finding of a version, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub rule: String,
    /// `error`, `alert`, `warning`, `notice`.
    pub severity: String,
    pub code: Option<String>,
    pub column: Option<String>,
    /// `sheet!cell`, where there is one.
    pub cell: String,
    /// The finding as printed (`file:sheet!cell: RULE …`).
    pub line: String,
}

/// A value of a version: indicator code, column (`month`/`ytd`), the number (none when invalid).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub code: String,
    pub column: String,
    pub value: Option<f64>,
    pub cell: String,
}

/// A version to record.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub township: String,
    pub period: String,
    pub hash: String,
    pub file_name: String,
    pub size: u64,
    /// The stored copy, relative to the workspace's state folder.
    pub stored: String,
    pub filled: Option<String>,
    pub findings: Vec<FindingRow>,
    pub values: Vec<ValueRow>,
    /// The rows a statistician may explain (审核说明 template rows).
    pub explainable: Vec<Vec<String>>,
}

/// A recorded version.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub id: i64,
    pub township: String,
    pub period: String,
    pub version: i64,
    pub hash: String,
    pub file_name: String,
    pub stored: String,
    pub filled: Option<String>,
    pub received_at: String,
}

/// What adding a version did.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    /// A new version; `previous` is the one before it (for the diff).
    New {
        version: Version,
        previous: Option<Version>,
    },
    /// The same bytes as a version already recorded: nothing new.
    Same(Version),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    /// 通过.
    Accept,
    /// 打回, with a reason.
    Return,
    /// An explanation (审核说明) accepted.
    ExplanationAccept,
    /// An explanation sent back.
    ExplanationReturn,
}

impl DecisionKind {
    pub fn key(self) -> &'static str {
        match self {
            DecisionKind::Accept => "accept",
            DecisionKind::Return => "return",
            DecisionKind::ExplanationAccept => "explanation_accept",
            DecisionKind::ExplanationReturn => "explanation_return",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        [
            DecisionKind::Accept,
            DecisionKind::Return,
            DecisionKind::ExplanationAccept,
            DecisionKind::ExplanationReturn,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// A decision to record, on a version.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub version_id: i64,
    pub kind: DecisionKind,
    /// The rule, indicator and column an explanation is about.
    pub rule: Option<String>,
    pub code: Option<String>,
    pub column: Option<String>,
    /// The values an explanation explains (`C12=58; C01=50`).
    pub values: Option<String>,
    /// The reason (打回) or the explanation's text.
    pub text: String,
    pub by: String,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    pub version_id: i64,
    pub version: i64,
    pub kind: DecisionKind,
    pub rule: Option<String>,
    pub code: Option<String>,
    pub column: Option<String>,
    pub values: Option<String>,
    pub text: String,
    pub by: String,
    pub at: String,
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub detail: String,
}

pub struct Ledger {
    conn: Connection,
}

fn now() -> String {
    chrono::Local::now()
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

impl Ledger {
    /// Opens (creating and migrating) the ledger at `path`.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let open_err = |source| LedgerError::Open {
            path: path.display().to_string(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        // Another process (watch beside a decision) may hold the write lock for a moment.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        schema::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// SQLite's own check of the database file: `ok` when sound.
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Records a file seen that is not a new version (a duplicate, not a return, our output).
    pub fn record_file(
        &mut self,
        name: &str,
        size: u64,
        hash: &str,
        outcome: &str,
    ) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_file(&tx, name, size, hash, outcome)?;
        log(&tx, "file", &format!("{outcome}: {name} ({hash})"))?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a file with these bytes has been seen (under any name).
    pub fn seen_hash(&self, hash: &str) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM files_seen WHERE hash = ?1 LIMIT 1",
                [hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Whether this very file (name and bytes) has been taken before: nothing to do again.
    pub fn seen_file(&self, name: &str, hash: &str) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM files_seen WHERE name = ?1 AND hash = ?2 LIMIT 1",
                [name, hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Adds a version (one transaction: the file, the version, its findings, values and
    /// explainable rows, the event); the same bytes for the same township and period add nothing.
    // long-function: one SQL transaction, kept in one function so its extent is visible; issue 12's code
    pub fn add_version(&mut self, v: &NewVersion) -> Result<Added, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let same = tx
            .query_row(
                &format!("{VERSION_COLUMNS} WHERE township = ?1 AND period = ?2 AND hash = ?3"),
                params![v.township, v.period, v.hash],
                version_of,
            )
            .optional()?;
        if let Some(same) = same {
            insert_file(&tx, &v.file_name, v.size, &v.hash, "same")?;
            tx.commit()?;
            return Ok(Added::Same(same));
        }
        let previous = tx
            .query_row(
                &format!(
                    "{VERSION_COLUMNS} WHERE township = ?1 AND period = ?2 \
                     ORDER BY version DESC LIMIT 1"
                ),
                params![v.township, v.period],
                version_of,
            )
            .optional()?;
        let number = previous.as_ref().map_or(1, |p| p.version + 1);
        let at = now();
        insert_file(&tx, &v.file_name, v.size, &v.hash, "version")?;
        tx.execute(
            "INSERT INTO versions (township, period, version, hash, file_name, stored, filled, \
             received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                v.township,
                v.period,
                number,
                v.hash,
                v.file_name,
                v.stored,
                v.filled,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        for f in &v.findings {
            tx.execute(
                "INSERT INTO findings (version_id, rule, severity, code, col, cell, line) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, f.rule, f.severity, f.code, f.column, f.cell, f.line],
            )?;
        }
        for x in &v.values {
            tx.execute(
                "INSERT INTO version_values (version_id, code, col, value, cell) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, x.code, x.column, x.value, x.cell],
            )?;
        }
        for row in &v.explainable {
            tx.execute(
                "INSERT INTO explainable (version_id, row_json) VALUES (?1, ?2)",
                params![id, serde_json::to_string(row).unwrap_or_default()],
            )?;
        }
        log(
            &tx,
            "version",
            &format!(
                "{} {} v{number}: {} ({})",
                v.township, v.period, v.file_name, v.hash
            ),
        )?;
        tx.commit()?;
        let version = Version {
            id,
            township: v.township.clone(),
            period: v.period.clone(),
            version: number,
            hash: v.hash.clone(),
            file_name: v.file_name.clone(),
            stored: v.stored.clone(),
            filled: v.filled.clone(),
            received_at: at,
        };
        Ok(Added::New { version, previous })
    }

    /// The versions of a township's return for a period, oldest first.
    pub fn versions(&self, township: &str, period: &str) -> Result<Vec<Version>, LedgerError> {
        let mut st = self.conn.prepare(&format!(
            "{VERSION_COLUMNS} WHERE township = ?1 AND period = ?2 ORDER BY version"
        ))?;
        let rows = st.query_map(params![township, period], version_of)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The periods with at least one version, oldest first.
    pub fn periods(&self) -> Result<Vec<String>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT period FROM versions ORDER BY period")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn findings(&self, version_id: i64) -> Result<Vec<FindingRow>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT rule, severity, code, col, cell, line FROM findings \
             WHERE version_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([version_id], |r| {
            Ok(FindingRow {
                rule: r.get(0)?,
                severity: r.get(1)?,
                code: r.get(2)?,
                column: r.get(3)?,
                cell: r.get(4)?,
                line: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn values(&self, version_id: i64) -> Result<Vec<ValueRow>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT code, col, value, cell FROM version_values WHERE version_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([version_id], |r| {
            Ok(ValueRow {
                code: r.get(0)?,
                column: r.get(1)?,
                value: r.get(2)?,
                cell: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn explainable(&self, version_id: i64) -> Result<Vec<Vec<String>>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT row_json FROM explainable WHERE version_id = ?1 ORDER BY id")?;
        let rows = st.query_map([version_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?).unwrap_or_default());
        }
        Ok(out)
    }

    /// Records a decision (one transaction with its event).
    pub fn decide(&mut self, d: &NewDecision) -> Result<Decision, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        tx.execute(
            "INSERT INTO decisions (version_id, kind, rule, code, col, vals, text, by, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.version_id,
                d.kind.key(),
                d.rule,
                d.code,
                d.column,
                d.values,
                d.text,
                d.by,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        let (township, period, version): (String, String, i64) = tx.query_row(
            "SELECT township, period, version FROM versions WHERE id = ?1",
            [d.version_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        log(
            &tx,
            "decision",
            &format!(
                "#{id} {} {township} {period} v{version} {}: {}",
                d.kind.key(),
                d.rule.as_deref().unwrap_or(""),
                d.text
            ),
        )?;
        tx.commit()?;
        Ok(Decision {
            id,
            version_id: d.version_id,
            version,
            kind: d.kind,
            rule: d.rule.clone(),
            code: d.code.clone(),
            column: d.column.clone(),
            values: d.values.clone(),
            text: d.text.clone(),
            by: d.by.clone(),
            at,
        })
    }

    /// The decisions on a township's versions for a period, in the order they were made.
    pub fn decisions(&self, township: &str, period: &str) -> Result<Vec<Decision>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT d.id, d.version_id, v.version, d.kind, d.rule, d.code, d.col, d.vals, \
             d.text, d.by, d.at FROM decisions d JOIN versions v ON v.id = d.version_id \
             WHERE v.township = ?1 AND v.period = ?2 ORDER BY d.id",
        )?;
        let rows = st.query_map(params![township, period], decision_of)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every decision's id (the crash test compares them with those reported).
    pub fn decision_ids(&self) -> Result<Vec<i64>, LedgerError> {
        let mut st = self.conn.prepare("SELECT id FROM decisions ORDER BY id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The event log, oldest first.
    pub fn events(&self) -> Result<Vec<Event>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT id, at, kind, detail FROM events ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(Event {
                id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

const VERSION_COLUMNS: &str = "SELECT id, township, period, version, hash, file_name, stored, \
                               filled, received_at FROM versions";

fn version_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Version> {
    Ok(Version {
        id: r.get(0)?,
        township: r.get(1)?,
        period: r.get(2)?,
        version: r.get(3)?,
        hash: r.get(4)?,
        file_name: r.get(5)?,
        stored: r.get(6)?,
        filled: r.get(7)?,
        received_at: r.get(8)?,
    })
}

fn decision_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    let kind: String = r.get(3)?;
    Ok(Decision {
        id: r.get(0)?,
        version_id: r.get(1)?,
        version: r.get(2)?,
        // The schema's CHECK admits only the four keys.
        kind: DecisionKind::from_key(&kind).unwrap_or(DecisionKind::Return),
        rule: r.get(4)?,
        code: r.get(5)?,
        column: r.get(6)?,
        values: r.get(7)?,
        text: r.get(8)?,
        by: r.get(9)?,
        at: r.get(10)?,
    })
}

fn insert_file(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    size: u64,
    hash: &str,
    outcome: &str,
) -> Result<(), LedgerError> {
    tx.execute(
        "INSERT INTO files_seen (name, size, hash, seen_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, size as i64, hash, now(), outcome],
    )?;
    Ok(())
}

fn log(tx: &rusqlite::Transaction<'_>, kind: &str, detail: &str) -> Result<(), LedgerError> {
    tx.execute(
        "INSERT INTO events (at, kind, detail) VALUES (?1, ?2, ?3)",
        params![now(), kind, detail],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
