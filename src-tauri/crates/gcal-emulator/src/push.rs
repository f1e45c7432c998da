//! Delivers push notifications to channel addresses, one at a time in queue order, so that
//! `sync` reaches a receiver before the `exists` that follow it.

use parking_lot::Mutex;
use serde::Serialize;
use std::sync::Weak;
use tokio::sync::mpsc::UnboundedReceiver;

/// One notification waiting to be POSTed.
#[derive(Debug, Clone)]
pub struct PushJob {
    pub channel_id: String,
    pub address: String,
    pub headers: Vec<(&'static str, String)>,
}

/// The deliveries made so far, oldest first, for tests to inspect.
pub type Deliveries = Mutex<Vec<PushDelivery>>;

/// The outcome of one notification POST.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PushDelivery {
    pub channel_id: String,
    pub address: String,
    pub resource_state: String,
    pub message_number: u64,
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// Delivers queued jobs until the queue closes or the emulator that owns `deliveries` is gone.
pub async fn run(deliveries: Weak<Deliveries>, mut rx: UnboundedReceiver<PushJob>) {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("a plain reqwest client builds");
    while let Some(job) = rx.recv().await {
        let mut req = client.post(&job.address).header("content-length", "0");
        for (k, v) in &job.headers {
            req = req.header(*k, v);
        }
        let header = |name: &str| {
            job.headers
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (status, error) = match req.send().await {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let Some(deliveries) = deliveries.upgrade() else {
            break;
        };
        deliveries.lock().push(PushDelivery {
            channel_id: job.channel_id.clone(),
            address: job.address.clone(),
            resource_state: header("X-Goog-Resource-State"),
            message_number: header("X-Goog-Message-Number").parse().unwrap_or(0),
            status,
            error,
        });
    }
}
