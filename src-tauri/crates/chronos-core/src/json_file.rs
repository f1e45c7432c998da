//! The small JSON files kept beside the store (settings, the window's state): written whole to a
//! temporary file and renamed over the old one, so a crash never leaves half a file.

use crate::error::{Error, Result};
use serde::Serialize;
use std::path::Path;

/// Writes `value` to `path` (creating its folder); a failure says it could not save `what`.
pub(crate) fn save<T: Serialize>(path: &Path, value: &T, what: &str) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &json)?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| Error::LocalFile(format!("could not save {what}: {e}")))
}
