//! What a GitHub Actions `pull_request` or `pull_request_review` event payload
//! says about its pull request: number, base and head, author, repository.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parts of the event the gate reads.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub pull_request: EventPull,
    pub repository: Option<EventRepo>,
}

#[derive(Debug, Deserialize)]
pub struct EventPull {
    pub number: u64,
    pub base: EventRef,
    pub head: EventRef,
    pub user: Option<EventUser>,
}

#[derive(Debug, Deserialize)]
pub struct EventUser {
    pub login: String,
}

#[derive(Debug, Deserialize)]
pub struct EventRef {
    pub sha: String,
}

#[derive(Debug, Deserialize)]
pub struct EventRepo {
    pub full_name: String,
}

/// Why an event file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("cannot read the event {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        cause: std::io::Error,
    },
    #[error(
        "{} is not a pull_request or pull_request_review event (no pull_request with number, base.sha and head.sha)",
        path.display()
    )]
    Format {
        path: PathBuf,
        #[source]
        cause: serde_json::Error,
    },
}

impl Event {
    /// Reads the event payload at `path` (`GITHUB_EVENT_PATH`).
    pub fn read(path: &Path) -> Result<Event, EventError> {
        let text = std::fs::read_to_string(path).map_err(|cause| EventError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        serde_json::from_str(&text).map_err(|cause| EventError::Format {
            path: path.to_path_buf(),
            cause,
        })
    }
}
