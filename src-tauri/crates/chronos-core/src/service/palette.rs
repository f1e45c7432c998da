//! Each account's colour palette as the views use it: held in memory so that listing events
//! never waits for Google or the store. The first look reads the saved copy (or, for an account
//! that never fetched one, Google's published palette as a stand-in) and refreshes in the
//! background; a refresh that brings a different palette says so on the feed ("events changed":
//! views re-read their colours).

use super::Chronos;
use crate::google::{ColorDefinition, Colors};
use crate::model::AccountId;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the saved palette is looked at again (a store read unless it is a day old).
const RECHECK: Duration = Duration::from_secs(10 * 60);
/// How soon an account still on the stand-in palette is tried again.
const RETRY_STAND_IN: Duration = Duration::from_secs(60);
/// How long `event_colors` waits for a refresh before answering with what it has.
const WAIT_FOR_GOOGLE: Duration = Duration::from_secs(5);

/// Google's published event palette, only for an account whose palette was never fetched
/// (offline since it was connected). Anything fetched replaces it.
const STAND_IN_EVENT: [&str; 11] = [
    "#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878", "#46d6db", "#e1e1e1",
    "#5484ed", "#51b749", "#dc2127",
];
/// Google's published calendar palette, likewise.
const STAND_IN_CALENDAR: [&str; 24] = [
    "#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765",
    "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7",
    "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2",
];
const STAND_IN_FOREGROUND: &str = "#1d1d1d";

/// The palette used for an account that has never fetched its own.
pub fn offline_stand_in() -> Colors {
    let numbered = |list: &[&str]| -> BTreeMap<String, ColorDefinition> {
        list.iter()
            .enumerate()
            .map(|(i, bg)| {
                let def = ColorDefinition {
                    background: (*bg).to_owned(),
                    foreground: STAND_IN_FOREGROUND.to_owned(),
                };
                ((i + 1).to_string(), def)
            })
            .collect()
    };
    Colors {
        calendar: numbered(&STAND_IN_CALENDAR),
        event: numbered(&STAND_IN_EVENT),
        updated: None,
    }
}

/// One account's palette as the views use it.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub colors: Arc<Colors>,
    /// False while it is the stand-in.
    pub from_google: bool,
}

impl Palette {
    pub fn stand_in() -> Palette {
        Palette {
            colors: Arc::new(offline_stand_in()),
            from_google: false,
        }
    }

    /// An event colour's background.
    pub fn event(&self, color_id: &str) -> Option<&ColorDefinition> {
        self.colors.event.get(color_id)
    }

    /// A calendar colour.
    pub fn calendar(&self, color_id: &str) -> Option<&ColorDefinition> {
        self.colors.calendar.get(color_id)
    }
}

struct Entry {
    palette: Palette,
    /// When to look again.
    due: Instant,
    refreshing: bool,
}

/// The palettes of this run's accounts.
#[derive(Default)]
pub(super) struct Palettes {
    entries: Mutex<HashMap<AccountId, Entry>>,
}

impl Palettes {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AccountId, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Chronos {
    /// The account's palette for a view, at once: what is held, else the saved one, else the
    /// stand-in. A refresh starts in the background when one is due.
    pub async fn palette(&self, account: &AccountId) -> Palette {
        {
            let mut entries = self.inner.palettes.lock();
            if let Some(e) = entries.get_mut(account) {
                let p = e.palette.clone();
                if Instant::now() >= e.due && !e.refreshing {
                    e.refreshing = true;
                    drop(entries);
                    self.spawn_palette_refresh(account);
                }
                return p;
            }
        }
        let saved = match self.saved_colors(account).await {
            Ok(Some(s)) => Palette {
                colors: Arc::new(s.value),
                from_google: true,
            },
            Ok(None) => Palette::stand_in(),
            Err(e) => {
                tracing::warn!(kind = e.kind().as_str(), "saved colour palette unreadable");
                Palette::stand_in()
            }
        };
        let mut entries = self.inner.palettes.lock();
        if let Some(e) = entries.get(account) {
            return e.palette.clone(); // another view got here first
        }
        entries.insert(
            account.clone(),
            Entry {
                palette: saved.clone(),
                due: Instant::now() + RECHECK,
                refreshing: true,
            },
        );
        drop(entries);
        self.spawn_palette_refresh(account);
        saved
    }

    /// The account's event colours by `colorId`, as views show them (see [`Chronos::palette_now`]).
    pub async fn event_color_views(
        &self,
        account: &AccountId,
    ) -> crate::error::Result<BTreeMap<String, ColorDefinition>> {
        if !self.has_account(account).await? {
            return Err(crate::error::Error::NotFound(format!(
                "no account {account}"
            )));
        }
        Ok(crate::view::calendar::event_colors(
            &self.palette_now(account).await,
        ))
    }

    /// The account's palette after asking (Google too, when the saved copy is a day old),
    /// waiting a few seconds at most; then what is held.
    pub async fn palette_now(&self, account: &AccountId) -> Palette {
        let task = self.spawn_palette_refresh(account);
        match tokio::time::timeout(WAIT_FOR_GOOGLE, task).await {
            Ok(Ok(Some(p))) => p,
            // Not (yet) answered: the refresh goes on and says so if it brings a change.
            _ => self.palette(account).await,
        }
    }

    /// The palette of every account in `accounts`, for one listing.
    pub async fn palettes_for(&self, accounts: HashSet<AccountId>) -> HashMap<AccountId, Palette> {
        let mut out = HashMap::new();
        for a in accounts {
            let p = self.palette(&a).await;
            out.insert(a, p);
        }
        out
    }

    /// Asks for the account's palette and holds the answer; announces a change on the feed.
    fn spawn_palette_refresh(
        &self,
        account: &AccountId,
    ) -> tokio::task::JoinHandle<Option<Palette>> {
        let (me, account) = (self.clone(), account.clone());
        tokio::spawn(async move {
            let answer = me.colors(&account).await;
            let mut entries = me.inner.palettes.lock();
            let entry = entries.entry(account.clone()).or_insert_with(|| Entry {
                palette: Palette::stand_in(),
                due: Instant::now(),
                refreshing: false,
            });
            entry.refreshing = false;
            match answer {
                Ok(colors) => {
                    let fresh = Palette {
                        colors: Arc::new(colors),
                        from_google: true,
                    };
                    // What a view shows: the colours, not where they came from or when Google
                    // last changed them. Google's palette is most often the stand-in itself, and
                    // a first look on it must not make every view read its events again.
                    let (new, held) = (&fresh.colors, &entry.palette.colors);
                    let changed = new.calendar != held.calendar || new.event != held.event;
                    entry.palette = fresh.clone();
                    entry.due = Instant::now() + RECHECK;
                    drop(entries);
                    if changed {
                        me.inner.feed.events_changed(&account, Vec::new());
                    }
                    Some(fresh)
                }
                Err(e) => {
                    tracing::info!(
                        kind = e.kind().as_str(),
                        "colour palette not available; the held one stays"
                    );
                    entry.due = Instant::now()
                        + if entry.palette.from_google {
                            RECHECK
                        } else {
                            RETRY_STAND_IN
                        };
                    None
                }
            }
        })
    }
}
