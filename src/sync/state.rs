//! The state file: how many consecutive complete syncs each missing user has been missing,
//! kept by the connector for hosts that do not keep the count themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::{ChangeKind, HostUser};
use super::report::{Outcome, Report};
use crate::error::{Error, Result};

#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    /// Missing counts by Google id, or by `login:<login>` for users without one.
    missing_syncs: BTreeMap<String, u32>,
}

pub struct MissingState {
    path: PathBuf,
    counts: BTreeMap<String, u32>,
}

fn key(google_id: Option<&str>, login: &str) -> String {
    match google_id {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => format!("login:{}", login.to_lowercase()),
    }
}

impl MissingState {
    /// Reads the file; a file that does not exist yet is an empty state.
    pub fn load(path: &Path) -> Result<MissingState> {
        let counts = match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str::<StateFile>(&text)
                    .map_err(|e| {
                        Error::config(format!(
                            "the state file {} (safeguards.state_file) is damaged ({e}); move it \
                         away to start counting again",
                            path.display()
                        ))
                    })?
                    .missing_syncs
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot read the state file {} (safeguards.state_file): {e}",
                    path.display()
                )))
            }
        };
        Ok(MissingState {
            path: path.to_path_buf(),
            counts,
        })
    }

    /// Gives each host user the count the file holds for it.
    pub fn fill(&self, host_users: &mut [HostUser]) {
        for user in host_users {
            user.missing_syncs = self
                .counts
                .get(&key(user.google_id.as_deref(), &user.login))
                .copied()
                .unwrap_or(0);
        }
    }

    /// Writes the counts a complete sync leaves: the kept users with their new count, and
    /// deletions that were not delivered at the threshold; everyone else starts again at 0.
    pub fn save_after(&self, report: &Report, threshold: u32) -> Result<()> {
        let mut counts = BTreeMap::new();
        for kept in &report.kept {
            if let Some(missing) = kept.missing_syncs {
                counts.insert(key(kept.google_id.as_deref(), &kept.login), missing);
            }
        }
        for entry in &report.changes {
            if entry.change.kind == ChangeKind::Delete && entry.outcome != Outcome::Applied {
                counts.insert(
                    key(Some(entry.change.google_id()), entry.change.login()),
                    threshold,
                );
            }
        }
        let text = serde_json::to_string_pretty(&StateFile {
            missing_syncs: counts,
        })
        .map_err(|e| Error::internal(format!("cannot write the state: {e}")))?;
        let temporary = self.path.with_extension("tmp");
        std::fs::write(&temporary, text)
            .and_then(|_| std::fs::rename(&temporary, &self.path))
            .map_err(|e| {
                Error::config(format!(
                    "cannot write the state file {} (safeguards.state_file): {e}",
                    self.path.display()
                ))
            })
    }
}
