//! The apply journal: the only SQLite code of the project. A database beside the plan records
//! each write's [`Intent`] before the request and its [`Outcome`] after, one transaction each,
//! in WAL mode with `synchronous=FULL`, so a crash at any moment leaves either no row, an
//! intent without an outcome (reconciled by reading the tenant), or both. The tenant id and
//! the plan id are pinned when the database is created, and each wave pins the plan hash it
//! started with. Rows hold only the typed values below (object ids, request ids, group ids,
//! assignment targets): there is no field for a request's headers or a token, so no secret can
//! be written.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The journal's file name, beside `plan.json` in the plan folder.
pub const FILE_NAME: &str = "apply-journal.sqlite";

/// The journal of the plan at `plan` (a `plan.json` file or its folder).
pub fn beside(plan: &Path) -> PathBuf {
    let folder = if plan.is_dir() {
        plan
    } else {
        plan.parent().unwrap_or(Path::new("."))
    };
    folder.join(FILE_NAME)
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path}: journal of tenant {journal}, but the plan is for tenant {plan}")]
    WrongTenant {
        path: String,
        journal: String,
        plan: String,
    },
    #[error("{path}: row {seq}: unreadable {what}: {message}")]
    Corrupt {
        path: String,
        seq: i64,
        what: &'static str,
        message: String,
    },
}

/// What a write is about to do, recorded before the request is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Intent {
    /// `PATCH /groups(uniqueName='…')` with `Prefer: create-if-missing`.
    UpsertGroup { unique_name: String, marker: String },
    /// `POST` of a policy to its collection, the marker added to its description.
    CreateObject { collection: String, marker: String },
    /// Members added to a group (one request, at most 20).
    AddMembers {
        group_id: String,
        members: Vec<String>,
    },
    /// `assign` posting `posted`; `previous` is what rollback re-posts.
    Assign {
        object: String,
        previous: Vec<Value>,
        posted: Vec<Value>,
    },
    /// A licence added to a group.
    AssignLicense { group_id: String, sku_id: String },
    /// A duplicate of a created object removed by the sweep (still unassigned).
    DeleteDuplicate { object: String },
    /// One inverse request of rollback, for the entry `of`.
    Undo {
        of: i64,
        method: String,
        path: String,
    },
}

/// What the tenant answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub status: u16,
    /// The Graph object created or found (groups, policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// True when this write created the object (a 201): rollback deletes only those.
    #[serde(default)]
    pub created: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One journal row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: i64,
    /// The wave whose run made the write.
    pub wave: u32,
    pub step_id: String,
    pub intent: Intent,
    /// `None`: the process stopped between the intent and the answer.
    pub outcome: Option<Outcome>,
    /// Rollback has undone it.
    pub undone: bool,
}

/// Everything the journal knows, as plain data for the state machines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalState {
    pub tenant_id: String,
    /// The plan id in markers (the first eight hex digits of the first plan's hash).
    pub plan_id: String,
    /// The plan hash each started wave was begun with.
    pub wave_hashes: BTreeMap<u32, String>,
    pub entries: Vec<Entry>,
}

impl JournalState {
    pub fn new(tenant_id: &str, plan_id: &str) -> Self {
        JournalState {
            tenant_id: tenant_id.to_string(),
            plan_id: plan_id.to_string(),
            ..Default::default()
        }
    }

    pub fn next_seq(&self) -> i64 {
        self.entries.last().map_or(1, |e| e.seq + 1)
    }

    /// Intents whose answer never arrived: the state machine reads the tenant for these.
    pub fn unreconciled(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.outcome.is_none())
    }

    /// Live (not undone) entries of a step.
    pub fn live_of_step<'s>(&'s self, step_id: &'s str) -> impl Iterator<Item = &'s Entry> {
        self.entries
            .iter()
            .filter(move |e| e.step_id == step_id && !e.undone)
    }
}

