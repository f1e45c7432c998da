//! Delivers push notifications to channel addresses, one at a time in queue order, so that
//! `sync` reaches a receiver before the `exists` that follow it.

use serde::Serialize;
use std::sync::Weak;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::shared::Inner;
use crate::store::PushJob;

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

pub async fn run(shared: Weak<Inner>, mut rx: UnboundedReceiver<PushJob>) {
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
        let Some(sh) = shared.upgrade() else { break };
        sh.pushes.lock().push(PushDelivery {
            channel_id: job.channel_id.clone(),
            address: job.address.clone(),
            resource_state: header("X-Goog-Resource-State"),
            message_number: header("X-Goog-Message-Number").parse().unwrap_or(0),
            status,
            error,
        });
    }
}
