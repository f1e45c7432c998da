//! events.* and channels.stop.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::{json_ok, json_text, parse_body, Caller, Params};
use crate::error::ApiError;
use crate::shared::Shared;
use crate::store::event_types::parse_filter;
use crate::store::events::WriteOpts;
use crate::store::list::{events_envelope, EventQuery, OrderBy, Page};
use crate::store::time::parse_rfc3339;
use crate::store::State as EmulatorState;

fn time_param(p: &Params, k: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    match p.get(k) {
        None => Ok(None),
        Some(v) => parse_rfc3339(v)
            .map(Some)
            .ok_or_else(|| ApiError::invalid_param(k, "Bad Request")),
    }
}

fn props(p: &Params, k: &str) -> Vec<(String, String)> {
    p.all(k)
        .filter_map(|s| s.split_once('='))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

pub fn event_query(p: &Params) -> Result<EventQuery, ApiError> {
    let max = match p.usize("maxResults")? {
        Some(0) => {
            return Err(ApiError::invalid_param(
                "maxResults",
                "Invalid value '0'. Values must be within the range: [1, 2500]",
            ))
        }
        Some(n) => n.min(2500),
        None => 250,
    };
    let order_by = match p.get("orderBy") {
        None => None,
        Some("startTime") => Some(OrderBy::StartTime),
        Some("updated") => Some(OrderBy::Updated),
        Some(v) => {
            return Err(ApiError::invalid_param(
                "orderBy",
                format!("Invalid value '{v}'."),
            ))
        }
    };
    let show_deleted = p.bool("showDeleted")?;
    let q = EventQuery {
        max_results: max,
        page_token: p.get("pageToken").map(str::to_owned),
        sync_token: p.get("syncToken").map(str::to_owned),
        show_deleted: show_deleted.unwrap_or(false) || p.get("syncToken").is_some(),
        single_events: p.bool("singleEvents")?.unwrap_or(false),
        time_min: time_param(p, "timeMin")?,
        time_max: time_param(p, "timeMax")?,
        order_by,
        q: p.get("q").map(str::to_owned),
        ical_uid: p.get("iCalUID").map(str::to_owned),
        updated_min: time_param(p, "updatedMin")?,
        private_props: props(p, "privateExtendedProperty"),
        shared_props: props(p, "sharedExtendedProperty"),
        event_types: parse_filter(p.all("eventTypes"))?,
    };
    if q.sync_token.is_some() && show_deleted == Some(false) {
        return Err(ApiError::sync_token_with_restrictions());
    }
    Ok(q)
}

/// `sendUpdates` is accepted (nobody is notified here) but must be one of Google's values.
fn check_send_updates(p: &Params) -> Result<(), ApiError> {
    match p.get("sendUpdates") {
        None | Some("all") | Some("externalOnly") | Some("none") => Ok(()),
        Some(v) => Err(ApiError::invalid_param(
            "sendUpdates",
            format!("Invalid value '{v}'. Values must be one of: all, externalOnly, none"),
        )),
    }
}

fn if_match(h: &HeaderMap) -> Option<String> {
    h.get("if-match")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
}

/// A version parameter Google takes as 0 or 1 (`conferenceDataVersion`, `eventLabelVersion`).
fn version_flag(p: &Params, k: &str) -> Result<bool, ApiError> {
    match p.get(k) {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(v) => Err(ApiError::invalid_param(
            k,
            format!("Invalid value '{v}'. Values must be within the range: [0, 1]"),
        )),
    }
}

/// The opt-ins and precondition of a write request.
fn write_opts(p: &Params, h: &HeaderMap) -> Result<WriteOpts, ApiError> {
    let labels = version_flag(p, "eventLabelVersion")?;
    Ok(WriteOpts {
        if_match: if_match(h),
        conference_data: version_flag(p, "conferenceDataVersion")?,
        attachments: p.bool("supportsAttachments")?.unwrap_or(false),
        labels,
        colour_ids: !labels,
    })
}

fn event_response(body: Map<String, Value>) -> Response {
    json_text(
        StatusCode::OK,
        serde_json::to_string(&body).expect("json serialises"),
    )
}

pub async fn list(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
    p: Params,
) -> Result<Response, ApiError> {
    caller.can_read()?;
    let q = event_query(&p)?;
    let st = sh.state.lock();
    let (id, role) = st.access(&caller.account, &cal_id, false)?;
    let page = st.list_events(&id, &q)?;
    let text = listing(&st, &caller, &id, &role, &page);
    drop(st);
    Ok(json_text(StatusCode::OK, text))
}

/// A page of events in Google's envelope, with the caller's default reminders for the calendar.
fn listing(st: &EmulatorState, caller: &Caller, id: &str, role: &str, page: &Page) -> String {
    let reminders = st
        .entry(&caller.account, id)
        .and_then(|e| e.prefs.get("defaultReminders").cloned())
        .unwrap_or_else(|| json!([]));
    events_envelope(&st.calendars[id], role, &reminders, page)
}

pub async fn insert(
    State(sh): State<Shared>,
    caller: Caller,
    p: Params,
    Path(cal_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    check_send_updates(&p)?;
    let opts = write_opts(&p, &headers)?;
    let mut body = parse_body(&body)?;
    let mut st = sh.state.lock();
    let (id, _) = st.access(&caller.account, &cal_id, true)?;
    if st.write_quirks.ignore_client_ids {
        if let Some(b) = body.as_object_mut() {
            b.remove("id");
        }
    }
    let ev = st.insert_event(&id, body, &caller.account, &opts)?;
    Ok(event_response(ev))
}

pub async fn get(
    State(sh): State<Shared>,
    caller: Caller,
    Path((cal_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, id) = caller.read_calendar(&sh, &cal_id)?;
    let ev = st.get_event(&id, &event_id)?;
    if let Some(none_match) = headers.get("if-none-match").and_then(|v| v.to_str().ok()) {
        if ev.get("etag").and_then(Value::as_str) == Some(none_match.trim()) {
            return Ok(StatusCode::NOT_MODIFIED.into_response());
        }
    }
    Ok(event_response(ev))
}

/// How a write changes the stored event: (state, calendar, event id, body, options).
type WriteFn =
    fn(&mut EmulatorState, &str, &str, Value, &WriteOpts) -> Result<Map<String, Value>, ApiError>;

/// A write to one event of a calendar the caller may write; each route names its kind
/// (`write::<Patch>`, `write::<Update>`).
pub trait EventWrite {
    const WRITE: WriteFn;
}

/// events.patch: the body's fields are merged into the stored event.
pub struct Patch;
impl EventWrite for Patch {
    const WRITE: WriteFn = EmulatorState::patch_event;
}

/// events.update: the body replaces the stored event.
pub struct Update;
impl EventWrite for Update {
    const WRITE: WriteFn = EmulatorState::update_event;
}

/// events.patch or events.update, as `W` says.
pub async fn write<W: EventWrite>(
    State(sh): State<Shared>,
    caller: Caller,
    p: Params,
    Path((cal_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    check_send_updates(&p)?;
    let opts = write_opts(&p, &headers)?;
    let body = parse_body(&body)?;
    let mut st = sh.state.lock();
    let (id, _) = st.access(&caller.account, &cal_id, true)?;
    let ev = W::WRITE(&mut st, &id, &event_id, body, &opts)?;
    Ok(event_response(ev))
}

pub async fn delete(
    State(sh): State<Shared>,
    caller: Caller,
    p: Params,
    Path((cal_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    check_send_updates(&p)?;
    let mut st = sh.state.lock();
    let (id, _) = st.access(&caller.account, &cal_id, true)?;
    st.delete_event(&id, &event_id, if_match(&headers).as_deref())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn instances(
    State(sh): State<Shared>,
    caller: Caller,
    Path((cal_id, event_id)): Path<(String, String)>,
    p: Params,
) -> Result<Response, ApiError> {
    caller.can_read()?;
    let mut q = EventQuery {
        max_results: p.usize("maxResults")?.unwrap_or(250).clamp(1, 2500),
        page_token: p.get("pageToken").map(str::to_owned),
        show_deleted: p.bool("showDeleted")?.unwrap_or(false),
        single_events: true,
        time_min: time_param(&p, "timeMin")?,
        time_max: time_param(&p, "timeMax")?,
        ..EventQuery::default()
    };
    if let Some(os) = p.get("originalStart") {
        let t = parse_rfc3339(os)
            .ok_or_else(|| ApiError::invalid_param("originalStart", "Bad Request"))?;
        q.time_min = Some(t);
        q.time_max = Some(t + chrono::Duration::seconds(1));
    }
    let st = sh.state.lock();
    let (id, role) = st.access(&caller.account, &cal_id, false)?;
    let page = st.list_instances(&id, &event_id, &q)?;
    let text = listing(&st, &caller, &id, &role, &page);
    Ok(json_text(StatusCode::OK, text))
}

pub async fn move_event(
    State(sh): State<Shared>,
    caller: Caller,
    Path((cal_id, event_id)): Path<(String, String)>,
    p: Params,
) -> Result<Response, ApiError> {
    caller.can_write()?;
    check_send_updates(&p)?;
    let dest = p.get("destination").ok_or_else(|| {
        ApiError::required("Required parameter: destination").at("parameter", "destination")
    })?;
    let mut st = sh.state.lock();
    let (src, _) = st.access(&caller.account, &cal_id, true)?;
    let (dst, _) = st.access(&caller.account, dest, true)?;
    let ev = st.move_event(&src, &event_id, &dst)?;
    Ok(event_response(ev))
}

fn is_loopback_http(address: &str) -> bool {
    let Ok(u) = url::Url::parse(address) else {
        return false;
    };
    u.scheme() == "http" && matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || u.scheme() == "http" && matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || u.scheme() == "http" && u.host_str() == Some("localhost")
}

pub async fn watch(
    State(sh): State<Shared>,
    caller: Caller,
    Path(cal_id): Path<String>,
    p: Params,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.can_read()?;
    let event_types = parse_filter(p.all("eventTypes"))?;
    let body = parse_body(&body)?;
    let id = web_hook_id(&body)?;
    let address = body
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let https = url::Url::parse(&address).is_ok_and(|u| u.scheme() == "https");
    let mut st = sh.state.lock();
    let allowed = https || (st.allow_http_push && is_loopback_http(&address));
    if !allowed {
        let m = format!("WebHook callback must be HTTPS: {address}");
        return Err(ApiError::new(400, "global", "push.webhookUrlNotHttps", m));
    }
    let (cal, _) = st.access(&caller.account, &cal_id, false)?;
    if st.channels.contains_key(&id) {
        return Err(ApiError::new(
            400,
            "global",
            "channelIdNotUnique",
            format!("Channel id {id} not unique"),
        ));
    }
    let expiration = channel_expiration(&body)?;
    let resource_id = crate::store::ids::random_token(&mut st.rng, 27);
    let enc =
        percent_encoding::utf8_percent_encode(&cal, percent_encoding::NON_ALPHANUMERIC).to_string();
    let resource_uri = format!(
        "{}/calendar/v3/calendars/{enc}/events?alt=json",
        st.base_url
    );
    let token = body.get("token").and_then(Value::as_str).map(str::to_owned);
    let ch = crate::store::Channel {
        id: id.clone(),
        resource_id: resource_id.clone(),
        resource_uri: resource_uri.clone(),
        token: token.clone(),
        address,
        expiration_ms: expiration,
        calendar_id: cal,
        account: caller.account.clone(),
        next_message: 1,
        event_types,
    };
    st.channels.insert(id.clone(), ch);
    st.push_channel(&id, "sync");
    let mut resp = json!({
        "kind": "api#channel",
        "id": id,
        "resourceId": resource_id,
        "resourceUri": resource_uri,
        "expiration": expiration.to_string(),
    });
    if let Some(t) = token {
        resp["token"] = json!(t);
    }
    Ok(json_ok(&resp))
}

/// The channel id of a `watch` request, which must ask for a web hook.
fn web_hook_id(body: &Value) -> Result<String, ApiError> {
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if id.is_empty() || id.len() > 64 {
        return Err(ApiError::required("Required: id").at("parameter", "id"));
    }
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind != "web_hook" && kind != "webhook" {
        return Err(ApiError::invalid(format!("Invalid value for type: {kind}")));
    }
    Ok(id)
}

/// When a new channel expires, in ms: its `params.ttl` (seconds) or `expiration`, whichever is
/// sooner, and never more than a week from now.
fn channel_expiration(body: &Value) -> Result<i64, ApiError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let max_ms = now_ms + 604_800_000;
    let ttl = body.get("params").and_then(|p| p.get("ttl")).and_then(|t| {
        t.as_str()
            .map(str::to_owned)
            .or_else(|| t.as_i64().map(|n| n.to_string()))
    });
    let mut expiration = match ttl {
        Some(t) => {
            now_ms
                + t.parse::<i64>().map_err(|_| {
                    ApiError::invalid_param("params.ttl", format!("Invalid ttl value: {t}"))
                })? * 1000
        }
        None => max_ms,
    };
    if let Some(e) = body.get("expiration").and_then(|e| {
        e.as_i64()
            .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
    }) {
        expiration = expiration.min(e);
    }
    expiration = expiration.min(max_ms);
    Ok(expiration)
}

pub async fn stop_channel(
    State(sh): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = parse_body(&body)?;
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    let rid = body
        .get("resourceId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut st = sh.state.lock();
    let found = st
        .channels
        .get(id)
        .is_some_and(|c| c.resource_id == rid && c.account == caller.account);
    if !found {
        return Err(ApiError::new(
            404,
            "global",
            "notFound",
            format!("Channel '{id}' not found for project '000000000000'"),
        ));
    }
    st.channels.remove(id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
