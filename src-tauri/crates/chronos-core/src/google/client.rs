//! The HTTP core of the Calendar API client: authorisation, limits, retries, bounded bodies.

use super::errors::{
    classify_response, classify_transport, parse_retry_after, Disposition, Failure,
};
use super::limiter::{RequestLimiter, RequestLimits};
use crate::clock::{Backoff, Clock, SystemClock};
use crate::config::GoogleEndpoints;
use crate::error::{Error, ErrorKind, Result};
use crate::model::Etag;
use bytes::Bytes;
use futures::future::BoxFuture;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// An OAuth access token. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// Where the client gets access tokens; implemented by [`crate::auth::TokenManager`].
pub trait TokenSource: Send + Sync + 'static {
    /// A token valid for a while (refreshed first if it is close to expiry).
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken>>;
    /// The server refused `rejected` (401): refresh now, unless a concurrent caller already did.
    fn force_refresh<'a>(&'a self, rejected: &'a AccessToken)
        -> BoxFuture<'a, Result<AccessToken>>;
}

/// How a [`GoogleClient`] behaves; the defaults are right for real Google.
#[derive(Clone)]
pub struct ClientOptions {
    pub backoff: Backoff,
    pub clock: Arc<dyn Clock>,
    pub limits: RequestLimits,
    /// Larger answers fail the request (a page of 2,500 events is a few MiB).
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            clock: Arc::new(SystemClock),
            limits: RequestLimits::default(),
            max_body_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// A reqwest client suitable for the API and OAuth calls (rustls, gzip, no redirects followed).
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("chronos/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(20))
        .build()
        .expect("a default reqwest client always builds")
}

/// Unreserved characters (RFC 3986) stay; everything else in an id is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// The Calendar API client for one account. Cheap to clone; clones share the token source and
/// the per-account request limits.
#[derive(Clone)]
pub struct GoogleClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    tokens: Arc<dyn TokenSource>,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    limiter: RequestLimiter,
    max_body_bytes: usize,
    request_timeout: Duration,
}

/// One API call to make (possibly several times).
pub(crate) struct Call {
    pub method: Method,
    /// Path relative to the API base, already encoded (use [`encode_segment`] for ids).
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub if_match: Option<Etag>,
    /// For a write that may have landed although its answer was lost: before each retry this
    /// listing is asked, and an event it finds is taken as the write's answer.
    pub landed: Option<Box<Call>>,
}

impl Call {
    pub fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            query: Vec::new(),
            body: None,
            if_match: None,
            landed: None,
        }
    }
    /// See [`Call::landed`].
    pub fn landed_if_listed(mut self, lookup: Call) -> Self {
        self.landed = Some(Box::new(lookup));
        self
    }
    pub fn query(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.query.push((k, v.into()));
        self
    }
    pub fn query_opt(self, k: &'static str, v: Option<impl Into<String>>) -> Self {
        match v {
            Some(v) => self.query(k, v),
            None => self,
        }
    }
    pub fn body(mut self, v: Value) -> Self {
        self.body = Some(v);
        self
    }
    pub fn if_match(mut self, etag: Option<&Etag>) -> Self {
        self.if_match = etag.cloned();
        self
    }
}

/// The outcome of `execute`: how many attempts it took matters for non-idempotent calls.
pub(crate) struct Executed<R = Value> {
    pub result: Result<R>,
    pub attempts: u32,
}

/// Turns a successful answer's body into `R`. A JSON error that is an early end of input is
/// retried like a dropped connection; any other fails the call as a malformed answer.
/// The body is shared so what is read from it can keep slices of it rather than copies.
pub(crate) type BodyParser<R> = fn(&Bytes) -> serde_json::Result<R>;

/// The first item of a list answer, if any.
fn first_item(body: &Bytes) -> serde_json::Result<Option<Value>> {
    let mut v: Value = serde_json::from_slice(body)?;
    Ok(match v.get_mut("items").and_then(Value::as_array_mut) {
        Some(items) if !items.is_empty() => Some(items.swap_remove(0)),
        _ => None,
    })
}

fn parse_value(body: &Bytes) -> serde_json::Result<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice::<Value>(body)
}

/// Bodies at least this large are parsed on the blocking pool: a page of 2,500 events takes
/// tens of milliseconds of CPU, which would otherwise stall every task on that runtime thread.
const PARSE_OFF_RUNTIME_BYTES: usize = 256 * 1024;

