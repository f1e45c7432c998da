//! What the window showed and where it stood, kept across restarts in `ui_state.json` in the data
//! directory (beside the settings): the view and the day it was on, and the window's place.
//! Nothing here is event content. A missing or bad file gives a fresh start, never an error:
//! losing it costs the user one click.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The file's name in the data directory.
pub const UI_STATE_FILE: &str = "ui_state.json";

/// The calendar's views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum CalendarMode {
    Month,
    Week,
    Day,
    Agenda,
}

/// The view the window showed and the day it was on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct LastView {
    pub view: CalendarMode,
    /// "YYYY-MM-DD".
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
}

/// A point on the desktop, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// A screen's area, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreenArea {
    pub origin: Point,
    pub width: u32,
    pub height: u32,
}

/// Where the window stood and how big it was (physical pixels). The size and position are the
/// window's own while it is maximized, so un-maximizing after a restart goes back to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowPlace {
    pub width: u32,
    pub height: u32,
    /// Unknown where the desktop does not tell windows where they are (Wayland).
    pub position: Option<Point>,
    pub maximized: bool,
}

/// How much of the window's top edge must lie on a screen for it to go back there: enough to
/// grab it by its title bar.
const VISIBLE_EDGE: i64 = 64;

impl WindowPlace {
    pub const MIN_SIDE: u32 = 200;
    pub const MAX_SIDE: u32 = 16_384;

    /// Whether the size is one a window can have (a file edited by hand, or a tiny window).
    pub fn is_sane(&self) -> bool {
        let side = Self::MIN_SIDE..=Self::MAX_SIDE;
        side.contains(&self.width) && side.contains(&self.height)
    }

    /// Where the window may go back to among today's screens: its old position when a piece of
    /// its top edge is on one of them, else none (a screen was unplugged: the desktop places it).
    pub fn position_on(&self, screens: &[ScreenArea]) -> Option<Point> {
        let p = self.position?;
        let (left, right, top) = (
            i64::from(p.x),
            i64::from(p.x) + i64::from(self.width),
            i64::from(p.y),
        );
        screens
            .iter()
            .any(|s| {
                let (sx, sy) = (i64::from(s.origin.x), i64::from(s.origin.y));
                let (sr, sb) = (sx + i64::from(s.width), sy + i64::from(s.height));
                let overlap = right.min(sr) - left.max(sx);
                overlap >= VISIBLE_EDGE.min(i64::from(self.width)) && top >= sy && top < sb
            })
            .then_some(p)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UiState {
    pub last_view: Option<LastView>,
    pub window: Option<WindowPlace>,
}

/// The state in memory plus the file it persists to.
pub struct UiStateStore {
    path: PathBuf,
    current: Mutex<UiState>,
}

impl UiStateStore {
    /// Loads `ui_state.json` from `dir`; missing or unreadable gives a fresh start, and a window
    /// size no window can have is dropped.
    pub fn load(dir: &Path) -> UiStateStore {
        let path = dir.join(UI_STATE_FILE);
        let mut current = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<UiState>(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a bad window state file");
                UiState::default()
            }),
            Err(_) => UiState::default(),
        };
        current.window = current.window.filter(WindowPlace::is_sane);
        UiStateStore {
            path,
            current: Mutex::new(current),
        }
    }

    pub fn get(&self) -> UiState {
        *self.lock()
    }

    pub fn set_last_view(&self, last: LastView) -> Result<()> {
        self.update(|s| s.last_view = Some(last))
    }

    /// Keeps the window's place; a size no window can have is refused.
    pub fn set_window(&self, place: WindowPlace) -> Result<()> {
        if !place.is_sane() {
            return Err(Error::invalid_field(
                "window",
                format!(
                    "a window is between {} and {} pixels wide and high",
                    WindowPlace::MIN_SIDE,
                    WindowPlace::MAX_SIDE
                ),
            ));
        }
        self.update(|s| s.window = Some(place))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, UiState> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the state and writes the file (temp file + rename) when it changed.
    fn update(&self, change: impl FnOnce(&mut UiState)) -> Result<()> {
        let mut current = self.lock();
        let mut next = *current;
        change(&mut next);
        if next == *current {
            return Ok(());
        }
        crate::json_file::save(&self.path, &next, "the window state")?;
        *current = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
