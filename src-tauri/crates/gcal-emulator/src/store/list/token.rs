//! Page tokens and sync tokens. They are opaque to clients but carry what paging needs: the
//! listing's epoch (bumped to invalidate), the change number the listing was taken at, and a
//! cursor.

use base64::Engine;

use crate::error::ApiError;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(super) fn cal_hash(id: &str) -> u32 {
    id.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x01000193)
    })
}

pub fn sync_token(kind: char, hash: u32, epoch: u32, seq: u64, single: bool) -> String {
    B64.encode(format!("{kind}1|{hash:08x}|{epoch}|{seq}|{}", single as u8))
}

/// (epoch, seq, single) of a sync token of `kind` for `hash`; `None` when it is not ours.
pub(super) fn read_sync_token(tok: &str, kind: char, hash: u32) -> Option<(u32, u64, bool)> {
    let text = String::from_utf8(B64.decode(tok).ok()?).ok()?;
    let mut parts = text.split('|');
    if parts.next()? != format!("{kind}1") {
        return None;
    }
    if u32::from_str_radix(parts.next()?, 16).ok()? != hash {
        return None;
    }
    let epoch = parts.next()?.parse().ok()?;
    let seq = parts.next()?.parse().ok()?;
    let single = parts.next()? == "1";
    Some((epoch, seq, single))
}

/// A page token: the listing mode, the epoch, the change number of the snapshot, the sync
/// token's change number (incremental) and the cursor after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PageCursor {
    pub mode: char,
    pub epoch: u32,
    pub snap: u64,
    pub from: u64,
    pub cursor: String,
}

impl PageCursor {
    pub(super) fn encode(&self) -> String {
        B64.encode(format!(
            "p1|{}|{}|{}|{}|{}",
            self.mode, self.epoch, self.snap, self.from, self.cursor
        ))
    }
    pub(super) fn decode(tok: &str) -> Option<PageCursor> {
        let text = String::from_utf8(B64.decode(tok).ok()?).ok()?;
        let mut parts = text.splitn(6, '|');
        if parts.next()? != "p1" {
            return None;
        }
        let mode = parts.next()?.chars().next()?;
        let epoch = parts.next()?.parse().ok()?;
        let snap = parts.next()?.parse().ok()?;
        let from = parts.next()?.parse().ok()?;
        let cursor = parts.next()?.to_owned();
        Some(PageCursor {
            mode,
            epoch,
            snap,
            from,
            cursor,
        })
    }

    /// The page token of a request, checked against the listing's current `epoch`: a token
    /// from before the epoch moved asks for a full sync.
    pub(super) fn read(token: Option<&str>, epoch: u32) -> Result<Option<PageCursor>, ApiError> {
        match token.map(PageCursor::decode) {
            Some(None) => Err(invalid_page_token()),
            Some(Some(pc)) if pc.epoch != epoch => Err(ApiError::full_sync_required()),
            Some(Some(pc)) => Ok(Some(pc)),
            None => Ok(None),
        }
    }
}

pub(super) fn invalid_page_token() -> ApiError {
    ApiError::invalid_param("pageToken", "Invalid page token value.")
}