impl GoogleClient {
    pub fn new(
        http: reqwest::Client,
        endpoints: &GoogleEndpoints,
        tokens: Arc<dyn TokenSource>,
        options: ClientOptions,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                base: endpoints.api_base_slash(),
                tokens,
                limiter: RequestLimiter::new(options.limits, options.clock.clone()),
                clock: options.clock,
                backoff: options.backoff,
                max_body_bytes: options.max_body_bytes,
                request_timeout: options.request_timeout,
            }),
        }
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Runs a call and deserialises the answer as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let value = self.execute(&call).await.result?;
        from_value(value)
    }

    /// Runs a call with retries, refresh-on-401 and limits. The answer is raw JSON (`Null` for
    /// an empty body) so callers can convert leniently.
    pub(crate) async fn execute(&self, call: &Call) -> Executed {
        self.execute_with(call, parse_value).await
    }

    /// `execute` with the body turned into `R` by `parse` (inside the attempt, so an answer cut
    /// short is retried).
    pub(crate) async fn execute_with<R: Send + 'static>(
        &self,
        call: &Call,
        parse: BodyParser<R>,
    ) -> Executed<R> {
        let inner = &self.inner;
        let mut attempts = 0u32;
        let mut retries = 0u32;
        let mut refreshed = false;
        let mut token: Option<AccessToken> = None;
        loop {
            attempts += 1;
            let failure = match self.attempt_once(call, token.take(), parse).await {
                Ok(v) => {
                    return Executed {
                        result: Ok(v),
                        attempts,
                    }
                }
                Err(AttemptError::Token(e)) if e.retryable() => Failure {
                    disposition: Disposition::Retry,
                    error: e,
                },
                Err(AttemptError::Token(e)) => {
                    return Executed {
                        result: Err(e),
                        attempts,
                    }
                }
                Err(AttemptError::Http(f, used))
                    if f.disposition == Disposition::RefreshAndRetry && !refreshed =>
                {
                    refreshed = true;
                    tracing::info!(path = %redact_path(&call.path), "access token refused (401); refreshing once");
                    match inner.tokens.force_refresh(&used).await {
                        Ok(t) => {
                            token = Some(t);
                            continue;
                        }
                        Err(e) => {
                            return Executed {
                                result: Err(e),
                                attempts,
                            }
                        }
                    }
                }
                Err(AttemptError::Http(f, _)) => f,
            };
            if failure.disposition != Disposition::Retry {
                return Executed {
                    result: Err(failure.error),
                    attempts,
                };
            }
            let retry_after = match &failure.error {
                Error::Google { retry_after, .. } => *retry_after,
                _ => None,
            };
            let Some(wait) = inner.backoff.delay(retries, retry_after) else {
                return Executed {
                    result: Err(failure.error),
                    attempts,
                };
            };
            retries += 1;
            tracing::warn!(
                path = %redact_path(&call.path),
                kind = failure.error.kind().as_str(),
                retry = retries,
                wait_ms = wait.as_millis() as u64,
                "retrying Google request"
            );
            inner.clock.sleep(wait).await;
            if let Some(result) = self.landed(call, parse).await {
                return Executed { result, attempts };
            }
        }
    }

    /// Whether a write whose answer was lost landed after all (`call.landed` finds it): then
    /// the event found is the answer. A failed lookup is not an answer either way: the write is
    /// retried.
    async fn landed<R: Send + 'static>(
        &self,
        call: &Call,
        parse: BodyParser<R>,
    ) -> Option<Result<R>> {
        let lookup = call.landed.as_ref()?;
        let Ok(Some(found)) = self.attempt_once(lookup, None, first_item).await else {
            return None;
        };
        tracing::info!(path = %redact_path(&call.path), "a write whose answer was lost had landed; taking it");
        let parsed = serde_json::to_vec(&found).and_then(|b| parse(&Bytes::from(b)));
        Some(
            parsed.map_err(|e| {
                Error::Internal(format!("a found event: {}", sanitize_serde_error(&e)))
            }),
        )
    }

    async fn attempt_once<R: Send + 'static>(
        &self,
        call: &Call,
        token: Option<AccessToken>,
        parse: BodyParser<R>,
    ) -> Result<R, AttemptError> {
        let inner = &self.inner;
        let _permit = inner.limiter.acquire().await;
        let token = match token {
            Some(t) => t,
            None => inner
                .tokens
                .access_token()
                .await
                .map_err(AttemptError::Token)?,
        };
        let resp = self
            .request(call, &token)
            .send()
            .await
            .map_err(|e| AttemptError::Http(classify_transport(&e), token.clone()))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, inner.clock.now()));
        let body = read_bounded(resp, inner.max_body_bytes)
            .await
            .map_err(|f| AttemptError::Http(f, token.clone()))?;
        if !(200..300).contains(&status) {
            return Err(AttemptError::Http(
                classify_response(status, &body, retry_after),
                token,
            ));
        }
        let parsed = if body.len() >= PARSE_OFF_RUNTIME_BYTES {
            match tokio::task::spawn_blocking(move || parse(&body)).await {
                Ok(r) => r,
                Err(e) => {
                    let error = Error::Internal(format!("parse task: {e}"));
                    return Err(AttemptError::Http(
                        Failure {
                            disposition: Disposition::Fail,
                            error,
                        },
                        token,
                    ));
                }
            }
        } else {
            parse(&body)
        };
        parsed.map_err(|e| AttemptError::Http(unparsable(&e, status), token.clone()))
    }

    /// The HTTP request of `call`, sent with `token`.
    fn request(&self, call: &Call, token: &AccessToken) -> reqwest::RequestBuilder {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base, call.path);
        let mut req = inner
            .http
            .request(call.method.clone(), &url)
            .bearer_auth(token.secret())
            .timeout(inner.request_timeout)
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(etag) = &call.if_match {
            req = req.header(reqwest::header::IF_MATCH, etag.as_str());
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        } else if call.method == Method::POST
            || call.method == Method::PUT
            || call.method == Method::PATCH
        {
            req = req.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        req
    }
}

