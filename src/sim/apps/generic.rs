//! Any other image: a server that is up as soon as it starts, listens on the container's first
//! declared port, answers each request with an empty 200, and exits promptly on SIGTERM.

use super::{App, Host, HttpReply, HttpRequest};

/// How long a well-behaved server takes to exit after SIGTERM.
const SHUTDOWN_MS: u64 = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generic {
    port: Option<i32>,
}

impl Generic {
    pub fn new(port: Option<i32>) -> Self {
        Generic { port }
    }

    pub fn port(&self) -> Option<i32> {
        self.port
    }
}

impl App for Generic {
    fn start(&mut self, _host: &mut dyn Host) -> u64 {
        0
    }

    fn sigterm(&mut self, _host: &mut dyn Host) -> Option<u64> {
        Some(SHUTDOWN_MS)
    }

    fn http(&mut self, _host: &mut dyn Host, _request: &HttpRequest) -> HttpReply {
        HttpReply::Body {
            status: 200,
            body: String::new(),
        }
    }
}
