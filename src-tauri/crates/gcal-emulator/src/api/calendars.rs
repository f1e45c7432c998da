//! calendarList, calendars.get, settings and colors.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::{json_ok, parse_body, Caller, Params};
use crate::error::ApiError;
use crate::shared::Shared;
use crate::store::labels::calendar_json;

pub async fn list(
    State(sh): State<Shared>,
    caller: Caller,
    p: Params,
) -> Result<Response, ApiError> {
    caller.can_read()?;
    let max = p.usize("maxResults")?.unwrap_or(100).clamp(1, 250);
    let st = sh.state.lock();
    let q = crate::store::list::CalendarListQuery {
        max_results: max,
        page_token: p.get("pageToken"),
        sync_token: p.get("syncToken"),
        show_deleted: p.bool("showDeleted")?.unwrap_or(false),
        show_hidden: p.bool("showHidden")?.unwrap_or(false),
        min_access_role: p.get("minAccessRole"),
    };
    let body = st.list_calendars(&caller.account, &q)?;
    Ok(json_ok(&body))
}

pub async fn get_entry(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
) -> Result<Response, ApiError> {
    let (st, id) = caller.read_calendar(&sh, &cal_id)?;
    let entry = st
        .entry(&caller.account, &id)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_ok(&st.list_entry_json(entry)))
}

/// calendarList.patch: the user's own settings for a calendar. RGB colours are written only with
/// `colorRgbFormat=true` (Google refuses them otherwise), and `colorId` then becomes the palette
/// entry nearest to the background.
pub async fn patch_entry(
    State(sh): State<Shared>,
    caller: Caller,
    p: Params,
    Path(cal_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    let body = parse_body(&body)?;
    let patch = body
        .as_object()
        .ok_or_else(|| ApiError::invalid("The request body must be an object."))?;
    let rgb = p.bool("colorRgbFormat")?.unwrap_or(false);
    let mut st = sh.state.lock();
    let (id, _) = st.access(&caller.account, &cal_id, false)?;
    let entry = st.patch_list_entry(&caller.account, &id, patch, rgb)?;
    Ok(json_ok(&entry))
}

pub async fn get_calendar(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
) -> Result<Response, ApiError> {
    let (st, id) = caller.read_calendar(&sh, &cal_id)?;
    Ok(json_ok(&calendar_json(&st.calendars[&id])))
}

/// calendars.patch and calendars.update (`PUT`): the calendar's own fields, for its owner.
async fn write_calendar(
    sh: Shared,
    caller: Caller,
    cal_id: String,
    body: Bytes,
    replace: bool,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    let body = parse_body(&body)?;
    let body = body
        .as_object()
        .ok_or_else(|| ApiError::invalid("The request body must be an object."))?;
    let mut st = sh.state.lock();
    let (id, role) = st.access(&caller.account, &cal_id, true)?;
    if role != "owner" {
        return Err(ApiError::new(
            403,
            "calendar",
            "requiredAccessLevel",
            "You need to have owner access to this calendar.",
        ));
    }
    st.write_calendar(&id, body, replace)?;
    Ok(json_ok(&calendar_json(&st.calendars[&id])))
}

pub async fn patch_calendar(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_calendar(sh, caller, cal_id, body, false).await
}

pub async fn update_calendar(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_calendar(sh, caller, cal_id, body, true).await
}

pub async fn settings_list(State(sh): State<Shared>, caller: Caller) -> Result<Response, ApiError> {
    caller.can_read()?;
    let st = sh.state.lock();
    let acc = st
        .accounts
        .get(&caller.account)
        .ok_or_else(ApiError::auth)?;
    let items: Vec<_> = acc
        .settings
        .iter()
        .map(|(k, v)| json!({"kind": "calendar#setting", "etag": format!("\"{}\"", k.len()), "id": k, "value": v}))
        .collect();
    Ok(json_ok(&json!({
        "kind": "calendar#settings",
        "etag": "\"settings\"",
        "nextSyncToken": "settings-1",
        "items": items,
    })))
}

pub async fn settings_get(
    State(sh): State<Shared>,
    caller: Caller,
    Path(setting): Path<String>,
) -> Result<Response, ApiError> {
    caller.can_read()?;
    let st = sh.state.lock();
    let acc = st
        .accounts
        .get(&caller.account)
        .ok_or_else(ApiError::auth)?;
    let v = acc.settings.get(&setting).ok_or_else(ApiError::not_found)?;
    Ok(json_ok(
        &json!({"kind": "calendar#setting", "etag": format!("\"{}\"", setting.len()), "id": setting, "value": v}),
    ))
}

pub async fn colors(State(sh): State<Shared>, caller: Caller) -> Result<Response, ApiError> {
    caller.can_read()?;
    let body = sh.palette.lock().to_json();
    Ok(json_ok(&body))
}