/// A successful answer (`status`) whose body did not parse: cut short (retried) or malformed.
fn unparsable(e: &serde_json::Error, status: u16) -> Failure {
    if e.is_eof() {
        Failure {
            disposition: Disposition::Retry,
            error: Error::Network("the response was cut short".into()),
        }
    } else {
        Failure {
            disposition: Disposition::Fail,
            error: Error::Google {
                kind: ErrorKind::Server,
                status,
                reason: Some("malformedResponse".into()),
                message: format!("Google's answer is not valid JSON ({})", json_failure(e)),
                retry_after: None,
            },
        }
    }
}

enum AttemptError {
    /// Getting a token failed (refresh refused, keyring, network to the token endpoint).
    Token(Error),
    /// The API call failed; carries the token that was used, for a forced refresh.
    Http(Failure, AccessToken),
}

/// A short, content-free description of why JSON did not parse.
fn json_failure(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error or nesting too deep",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Eof => "cut short",
    }
}

/// Reads the body, refusing more than `max` bytes (checked against Content-Length up front and
/// while streaming, so a lying or absent header cannot push us past it).
async fn read_bounded(mut resp: reqwest::Response, max: usize) -> Result<Bytes, Failure> {
    let too_large = || Failure {
        disposition: Disposition::Fail,
        error: Error::Google {
            kind: ErrorKind::Server,
            // What matters is "the server sent something unusable", not the HTTP status.
            status: 200,
            reason: Some("responseTooLarge".into()),
            message: format!(
                "Google's answer is larger than the {} MiB limit",
                max / (1024 * 1024)
            ),
            retry_after: None,
        },
    };
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0).min(max as u64) as usize);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > max {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Bytes::from(body)),
            Err(e) => return Err(classify_transport(&e)),
        }
    }
}

/// Converts JSON to a typed resource; a mismatch is the server's fault, not a crash.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::Google {
        kind: ErrorKind::Server,
        status: 200,
        reason: Some("malformedResponse".into()),
        message: format!(
            "Google's answer has an unexpected shape ({})",
            sanitize_serde_error(&e)
        ),
        retry_after: None,
    })
}

/// serde messages can quote the offending value (event content); keep only the category.
pub(crate) fn sanitize_serde_error(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let head = s.split([':', '"']).next().unwrap_or("").trim();
    if head.is_empty() {
        "invalid".to_owned()
    } else {
        head.to_owned()
    }
}

/// Paths carry calendar and event ids (emails); logs only get the shape.
fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "calendars" | "events" | "users" | "me" | "calendarList" | "instances" | "move"
            | "watch" | "channels" | "stop" | "colors" | "settings" => seg,
            _ => "…",
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_as_one_segment() {
        assert_eq!(encode_segment("a@example.com"), "a%40example.com");
        assert_eq!(
            encode_segment("en.usa#holiday@group.v.calendar.google.com"),
            "en.usa%23holiday%40group.v.calendar.google.com"
        );
        assert_eq!(encode_segment("x/../y?z"), "x%2F..%2Fy%3Fz");
        assert_eq!(
            encode_segment("abc_20261201T090000Z"),
            "abc_20261201T090000Z"
        );
    }

    #[test]
    fn tokens_and_paths_stay_out_of_debug_output() {
        assert_eq!(
            format!("{:?}", AccessToken::new("ya29.secret")),
            "AccessToken(<redacted>)"
        );
        assert_eq!(
            redact_path("calendars/a%40b.com/events/xyz"),
            "calendars/…/events/…"
        );
    }

    #[test]
    fn serde_errors_lose_quoted_content() {
        let e = serde_json::from_str::<u32>("\"secret title\"").unwrap_err();
        let s = sanitize_serde_error(&e);
        assert!(!s.contains("secret"), "{s}");
    }
}