/// The journal database.
pub struct Journal {
    conn: Connection,
    path: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS waves (wave INTEGER PRIMARY KEY, plan_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    wave INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    intent TEXT NOT NULL,
    outcome TEXT,
    undone INTEGER NOT NULL DEFAULT 0
);";

impl Journal {
    /// Opens (or creates) the journal at `path`, pinning `tenant_id` and the plan id on
    /// creation; a journal of another tenant is refused.
    pub fn open(path: &Path, tenant_id: &str, plan_id: &str) -> Result<Self, JournalError> {
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(|source| JournalError::Sqlite {
            path: name.clone(),
            source,
        })?;
        Self::pin(conn, name, tenant_id, plan_id)
    }

    /// A journal that lives in memory only: what a dry run without a journal on disk uses, so
    /// that nothing is written.
    pub fn in_memory(tenant_id: &str, plan_id: &str) -> Result<Self, JournalError> {
        let name = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(|source| JournalError::Sqlite {
            path: name.clone(),
            source,
        })?;
        Self::pin(conn, name, tenant_id, plan_id)
    }

    /// Opens an existing journal for reading only (`status`): `Ok(None)` when there is none.
    pub fn read_only(path: &Path) -> Result<Option<Self>, JournalError> {
        if !path.is_file() {
            return Ok(None);
        }
        let name = path.display().to_string();
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map(|conn| {
                Some(Journal {
                    conn,
                    path: name.clone(),
                })
            })
            .map_err(|source| JournalError::Sqlite { path: name, source })
    }

    fn pin(
        mut conn: Connection,
        name: String,
        tenant_id: &str,
        plan_id: &str,
    ) -> Result<Self, JournalError> {
        let sql = |source| JournalError::Sqlite {
            path: name.clone(),
            source,
        };
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        let tx = conn.transaction().map_err(sql)?;
        tx.execute_batch(SCHEMA).map_err(sql)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('tenant_id', ?1), ('plan_id', ?2)",
            params![tenant_id, plan_id],
        )
        .map_err(sql)?;
        let pinned: String = tx
            .query_row("SELECT value FROM meta WHERE key = 'tenant_id'", [], |r| {
                r.get(0)
            })
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        if pinned != tenant_id {
            return Err(JournalError::WrongTenant {
                path: name,
                journal: pinned,
                plan: tenant_id.to_string(),
            });
        }
        Ok(Journal { conn, path: name })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
        move |source| JournalError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records an intent before its request is sent, and pins the wave's plan hash if this is
    /// the wave's first write, in one transaction.
    pub fn record_intent(
        &mut self,
        seq: i64,
        wave: u32,
        plan_hash: &str,
        step_id: &str,
        intent: &Intent,
    ) -> Result<(), JournalError> {
        let text = serde_json::to_string(intent).expect("intents serialize");
        let path = self.path.clone();
        let sql = move |source| JournalError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&sql)?;
        tx.execute(
            "INSERT OR IGNORE INTO waves (wave, plan_hash) VALUES (?1, ?2)",
            params![wave, plan_hash],
        )
        .map_err(&sql)?;
        tx.execute(
            "INSERT INTO entries (seq, wave, step_id, intent) VALUES (?1, ?2, ?3, ?4)",
            params![seq, wave, step_id, text],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)
    }

    /// Records the answer to the intent `seq`.
    pub fn record_outcome(&mut self, seq: i64, outcome: &Outcome) -> Result<(), JournalError> {
        let text = serde_json::to_string(outcome).expect("outcomes serialize");
        self.conn
            .execute(
                "UPDATE entries SET outcome = ?2 WHERE seq = ?1",
                params![seq, text],
            )
            .map(|_| ())
            .map_err(self.sql())
    }

    /// Marks the entry `seq` undone by rollback.
    pub fn mark_undone(&mut self, seq: i64) -> Result<(), JournalError> {
        self.conn
            .execute("UPDATE entries SET undone = 1 WHERE seq = ?1", params![seq])
            .map(|_| ())
            .map_err(self.sql())
    }

