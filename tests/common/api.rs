//! A GitHub REST API stand-in on 127.0.0.1 (wiremock), for the tests that talk to GitHub.

use wiremock::{Mock, MockServer};

/// A wiremock server with the runtime that drives it.
pub struct Api {
    pub rt: tokio::runtime::Runtime,
    pub server: MockServer,
}

impl Api {
    pub fn start() -> Api {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        Api { rt, server }
    }

    pub fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.server));
    }

    /// The requests received, as `METHOD path?query`.
    pub fn received(&self) -> Vec<String> {
        self.rt
            .block_on(self.server.received_requests())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let q = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
                format!("{} {}{q}", r.method, r.url.path())
            })
            .collect()
    }
}
