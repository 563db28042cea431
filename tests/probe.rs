//! `pidone --probe URL`, a health check for images without curl, against servers the test starts on
//! loopback: open and closed ports, HTTP statuses, IPv6 and `localhost`, servers that never answer, answer
//! a byte a second, answer garbage or hang up; and URLs it does not take. Exit 0 when up, else 1 with one
//! line saying why.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, channel};
use std::thread;
use std::time::{Duration, Instant};

/// What a server does with its one connection, after reading the request (or its start).
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    /// Says nothing until the test is long over.
    Nothing,
    /// A status line, one byte a second.
    Trickle,
    Garbage,
    HangUp,
}

/// A server on loopback (`[::1]` if `v6`) for one connection; its port, and what the client sent.
fn serve(v6: bool, answer: Answer) -> (u16, Receiver<Vec<u8>>) {
    let listener = TcpListener::bind(if v6 { "[::1]:0" } else { "127.0.0.1:0" }).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, request) = channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let got = read_request(&mut stream);
        let _ = tx.send(got);
        let _ = match answer {
            Answer::Status(code) => {
                stream.write_all(format!("HTTP/1.1 {code} Whatever\r\nContent-Length: 0\r\n\r\n").as_bytes())
            }
            Answer::Nothing => {
                thread::sleep(Duration::from_secs(10));
                Ok(())
            }
            Answer::Trickle => {
                for byte in b"HTTP/1.1 200 OK\r\n\r\n" {
                    if stream.write_all(&[*byte]).is_err() {
                        break;
                    }
                    thread::sleep(Duration::from_secs(1));
                }
                Ok(())
            }
            Answer::Garbage => stream.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
            Answer::HangUp => Ok(()),
        };
    });
    (port, request)
}

/// The request up to its blank line (or what came before the client stopped).
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0; 1024];
    while !got.ends_with(b"\r\n\r\n") && got.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(n @ 1..) => got.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    got
}

/// `pidone --probe url`, with the variables `env`: its exit code, its stderr, and how long it took.
fn probe(url: &str, env: &[(&str, &str)]) -> (i32, String, Duration) {
    let mut cmd = as_init(&["--probe", url]);
    cmd.envs(env.iter().copied());
    let (done, took) = timed(cmd);
    assert_eq!(done.stdout, "", "{url}");
    (done.code(), done.stderr, took)
}

fn said(url: &str, why: &str) -> String {
    format!("pidone: probe {url}: {why}\n")
}

#[test]
fn tcp_is_up_when_the_port_takes_a_connection() {
    let (port, _) = serve(false, Answer::HangUp);
    let url = format!("tcp://127.0.0.1:{port}");
    assert_eq!(probe(&url, &[]).0, 0);
    // A port nobody listens on (tcpmux's: a port of its own, no test's listener can be given it).
    let url = "tcp://127.0.0.1:1".to_owned();
    let (code, stderr, _) = probe(&url, &[]);
    assert_eq!((code, stderr), (1, said(&url, "Connection refused")));
}

#[test]
fn http_is_up_for_2xx_and_3xx_only() {
    for (status, code) in [(200, 0), (204, 0), (301, 0), (302, 0), (404, 1), (500, 1), (503, 1)] {
        let (port, request) = serve(false, Answer::Status(status));
        let url = format!("http://127.0.0.1:{port}/healthz?full=1#top");
        let (got, stderr, _) = probe(&url, &[]);
        assert_eq!(got, code, "{status}: {stderr}");
        let want = if code == 0 { String::new() } else { said(&url, &format!("status {status}")) };
        assert_eq!(stderr, want, "{status}");
        let sent = String::from_utf8(request.recv_timeout(DEADLINE).unwrap()).unwrap();
        let agent = env!("CARGO_PKG_VERSION");
        assert_eq!(
            sent,
            format!(
                "GET /healthz?full=1 HTTP/1.1\r\nUser-Agent: pidone/{agent}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            )
        );
    }
}

#[test]
fn ipv6_literals_and_localhost() {
    let (port, request) = serve(true, Answer::Status(200));
    assert_eq!(probe(&format!("http://[::1]:{port}"), &[]).0, 0);
    let sent = String::from_utf8(request.recv_timeout(DEADLINE).unwrap()).unwrap();
    assert!(sent.starts_with("GET / HTTP/1.1\r\n") && sent.contains(&format!("\r\nHost: [::1]:{port}\r\n")), "{sent}");
    let (port, _) = serve(false, Answer::HangUp);
    assert_eq!(probe(&format!("tcp://localhost:{port}/"), &[]).0, 0);
    let (port, request) = serve(false, Answer::Status(200));
    assert_eq!(probe(&format!("http://localhost:{port}?ready"), &[]).0, 0);
    let sent = String::from_utf8(request.recv_timeout(DEADLINE).unwrap()).unwrap();
    assert!(
        sent.starts_with("GET /?ready HTTP/1.1\r\n") && sent.contains(&format!("\r\nHost: localhost:{port}\r\n")),
        "{sent}"
    );
}

/// One deadline bounds the whole probe: a server that accepts and says nothing, or says a byte a second,
/// ends it in time; PIDONE_PROBE_TIMEOUT sets it, 5 s by default.
#[test]
fn a_server_that_never_answers_or_trickles_ends_in_time() {
    for (answer, timeout) in [(Answer::Nothing, "1"), (Answer::Trickle, "2.5"), (Answer::Nothing, "")] {
        let (port, _) = serve(false, answer);
        let url = format!("http://127.0.0.1:{port}/");
        let env: &[(&str, &str)] = if timeout.is_empty() { &[] } else { &[("PIDONE_PROBE_TIMEOUT", timeout)] };
        let (code, stderr, took) = probe(&url, env);
        assert_eq!((code, stderr), (1, said(&url, "timed out (PIDONE_PROBE_TIMEOUT)")), "{timeout:?}");
        let seconds: f64 = if timeout.is_empty() { 5.0 } else { timeout.parse().unwrap() };
        let expected = Duration::from_secs_f64(seconds)..Duration::from_secs_f64(seconds + 2.0);
        assert!(expected.contains(&took), "{timeout:?}: took {took:?}");
    }
}

#[test]
fn garbage_or_a_hang_up_is_down() {
    for (answer, why) in [(Answer::Garbage, "not HTTP"), (Answer::HangUp, "closed before a status line")] {
        let (port, _) = serve(false, answer);
        let url = format!("http://127.0.0.1:{port}/");
        let (code, stderr, _) = probe(&url, &[]);
        assert_eq!((code, stderr), (1, said(&url, why)), "{why}");
    }
}

#[test]
fn urls_it_does_not_take_are_one_line_and_exit_1() {
    for url in [
        "https://127.0.0.1/",
        "ftp://127.0.0.1/",
        "127.0.0.1:80",
        "tcp://127.0.0.1",
        "tcp://127.0.0.1:22/path",
        "http://example.com/",
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1/a b",
        "",
    ] {
        let start = Instant::now();
        let (code, stderr, _) = probe(url, &[]);
        assert_eq!((code, stderr), (1, said(url, "bad URL (pidone -h)")), "{url:?}");
        assert!(start.elapsed() < Duration::from_secs(5), "{url:?}");
    }
    // A probe runs no program.
    let done = run(as_init(&["--probe", "tcp://127.0.0.1:1", "--", "/bin/true"]));
    assert_eq!(done.code(), 1);
    assert!(done.stderr.starts_with("pidone: probe mode (--probe) runs no program\n"), "{}", done.stderr);
}
