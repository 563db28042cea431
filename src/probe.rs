//! `pidone --probe URL`: a health check for images without curl (`HEALTHCHECK CMD ["/pidone", "--probe",
//! "http://127.0.0.1:8080/healthz"]`). A mode of its own, like `--version`: no signal is blocked, no child
//! started. It connects (tcp://), or sends one GET and reads the status line (http://), with one deadline
//! over all of it, so that a server that accepts and never answers, or answers a byte a second, ends it
//! in time. Exit 0 when the server is up, else 1 with one line saying why.

use crate::http::{self, HEAD};
use crate::log::{self, Fatal};
use crate::sys::{self, Deadline, Disposition, Fd};
use crate::url::{self, Scheme, Url};
use core::time::Duration;
use linux_raw_sys::general::{POLLIN, POLLOUT, SIGPIPE};
use linux_raw_sys::net::{AF_INET, AF_INET6};
use rustix::fd::RawFd;
use rustix::io::Errno;

/// Why the server is not taken to be up.
enum Down {
    BadUrl,
    /// A call failed: connect(2) (refused, unreachable, ...), or another on the connection (a reset).
    Failed(Errno),
    TimedOut,
    Closed,
    NotHttp,
    Status(u16),
}

impl Down {
    /// What the line says, for the reasons without a number in them.
    fn text(&self) -> &'static [u8] {
        match self {
            Down::BadUrl => b"bad URL (pidone -h)",
            Down::TimedOut => b"timed out (PIDONE_PROBE_TIMEOUT)",
            Down::Closed => b"closed before a status line",
            Down::NotHttp => b"not HTTP",
            // Said with their numbers (`probe`).
            Down::Failed(_) | Down::Status(_) => b"",
        }
    }
}

/// Probes `url`, taking at most `timeout` in all: Ok when the server is up, else the reason reported.
#[inline(never)] // its frame stays off `run`'s, and so off the stack pages every init touches
#[unsafe(link_section = ".text.cold")]
pub fn probe(url: &[u8], timeout: Duration) -> Result<(), Fatal> {
    let deadline = Deadline::after(timeout);
    // A server that closes early is an answer (EPIPE), not a SIGPIPE that kills the probe.
    sys::set_disposition(SIGPIPE, &Disposition::ignore());
    let down = url::parse(url).ok_or(Down::BadUrl).and_then(|url| check(&url, deadline));
    down.map_err(|down| {
        log::fatal_plain(|l| {
            l.text(b"probe ").text(url).text(b": ");
            match down {
                Down::Failed(e) => l.errno(e),
                Down::Status(code) => l.text(b"status ").number(code.into()),
                _ => l.text(down.text()),
            };
        })
    })
}

fn check(url: &Url, deadline: Deadline) -> Result<(), Down> {
    let socket = connect(url, deadline)?;
    if url.scheme == Scheme::Tcp {
        return Ok(());
    }
    let mut unsent = http::request(url);
    while unsent.iter().any(|part| !part.is_empty()) {
        wait(socket.raw(), POLLOUT, deadline)?;
        let mut sent = match sys::write_parts(socket.raw(), unsent) {
            Err(Errno::AGAIN) => 0,
            sent => sent.map_err(Down::Failed)?,
        };
        for part in &mut unsent {
            let gone = sent.min(part.len());
            (*part, sent) = (part.get(gone..).unwrap_or_default(), sent - gone);
        }
    }
    let mut head = [0; HEAD];
    let mut filled = 0;
    while let Some(room @ [_, ..]) = head.get_mut(filled..) {
        wait(socket.raw(), POLLIN, deadline)?;
        match sys::read(socket.raw(), room) {
            Ok(0) => return Err(Down::Closed),
            Ok(read) => filled += read,
            Err(Errno::AGAIN) => {}
            Err(e) => return Err(Down::Failed(e)),
        }
    }
    match http::status(&head) {
        Some(code) if http::is_up(code) => Ok(()),
        Some(code) => Err(Down::Status(code)),
        None => Err(Down::NotHttp),
    }
}

/// A connection to the URL's address.
fn connect(url: &Url, deadline: Deadline) -> Result<Fd, Down> {
    let ip = url.address;
    let socket = sys::tcp_socket(if ip.is_ipv4() { AF_INET } else { AF_INET6 }).map_err(Down::Failed)?;
    let mut connected = sys::connect(socket.raw(), ip, url.port);
    if connected == Err(Errno::INPROGRESS) {
        wait(socket.raw(), POLLOUT, deadline)?;
        // Asked again, connect(2) says how the first one ended.
        connected = sys::connect(socket.raw(), ip, url.port);
    }
    match connected {
        Ok(()) | Err(Errno::ISCONN) => Ok(socket),
        Err(e) => Err(Down::Failed(e)),
    }
}

/// Waits until `fd` is ready for `events`, or fails once the deadline has passed.
fn wait(fd: RawFd, events: u32, deadline: Deadline) -> Result<(), Down> {
    // Bounded: each round waits for what is left, and none is left once the deadline has passed.
    loop {
        let left = deadline.left();
        if left.is_zero() {
            return Err(Down::TimedOut);
        }
        if sys::ready(fd, events, left) {
            return Ok(());
        }
    }
}
