//! A shell or `sleep` as PID 1 (`busybox` with `sleep 3600`, `sh -c ...`): it prints nothing,
//! answers no request, and ignores SIGTERM (PID 1 has no default handler), so only SIGKILL at
//! the end of the grace period stops it.

use super::{App, Host, HttpReply, HttpRequest};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sleeper;

impl App for Sleeper {
    fn start(&mut self, _host: &mut dyn Host) -> u64 {
        0
    }

    fn sigterm(&mut self, _host: &mut dyn Host) -> Option<u64> {
        None
    }

    fn http(&mut self, _host: &mut dyn Host, _request: &HttpRequest) -> HttpReply {
        HttpReply::Refused
    }
}
