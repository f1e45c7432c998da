//! Reminders already shown, kept on disk so a restart does not show them again. Keys are
//! SHA-256 digests of the event's identity, start and offset: the file holds no event content.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Fired reminders on disk, pruned once their event has started long ago.
pub(crate) struct Fired {
    path: PathBuf,
    pub(crate) keys: BTreeMap<String, DateTime<Utc>>,
}

impl Fired {
    pub(crate) fn load(dir: &Path) -> Fired {
        let path = dir.join("reminders-fired.json");
        let keys = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Fired { path, keys }
    }

    pub(crate) fn save(&mut self, now: DateTime<Utc>) {
        self.keys
            .retain(|_, starts| *starts > now - Duration::days(2));
        #[derive(Serialize)]
        struct Out<'a>(&'a BTreeMap<String, DateTime<Utc>>);
        match serde_json::to_vec(&Out(&self.keys)) {
            Ok(json) => {
                let tmp = self.path.with_extension("json.tmp");
                if let Err(e) =
                    std::fs::write(&tmp, json).and_then(|_| std::fs::rename(&tmp, &self.path))
                {
                    tracing::warn!(error = %e, "could not save fired reminders");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not save fired reminders"),
        }
    }
}
