//! What a write request says besides its body, shared by event writes and conference requests.

use serde_json::{Map, Value};

/// What a write request says besides its body: its `If-Match`, and the opt-ins without which
/// Google leaves some fields as they were (`conferenceDataVersion=1`, `supportsAttachments=true`,
/// `eventLabelVersion=1`).
#[derive(Debug, Clone, Default)]
pub struct WriteOpts {
    pub if_match: Option<String>,
    pub conference_data: bool,
    pub attachments: bool,
    pub labels: bool,
    /// `colorId` is written: by requests without `eventLabelVersion=1` (with it, the label
    /// supersedes the colour) and by Google itself.
    pub colour_ids: bool,
}

impl WriteOpts {
    /// Google's own writes (and the control API's): every field counts.
    pub fn all() -> WriteOpts {
        WriteOpts {
            if_match: None,
            conference_data: true,
            attachments: true,
            labels: true,
            colour_ids: true,
        }
    }

    /// Fields this request may not write keep their stored value (or stay absent).
    pub(crate) fn gate(&self, old: Option<&Map<String, Value>>, new: &mut Map<String, Value>) {
        for (allowed, field) in [
            (self.conference_data, "conferenceData"),
            (self.attachments, "attachments"),
            (self.labels, "eventLabelId"),
        ] {
            if allowed {
                continue;
            }
            match old.and_then(|o| o.get(field)) {
                Some(v) => new.insert(field.to_owned(), v.clone()),
                None => new.remove(field),
            };
        }
        if self.labels && new.get("eventLabelId").and_then(Value::as_str) == Some("") {
            new.remove("eventLabelId");
        }
        if !self.colour_ids {
            match old.and_then(|o| o.get("colorId")) {
                Some(c) => new.insert("colorId".into(), c.clone()),
                None => new.remove("colorId"),
            };
        }
    }
}