    /// Everything recorded, in order.
    pub fn load(&self) -> Result<JournalState, JournalError> {
        let meta = |key: &str| -> Result<String, JournalError> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(self.sql())
                .map(Option::unwrap_or_default)
        };
        let mut state = JournalState::new(&meta("tenant_id")?, &meta("plan_id")?);
        let mut waves = self
            .conn
            .prepare("SELECT wave, plan_hash FROM waves ORDER BY wave")
            .map_err(self.sql())?;
        let rows = waves
            .query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)))
            .map_err(self.sql())?;
        for row in rows {
            let (wave, hash) = row.map_err(self.sql())?;
            state.wave_hashes.insert(wave, hash);
        }
        let mut entries = self
            .conn
            .prepare("SELECT seq, wave, step_id, intent, outcome, undone FROM entries ORDER BY seq")
            .map_err(self.sql())?;
        let rows = entries
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (seq, wave, step_id, intent, outcome, undone) = row.map_err(self.sql())?;
            let corrupt = |what, e: serde_json::Error| JournalError::Corrupt {
                path: self.path.clone(),
                seq,
                what,
                message: e.to_string(),
            };
            let intent = serde_json::from_str(&intent).map_err(|e| corrupt("intent", e))?;
            let outcome = match outcome {
                Some(text) => Some(serde_json::from_str(&text).map_err(|e| corrupt("outcome", e))?),
                None => None,
            };
            state.entries.push(Entry {
                seq,
                wave,
                step_id,
                intent,
                outcome,
                undone,
            });
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent() -> Intent {
        Intent::AddMembers {
            group_id: "g1".into(),
            members: vec!["u1".into(), "u2".into()],
        }
    }

    #[test]
    fn records_intent_then_outcome_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.journal.sqlite");
        let mut journal = Journal::open(&path, "tenant-a", "abcd1234").unwrap();
        journal
            .record_intent(1, 1, "hash-1", "add-group-members:wave-1-ems", &intent())
            .unwrap();
        let outcome = Outcome {
            status: 204,
            object_id: None,
            created: false,
            request_id: Some("req-1".into()),
            error: None,
        };
        journal.record_outcome(1, &outcome).unwrap();
        let state = journal.load().unwrap();
        assert_eq!(state.tenant_id, "tenant-a");
        assert_eq!(state.plan_id, "abcd1234");
        assert_eq!(
            state.wave_hashes.get(&1).map(String::as_str),
            Some("hash-1")
        );
        assert_eq!(state.entries.len(), 1);
        assert_eq!(state.entries[0].intent, intent());
        assert_eq!(state.entries[0].outcome.as_ref(), Some(&outcome));
        assert_eq!(state.unreconciled().count(), 0);
        let mode: String = journal
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = journal
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn reopening_after_a_crash_keeps_the_intent_without_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        {
            let mut journal = Journal::open(&path, "tenant-a", "abcd1234").unwrap();
            journal
                .record_intent(1, 2, "hash-2", "s", &intent())
                .unwrap();
            // The process dies here: the connection is dropped without an outcome.
            std::mem::forget(journal);
        }
        let journal = Journal::open(&path, "tenant-a", "ffff0000").unwrap();
        let state = journal.load().unwrap();
        assert_eq!(state.plan_id, "abcd1234", "the first plan id stays pinned");
        let open: Vec<i64> = state.unreconciled().map(|e| e.seq).collect();
        assert_eq!(open, vec![1]);
        assert_eq!(state.next_seq(), 2);
    }

    #[test]
    fn a_journal_of_another_tenant_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        drop(Journal::open(&path, "tenant-a", "abcd1234").unwrap());
        let err = Journal::open(&path, "tenant-b", "abcd1234").err().unwrap();
        assert!(
            err.to_string().contains("journal of tenant tenant-a"),
            "{err}"
        );
    }

    #[test]
    fn marking_undone_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let mut journal = Journal::open(&path, "t", "p").unwrap();
        journal.record_intent(1, 1, "h", "s", &intent()).unwrap();
        journal.mark_undone(1).unwrap();
        drop(journal);
        let state = Journal::open(&path, "t", "p").unwrap().load().unwrap();
        assert!(state.entries[0].undone);
    }
}
