//! Request heads are checked before actix-http parses them, so that a refusal is a problem+json like every
//! other (SPEC §15). actix-http answers a head over 128 KiB with a bare 431 and a request-target over 64 KiB
//! (more than `http::Uri` holds) with a bare 400, before any application code runs, and passes everything
//! smaller on; neither limit can be configured.
//!
//! So every connection is read through a [`Guarded`] stream. It frames the requests on the connection with
//! actix-http's own decoder, exactly as the server will, holds each head back until it is complete, and lets
//! the server read only what passed: a head over [`MAX_HEAD`], a request-target over [`MAX_TARGET`] or a
//! head that is not HTTP is replaced by a small stand-in request that carries a marker the conventions
//! middleware answers with the problem (431, 414 or 400). The rest of the connection is read and dropped, and
//! the stand-in asks for the connection to be closed after the answer.

use std::io;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use actix_codec::{AsyncRead, AsyncWrite, Decoder, ReadBuf};
use actix_http::ServiceConfig;
use actix_http::error::ParseError;
use actix_http::h1::{Codec, Message, MessageType};
use actix_web::http::header::{HeaderMap, HeaderName};
use actix_web::web::BytesMut;

use crate::error::ApiError;

/// The largest request head (request line and headers) the service reads.
pub const MAX_HEAD: usize = 32 * 1024;
/// The longest request-target (path and query) the service reads.
pub const MAX_TARGET: usize = 8 * 1024;

/// The header of a stand-in request: the process's marker and the status of the refusal.
const REFUSED: HeaderName = HeaderName::from_static("x-gebiedscyclus-refused-head");

/// A secret of this process, so that a client cannot send a stand-in's marker itself.
fn marker() -> &'static str {
    static MARKER: OnceLock<String> = OnceLock::new();
    MARKER.get_or_init(|| format!("{:032x}", rand::random::<u128>()))
}

/// The refusal a stand-in request stands for, if `headers` are a stand-in's.
pub fn refusal(headers: &HeaderMap) -> Option<ApiError> {
    let value = headers.get(&REFUSED)?.to_str().ok()?;
    let (marker_sent, status) = value.split_once(' ')?;
    if marker_sent != marker() {
        return None;
    }
    Some(match status {
        "414" => ApiError::UriTooLong(format!(
            "The path and query of the request are longer than {} KiB; the service reads none that long.",
            MAX_TARGET / 1024
        )),
        "431" => ApiError::HeadersTooLarge(format!(
            "The request line and headers are larger than {} KiB together.",
            MAX_HEAD / 1024
        )),
        _ => ApiError::invalid_one("request", "malformed_request", "the request is not valid HTTP/1.1"),
    })
}

enum State {
    /// Framing requests and checking their heads.
    Checking,
    /// After what the server must see as it is (a broken body, an upgrade, the end of the input).
    Passing,
    /// After a stand-in: the rest of the input is read and dropped.
    Refused,
}

/// A connection whose request heads are checked before the server reads them.
pub struct Guarded<IO> {
    io: IO,
    /// Frames the input as the server's own decoder will.
    framing: Codec,
    /// Read from the client, not framed yet.
    pending: BytesMut,
    /// Framed and checked, for the server to read.
    ready: BytesMut,
    in_body: bool,
    state: State,
}

impl<IO> Guarded<IO> {
    /// `config` is shared by the connections of a worker (it keeps a clock that ticks in a task of its own).
    pub fn new(io: IO, config: ServiceConfig) -> Self {
        Guarded {
            io,
            framing: Codec::new(config),
            pending: BytesMut::new(),
            ready: BytesMut::new(),
            in_body: false,
            state: State::Checking,
        }
    }

    /// Frames what is pending: complete heads within the limits and body bytes move to `ready`.
    fn frame(&mut self) {
        while !self.pending.is_empty() {
            let mut probe = self.pending.clone();
            let decoded = self.framing.decode(&mut probe);
            let used = self.pending.len() - probe.len();
            match decoded {
                Ok(Some(Message::Item(_))) => {
                    if let Some(status) = self.over_limit(used) {
                        return self.refuse(status);
                    }
                    self.in_body = self.framing.message_type() != MessageType::None;
                    self.release(used);
                }
                Ok(Some(Message::Chunk(chunk))) => {
                    self.in_body = chunk.is_some();
                    self.release(used);
                }
                // An unfinished head that is already over a limit is refused without waiting for the rest.
                Ok(None) => {
                    self.release(used);
                    if !self.in_body
                        && let Some(status) = self.over_limit(self.pending.len())
                    {
                        self.refuse(status);
                    }
                    return;
                }
                Err(e) if !self.in_body => {
                    let status = match e {
                        ParseError::TooLarge | ParseError::Uri(_) => self.over_limit(self.pending.len()),
                        _ => None,
                    };
                    return self.refuse(status.unwrap_or(400));
                }
                // A broken body is the server's to answer, inside the request it belongs to.
                Err(_) => return self.pass(),
            }
        }
    }

    /// The status of a refusal when the head at the start of `pending`, `length` bytes long as far as it is
    /// known, is over a limit: 414 when its request-target is (also when the line is not complete yet), else 431.
    fn over_limit(&self, length: usize) -> Option<u16> {
        if request_line(&self.pending).is_some_and(|(_, target)| target.len() > MAX_TARGET) {
            Some(414)
        } else if length > MAX_HEAD {
            Some(431)
        } else {
            None
        }
    }

