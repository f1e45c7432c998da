//! The last sorted listing of a calendar, kept between the pages of an expanded or ordered
//! events.list so that paging through it costs one expansion, not one per page.

use parking_lot::Mutex;
use std::sync::Arc;

use super::recurrence::Occurrence;

/// An owned reference to a listing item, so that a sorted listing can be kept between pages.
#[derive(Debug, Clone)]
pub enum ItemRef {
    Stored(Box<str>),
    Instance { master: Box<str>, occ: Occurrence },
}

/// Sort keys with the items they order.
pub type Keyed = Arc<Vec<(String, ItemRef)>>;

/// The last sorted listing of a calendar, valid while the calendar's change number is `seq`.
#[derive(Debug)]
pub struct SortedCache {
    fingerprint: String,
    seq: u64,
    epoch: u32,
    keyed: Keyed,
}

impl SortedCache {
    /// The listing kept in `slot` for the query `fingerprint` at the calendar's (`seq`,
    /// `epoch`), or else the one `build` makes, which is kept in its place.
    pub fn get_or_build(
        slot: &Mutex<Option<SortedCache>>,
        fingerprint: String,
        seq: u64,
        epoch: u32,
        build: impl FnOnce() -> Vec<(String, ItemRef)>,
    ) -> Keyed {
        let mut cache = slot.lock();
        match cache.as_ref() {
            Some(c) if c.fingerprint == fingerprint && c.seq == seq && c.epoch == epoch => {
                c.keyed.clone()
            }
            _ => {
                let keyed = Arc::new(build());
                *cache = Some(SortedCache {
                    fingerprint,
                    seq,
                    epoch,
                    keyed: keyed.clone(),
                });
                keyed
            }
        }
    }
}
