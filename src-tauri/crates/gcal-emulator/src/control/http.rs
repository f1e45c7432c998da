//! `/__emulator/…`: the control API over HTTP (JSON), mirroring `Control`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

use super::Control;
use crate::api::{json_ok, parse_body};
use crate::colors::PaletteChange;
use crate::error::ApiError;
use crate::faults::FaultRule;
use crate::ratelimit::RateLimit;
use crate::shared::Shared;
use crate::world::CalendarSpec;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/__emulator/accounts", get(accounts))
        .route("/__emulator/accounts/{account}/tokens", post(tokens))
        .route(
            "/__emulator/accounts/{account}/calendars",
            post(add_calendar),
        )
        .route(
            "/__emulator/accounts/{account}/settings/{setting}",
            put(set_setting),
        )
        .route(
            "/__emulator/calendars/{calendar_id}",
            axum::routing::delete(remove_calendar),
        )
        .route(
            "/__emulator/calendars/{calendar_id}/events",
            get(event_ids).post(insert_event),
        )
        .route(
            "/__emulator/calendars/{calendar_id}/events/{event_id}",
            get(get_event)
                .patch(patch_event)
                .put(update_event)
                .delete(delete_event),
        )
        .route(
            "/__emulator/calendars/{calendar_id}/events/{event_id}/conference",
            post(complete_conference),
        )
        .route("/__emulator/sync-tokens/invalidate", post(invalidate))
        .route("/__emulator/tokens/expire", post(expire))
        .route("/__emulator/tokens/revoke", post(revoke))
        .route(
            "/__emulator/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/__emulator/faults/{id}",
            axum::routing::delete(remove_fault),
        )
        .route("/__emulator/requests", get(requests).delete(reset_requests))
        .route("/__emulator/counters", get(counters))
        .route("/__emulator/push", post(push))
        .route("/__emulator/push/auto", put(auto_push))
        .route("/__emulator/channels", get(channels))
        .route("/__emulator/push-deliveries", get(deliveries))
        .route(
            "/__emulator/rate-limit",
            put(set_rate_limit).delete(clear_rate_limit),
        )
        .route("/__emulator/latency", put(set_latency))
        .route("/__emulator/auto-approve", put(auto_approve))
        .route("/__emulator/granted-scopes", put(granted_scopes))
        .route("/__emulator/page-quirks", put(page_quirks))
        .route("/__emulator/write-quirks", put(write_quirks))
        .route(
            "/__emulator/colors",
            get(colors).put(set_colors).delete(reset_colors),
        )
        .route("/__emulator/world", get(world))
        .route("/__emulator/health", get(|| async { "ok" }))
        .route("/__emulator/access-token-ttl", patch(token_ttl))
}

fn ctl(sh: Shared) -> Control {
    Control { shared: sh }
}

fn ok_json<T: serde::Serialize>(v: &T) -> Response {
    json_ok(&serde_json::to_value(v).expect("serialises"))
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

async fn accounts(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).accounts())
}

async fn tokens(
    State(sh): State<Shared>,
    Path(account): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&ctl(sh).mint_tokens(&account)?))
}

async fn add_calendar(
    State(sh): State<Shared>,
    Path(account): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let spec: CalendarSpec =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok(json_ok(&ctl(sh).add_calendar(&account, spec)?))
}

#[derive(serde::Deserialize)]
struct SettingValue {
    value: String,
}

async fn set_setting(
    State(sh): State<Shared>,
    Path((account, setting)): Path<(String, String)>,
    Json(v): Json<SettingValue>,
) -> Result<Response, ApiError> {
    ctl(sh).set_setting(&account, &setting, &v.value)?;
    Ok(no_content())
}

async fn remove_calendar(
    State(sh): State<Shared>,
    Path(cal): Path<String>,
) -> Result<Response, ApiError> {
    ctl(sh).remove_calendar(&cal)?;
    Ok(no_content())
}

async fn event_ids(
    State(sh): State<Shared>,
    Path(cal): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&ctl(sh).event_ids(&cal)?))
}

async fn insert_event(
    State(sh): State<Shared>,
    Path(cal): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    Ok(json_ok(&Value::Object(
        ctl(sh).insert_event(&cal, parse_body(&body)?)?,
    )))
}

