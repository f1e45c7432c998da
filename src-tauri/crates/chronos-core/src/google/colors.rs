//! `colors.get`: what a `colorId` means.

use super::client::{Call, GoogleClient};
use crate::error::Result;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One palette entry: the block's colour and the text's (also what the page gets per `colorId`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColorDefinition {
    pub background: String,
    pub foreground: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colors {
    /// Calendar colours by `colorId`.
    #[serde(default)]
    pub calendar: BTreeMap<String, ColorDefinition>,
    /// Event colours by `colorId`.
    #[serde(default)]
    pub event: BTreeMap<String, ColorDefinition>,
    #[serde(default)]
    pub updated: Option<String>,
}

impl GoogleClient {
    pub async fn get_colors(&self) -> Result<Colors> {
        self.call(Call::new(Method::GET, "colors".into())).await
    }
}