    fn release(&mut self, used: usize) {
        let framed = self.pending.split_to(used);
        self.ready.extend_from_slice(&framed);
    }

    fn pass(&mut self) {
        let rest = self.pending.split();
        self.ready.extend_from_slice(&rest);
        self.state = State::Passing;
    }

    /// Hands the server a stand-in for the pending request, which it answers with the problem for `status`.
    fn refuse(&mut self, status: u16) {
        let (method, path) = match request_line(&self.pending) {
            Some((method, target)) => (method, target.split('?').next().unwrap_or("/")),
            None => ("GET", "/"),
        };
        let method = if is_token(method) { method } else { "GET" };
        let path = if path.starts_with('/') && path.len() <= 1024 && path.bytes().all(|b| b.is_ascii_graphic()) {
            path
        } else {
            "/"
        };
        let stand_in = format!(
            "{method} {path} HTTP/1.1\r\nhost: refused\r\nconnection: close\r\n{REFUSED}: {} {status}\r\n\r\n",
            marker()
        );
        self.ready.extend_from_slice(stand_in.as_bytes());
        self.pending = BytesMut::new();
        self.state = State::Refused;
    }
}

/// The method and request-target of the head at the start of `buffer`, as far as it has arrived.
fn request_line(buffer: &[u8]) -> Option<(&str, &str)> {
    let end = buffer.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(buffer.len());
    let line = std::str::from_utf8(&buffer[..end]).ok()?;
    let mut parts = line.splitn(3, ' ');
    Some((parts.next()?, parts.next()?))
}

fn is_token(method: &str) -> bool {
    !method.is_empty() && method.len() <= 16 && method.bytes().all(|b| b.is_ascii_uppercase())
}

impl<IO: AsyncRead + Unpin> AsyncRead for Guarded<IO> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if !this.ready.is_empty() {
                let n = this.ready.len().min(buf.remaining());
                buf.put_slice(&this.ready.split_to(n));
                return Poll::Ready(Ok(()));
            }
            if matches!(this.state, State::Passing) {
                return Pin::new(&mut this.io).poll_read(cx, buf);
            }
            let mut chunk = [0u8; 8192];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.io).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    // The end of the input: what is left is the server's to judge (an unfinished head, say).
                    if matches!(this.state, State::Checking) && !this.pending.is_empty() {
                        this.pass();
                        continue;
                    }
                    return Poll::Ready(Ok(()));
                }
                Poll::Ready(Ok(())) => match this.state {
                    State::Checking => {
                        this.pending.extend_from_slice(read.filled());
                        this.frame();
                    }
                    // Read on, so the client can finish sending and then read the answer.
                    State::Refused | State::Passing => {}
                },
            }
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Guarded<IO> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` through a guard in pieces of `piece` bytes and returns what the server would read.
    fn through(input: &[u8], piece: usize) -> String {
        let mut guard = Guarded::new((), ServiceConfig::default());
        for part in input.chunks(piece) {
            if !matches!(guard.state, State::Checking) {
                break;
            }
            guard.pending.extend_from_slice(part);
            guard.frame();
        }
        String::from_utf8_lossy(&guard.ready).into_owned()
    }

    // The decoder's configuration needs the runtime of a server worker.
    #[actix_web::test]
    async fn requests_within_the_limits_pass_unchanged_whole_and_in_pieces() {
        let input = b"GET /api/v1/areas?pageSize=1 HTTP/1.1\r\nHost: x\r\n\r\n\
                      POST /api/v1/areas HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhallo\
                      POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n\
                      GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        for piece in [1, 7, 64, input.len()] {
            assert_eq!(through(input, piece), String::from_utf8_lossy(input), "in pieces of {piece}");
        }
    }

    #[actix_web::test]
    async fn a_long_target_or_a_large_head_becomes_a_stand_in_after_the_requests_before_it() {
        let first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
        let long = format!("{first}GET /api/v1/areas?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(MAX_TARGET));
        let read = through(long.as_bytes(), 1000);
        assert!(read.starts_with(first));
        assert!(read[first.len()..].starts_with("GET /api/v1/areas HTTP/1.1\r\n"), "{read}");
        let mut headers = HeaderMap::new();
        headers.insert(REFUSED, format!("{} 414", marker()).parse().unwrap());
        assert!(matches!(refusal(&headers), Some(ApiError::UriTooLong(_))));

        let large = format!("GET /b HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n", "b".repeat(MAX_HEAD));
        assert!(through(large.as_bytes(), 4096).contains(&format!("{} 431", marker())));
        let endless = format!("GET /b HTTP/1.1\r\nX-Padding: {}", "b".repeat(4 * MAX_HEAD));
        assert!(through(endless.as_bytes(), 4096).contains(" 431\r\n"), "refused before the head is complete");
        let endless = format!("GET /b?q={}", "a".repeat(4 * MAX_HEAD));
        assert!(through(endless.as_bytes(), 4096).contains(" 414\r\n"), "a long line is a long target");
        assert!(through(b"\x16\x03\x01 not http\r\n\r\n", 64).contains(" 400\r\n"));
    }

    #[test]
    fn a_marker_without_the_secret_is_only_a_header() {
        let mut headers = HeaderMap::new();
        headers.insert(REFUSED, "0000 431".parse().unwrap());
        assert!(refusal(&headers).is_none());
    }
}
