//! The ledger's schema as ordered migrations, applied by `PRAGMA user_version`: migration `i`
//! brings the database from version `i` to `i + 1`, each in its own transaction. Never edit a
//! migration that has shipped; add the next one.

use rusqlite::Connection;

use super::LedgerError;

const MIGRATIONS: &[&str] = &[
    // 1: files, versions, their findings and values, decisions, the event log.
    "CREATE TABLE files_seen (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        hash TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        outcome TEXT NOT NULL
    );
    CREATE INDEX files_seen_hash ON files_seen (hash);
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        township TEXT NOT NULL,
        period TEXT NOT NULL,
        version INTEGER NOT NULL,
        hash TEXT NOT NULL,
        file_name TEXT NOT NULL,
        stored TEXT NOT NULL,
        filled TEXT,
        received_at TEXT NOT NULL,
        UNIQUE (township, period, version),
        UNIQUE (township, period, hash)
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        code TEXT,
        col TEXT,
        cell TEXT NOT NULL,
        line TEXT NOT NULL
    );
    CREATE INDEX findings_version ON findings (version_id);
    CREATE TABLE version_values (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        code TEXT NOT NULL,
        col TEXT NOT NULL,
        value REAL,
        cell TEXT NOT NULL
    );
    CREATE INDEX version_values_version ON version_values (version_id);
    CREATE TABLE explainable (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        row_json TEXT NOT NULL
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        kind TEXT NOT NULL CHECK (kind IN
            ('accept', 'return', 'explanation_accept', 'explanation_return')),
        rule TEXT,
        code TEXT,
        col TEXT,
        vals TEXT,
        text TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
    // 2: the server's accounts (accounts.rs).
    super::accounts::MIGRATION,
    // 3: explanations written on the web (explanations.rs).
    super::explanations::MIGRATION,
];

/// The schema version this huizong writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to `SCHEMA_VERSION`; refuses one written by a newer huizong.
pub fn migrate(conn: &mut Connection) -> Result<(), LedgerError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited for the lock.
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