async fn get_event(
    State(sh): State<Shared>,
    Path((cal, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(json_ok(&Value::Object(ctl(sh).get_event(&cal, &id)?)))
}

async fn patch_event(
    State(sh): State<Shared>,
    Path((cal, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    Ok(json_ok(&Value::Object(ctl(sh).patch_event(
        &cal,
        &id,
        parse_body(&body)?,
    )?)))
}

async fn update_event(
    State(sh): State<Shared>,
    Path((cal, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    Ok(json_ok(&Value::Object(ctl(sh).update_event(
        &cal,
        &id,
        parse_body(&body)?,
    )?)))
}

#[derive(Deserialize)]
struct ConferenceOutcome {
    #[serde(default = "success")]
    outcome: super::Outcome,
}

fn success() -> super::Outcome {
    super::Outcome::Success
}

/// Body `{"outcome": "success" | "failure"}` (empty: success).
async fn complete_conference(
    State(sh): State<Shared>,
    Path((cal, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let outcome = if body.iter().all(u8::is_ascii_whitespace) {
        super::Outcome::Success
    } else {
        serde_json::from_slice::<ConferenceOutcome>(&body)
            .map_err(|e| ApiError::invalid(e.to_string()))?
            .outcome
    };
    Ok(json_ok(&Value::Object(
        ctl(sh).complete_conference(&cal, &id, outcome)?,
    )))
}

async fn delete_event(
    State(sh): State<Shared>,
    Path((cal, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    ctl(sh).delete_event(&cal, &id)?;
    Ok(no_content())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Scope {
    calendar_id: Option<String>,
    account: Option<String>,
}

fn scope(body: &Bytes) -> Result<Scope, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Scope::default());
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid(e.to_string()))
}

async fn invalidate(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let s = scope(&body)?;
    ctl(sh).invalidate_sync_tokens(s.calendar_id.as_deref())?;
    Ok(no_content())
}

async fn expire(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let s = scope(&body)?;
    Ok(json_ok(
        &json!({ "expired": ctl(sh).expire_access_tokens(s.account.as_deref()) }),
    ))
}

async fn revoke(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let s = scope(&body)?;
    Ok(json_ok(
        &json!({ "revoked": ctl(sh).revoke_refresh_tokens(s.account.as_deref()) }),
    ))
}

async fn faults(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).faults())
}

async fn add_fault(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let rule: FaultRule =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(e.to_string()))?;
    let id = ctl(sh).add_fault(rule)?;
    Ok(json_ok(&json!({ "id": id })))
}

async fn clear_faults(State(sh): State<Shared>) -> Response {
    ctl(sh).clear_faults();
    no_content()
}

async fn remove_fault(State(sh): State<Shared>, Path(id): Path<u64>) -> Result<Response, ApiError> {
    if ctl(sh).remove_fault(id) {
        Ok(no_content())
    } else {
        Err(ApiError::not_found())
    }
}

async fn requests(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).requests())
}

async fn reset_requests(State(sh): State<Shared>) -> Response {
    ctl(sh).reset_requests();
    no_content()
}

async fn counters(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).counters())
}

async fn push(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let s = scope(&body)?;
    Ok(json_ok(
        &json!({ "queued": ctl(sh).push_notify(s.calendar_id.as_deref()) }),
    ))
}

#[derive(Deserialize)]
struct Flag {
    enabled: bool,
}

async fn auto_push(State(sh): State<Shared>, Json(f): Json<Flag>) -> Response {
    ctl(sh).set_auto_push(f.enabled);
    no_content()
}

async fn auto_approve(State(sh): State<Shared>, Json(f): Json<Flag>) -> Response {
    ctl(sh).set_auto_approve(f.enabled);
    no_content()
}

#[derive(Deserialize)]
struct Scopes {
    scopes: Option<Vec<String>>,
}

async fn granted_scopes(State(sh): State<Shared>, Json(s): Json<Scopes>) -> Response {
    ctl(sh).set_granted_scopes(s.scopes);
    no_content()
}

async fn page_quirks(
    State(sh): State<Shared>,
    Json(q): Json<crate::store::list::PageQuirks>,
) -> Response {
    ctl(sh).set_page_quirks(q);
    no_content()
}

async fn write_quirks(
    State(sh): State<Shared>,
    Json(q): Json<crate::store::WriteQuirks>,
) -> Response {
    ctl(sh).set_write_quirks(q);
    no_content()
}

async fn channels(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).channels())
}

async fn deliveries(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).push_deliveries())
}

async fn set_rate_limit(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let rl: RateLimit =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(e.to_string()))?;
    ctl(sh).set_rate_limit(Some(rl));
    Ok(no_content())
}

async fn clear_rate_limit(State(sh): State<Shared>) -> Response {
    ctl(sh).set_rate_limit(None);
    no_content()
}

#[derive(Deserialize)]
struct Millis {
    ms: u64,
}

async fn set_latency(State(sh): State<Shared>, Json(m): Json<Millis>) -> Response {
    ctl(sh).set_latency(Duration::from_millis(m.ms));
    no_content()
}

#[derive(Deserialize)]
struct Secs {
    seconds: u64,
}

async fn token_ttl(State(sh): State<Shared>, Json(s): Json<Secs>) -> Response {
    ctl(sh).set_access_token_ttl(Duration::from_secs(s.seconds));
    no_content()
}

async fn colors(State(sh): State<Shared>) -> Response {
    json_ok(&ctl(sh).colors().to_json())
}

async fn set_colors(State(sh): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let change: PaletteChange =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(e.to_string()))?;
    let c = ctl(sh);
    c.set_colors(change);
    Ok(json_ok(&c.colors().to_json()))
}

async fn reset_colors(State(sh): State<Shared>) -> Response {
    ctl(sh).reset_colors();
    no_content()
}

async fn world(State(sh): State<Shared>) -> Response {
    ok_json(&ctl(sh).export_world())
}
