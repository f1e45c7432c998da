//! The HTTP server: our own accept loop (so a fault can drop a connection without answering)
//! and the gate every request passes: request log, global latency, fault rules, rate limit.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::faults::{FaultAction, Hit};
use crate::reqlog::{operation, RequestRecord};
use crate::shared::Shared;

/// Lets a handler close the connection its request came on.
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

pub async fn serve(listener: TcpListener, app: Router, cancel: CancellationToken) {
    loop {
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = cancel.cancelled() => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let kill = ConnKill(Arc::new(Notify::new()));
            let k = kill.clone();
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(k.clone());
                    app.clone().oneshot(req)
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.0.notified() => {}
                _ = cancel.cancelled() => {}
            }
        });
    }
}

fn account_of(sh: &Shared, req: &Request) -> Option<String> {
    let tok = crate::api::bearer_from(req.headers(), req.uri())?;
    let st = sh.state.lock();
    st.oauth.account_for(&tok).map(|(a, _)| a.to_owned())
}

pub async fn gate(State(sh): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/__emulator") {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let logged_query = without_tokens(&query);
    let path_and_query = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{query}")
    };
    let op = operation(&method, &path);
    let account = account_of(&sh, &req);
    let api = path.starts_with("/calendar/v3/");
    let kill = req.extensions().get::<ConnKill>().cloned();
    if api {
        let ms = sh.latency_ms.load(Ordering::Relaxed);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
    let hit = sh.faults.lock().pick(&method, &path_and_query);
    let (resp, fault) = match hit {
        Some(h) => match fault_response(h, req, next, kill.clone()).await {
            Some(answered) => answered,
            None => {
                let rec = record(
                    &method,
                    &path,
                    &logged_query,
                    0,
                    account,
                    op,
                    Some("drop".into()),
                );
                sh.log.lock().push(rec);
                if let Some(k) = kill {
                    k.0.notify_one();
                }
                return std::future::pending().await;
            }
        },
        None => match rate_limited(&sh, api, account.as_ref()) {
            Some(status) => (
                ApiError::for_fault(status, Some("rateLimitExceeded")).into_response(),
                Some("rate_limit".to_owned()),
            ),
            None => (next.run(req).await, None),
        },
    };
    let status = resp.status().as_u16();
    sh.log.lock().push(record(
        &method,
        &path,
        &logged_query,
        status,
        account,
        op,
        fault,
    ));
    resp
}

/// A query string as the request log shows it: tokens never go into the log.
fn without_tokens(query: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            url::form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "access_token"),
        )
        .finish()
}

/// The answer a fault rule gives (after its latency), with the fault's name for the log; `None`
/// when the connection is to be dropped without an answer.
async fn fault_response(
    h: Hit,
    req: Request,
    next: Next,
    kill: Option<ConnKill>,
) -> Option<(Response, Option<String>)> {
    if h.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(h.latency_ms)).await;
    }
    Some(match h.action {
        FaultAction::Status { status, reason } => {
            let mut e = ApiError::for_fault(status, reason.as_deref());
            e.retry_after = h.retry_after;
            (e.into_response(), Some("status".to_owned()))
        }
        FaultAction::Drop => return None,
        FaultAction::Truncate => (
            truncate(next.run(req).await, kill).await,
            Some("truncate".to_owned()),
        ),
        FaultAction::Delay => (next.run(req).await, Some("delay".to_owned())),
    })
}

/// The status the rate limit refuses an API call of a known account with, if it does.
fn rate_limited(sh: &Shared, api: bool, account: Option<&String>) -> Option<u16> {
    let (true, Some(a)) = (api, account) else {
        return None;
    };
    match sh
        .rate_limit
        .lock()
        .as_mut()
        .map(|rl| (rl.admit(a), rl.limit.status))
    {
        Some((false, status)) => Some(status),
        _ => None,
    }
}

fn record(
    method: &str,
    path: &str,
    query: &str,
    status: u16,
    account: Option<String>,
    operation: String,
    fault: Option<String>,
) -> RequestRecord {
    RequestRecord {
        seq: 0,
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        status,
        account,
        operation,
        fault,
    }
}

/// Sends the headers and the first half of the body, announcing the full length, then closes.
async fn truncate(resp: Response, kill: Option<ConnKill>) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.insert("content-length", bytes.len().into());
    let stream = futures::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated by fault rule",
        )),
    ]);
    // Close shortly after the partial body is out, in case the body error does not end the connection.
    if let Some(k) = kill {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            k.0.notify_one();
        });
    }
    Response::from_parts(parts, Body::from_stream(stream))
}
