//! A real HTTP/1.1 server on loopback for tests of code that sends requests (the SDK's own
//! example-driven tests use it): it answers every request with what a handler returns and
//! records what it received. Blocking, a thread per connection, keep-alive, `Content-Length`
//! and chunked request bodies. Enabled by the `testing` feature; not for production use.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// A request as the server received it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// Header names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Headers besides `Content-Length`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: &crate::Value) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A reply without a body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// A server on `127.0.0.1` and a port of its own, until dropped.
pub struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server that answers every request with `handler`'s reply.
    pub fn start(
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let handler: Arc<Handler> = Arc::new(handler);
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (received, connections, stop) =
                (received.clone(), connections.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (handler, received) = (handler.clone(), received.clone());
                    thread::spawn(move || {
                        let _ = serve(stream, &*handler, &received);
                    });
                }
            });
        }
        Ok(Self {
            addr,
            received,
            connections,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Removes and returns the requests received so far.
    pub fn take_received(&self) -> Vec<Received> {
        std::mem::take(&mut *self.received.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    // A client that stops mid-request does not keep the thread forever.
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            read_chunked(&mut reader)?
        } else {
            let length: usize = header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            body
        };
        let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let request = Received {
            method,
            target,
            headers,
            body,
        };
        let reply = handler(&request);
        log.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        for (name, value) in &reply.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        // 1xx, 204 and 304 responses have no body (RFC 9110): one sent anyway would be read as
        // the start of the next response on this connection.
        let body: &[u8] = if matches!(reply.status, 100..=199 | 204 | 304) {
            out.push_str("\r\n");
            &[]
        } else {
            out.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
            &reply.body
        };
        // One write (and no Nagle delay): a head and a body written apart wait for the
        // client's delayed ACK, 40 ms a request.
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(body);
        writer.write_all(&bytes)?;
        writer.flush()?;
        if close {
            return Ok(());
        }
    }
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if size == 0 {
            let mut end = String::new();
            reader.read_line(&mut end)?;
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

pub use graph_rt_core::protocol::{
    Output, RequestInput, RequestOutcome, RoundtripInput, RoundtripOutcome, Sent,
};

/// Where a 3xx reply of a case sends the client.
const REDIRECT_TARGET: &str = "/__redirected";

/// Sends cases built by a dispatch function through a real [`Client`](crate::Client) to a
/// [`Server`] on loopback that answers with each case's reply.
pub struct Runner {
    server: Server,
    reply: Arc<Mutex<RequestInput>>,
    client: crate::Client,
    runtime: tokio::runtime::Runtime,
}

impl Runner {
    /// Starts the server, the client and a single-threaded runtime.
    pub fn new() -> Result<Self, String> {
        let reply: Arc<Mutex<RequestInput>> = Arc::default();
        let current = reply.clone();
        let server = Server::start(move |request| {
            let case = current.lock().unwrap_or_else(PoisonError::into_inner);
            let body = |status| match &case.reply {
                Some(value) => Reply::json(status, value),
                None => Reply::empty(status),
            };
            if request.target == REDIRECT_TARGET {
                return body(200);
            }
            if (300..400).contains(&case.status) {
                return Reply {
                    status: case.status,
                    headers: vec![("Location".into(), REDIRECT_TARGET.into())],
                    body: Vec::new(),
                };
            }
            body(case.status)
        })
        .map_err(|e| format!("starting the loopback server: {e}"))?;
        let client = crate::Client::builder(crate::StaticToken::new("test-token"))
            .root(&server.url())
            .allow_http(true)
            .retry(crate::RetryPolicy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("starting the runtime: {e}"))?;
        Ok(Self {
            server,
            reply,
            client,
            runtime,
        })
    }

    /// Builds the case's request with `dispatch`, sends it and reads the response. `Err` when
    /// the route is unknown, the arguments do not fit, or nothing reached the server.
    pub fn run(
        &self,
        case: &RequestInput,
        dispatch: impl FnOnce(
            &str,
            &mut crate::CallArgs,
        ) -> Option<Result<crate::ErasedRequest, crate::Error>>,
    ) -> Result<Sent, String> {
        let mut args = crate::CallArgs::new(case.args.clone(), case.body.clone());
        let erased = match dispatch(&case.route, &mut args) {
            None => return Err(format!("no builder for `{}` in this build", case.route)),
            Some(Err(error)) => return Err(format!("building `{}`: {error}", case.route)),
            Some(Ok(erased)) => erased,
        };
        if !args.is_spent() {
            return Err(format!("`{}` did not take every argument", case.route));
        }
        let mut request = erased.request.clone();
        for (name, value) in &case.query {
            request = request.query(name, value);
        }
        *self.reply.lock().unwrap_or_else(PoisonError::into_inner) = case.clone();
        self.server.take_received();
        let result = self.runtime.block_on(self.client.send_raw(&request));
        let received = self.server.take_received();
        let Some(first) = received.into_iter().next() else {
            return Err(match result {
                Err(error) => format!("not sent: {error}"),
                Ok(_) => "not sent".into(),
            });
        };
        let body = if first.body.is_empty() {
            None
        } else {
            Some(
                serde_json::from_slice(&first.body)
                    .map_err(|e| format!("the body sent is not JSON: {e}"))?,
            )
        };
        let response = match result {
            Ok(raw) => erased.decode_json(raw).map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        Ok(Sent {
            method: first.method,
            target: first.target,
            body,
            response,
            decoded_by: erased.decoded_by.to_owned(),
        })
    }
}

/// The `requests` example of the dispatch crate: reads a JSON-lines file of
/// [`RequestInput`]s, runs each with `dispatch(version, route, args)` and prints an [`Output`]
/// of [`RequestOutcome`] for each. Exits 2 when the file cannot be read.
pub fn main_requests(
    dispatch: impl Fn(
        &str,
        &str,
        &mut crate::CallArgs,
    ) -> Option<Result<crate::ErasedRequest, crate::Error>>,
) {
    let runner = match Runner::new() {
        Ok(runner) => runner,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    run_lines("requests CASES.jsonl", |line| {
        let input: RequestInput = serde_json::from_str(line).map_err(|e| e.to_string())?;
        // A panic is a bug of the SDK: reported for this case, the others still run.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runner.run(&input, |route, args| dispatch(&input.version, route, args))
        }))
        .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_text(&*panic))));
        let outcome = Output {
            id: input.id,
            outcome: RequestOutcome::from(result),
        };
        serde_json::to_string(&outcome).map_err(|e| e.to_string())
    });
}

/// The `roundtrip` example of the dispatch crate: reads a JSON-lines file of
/// [`RoundtripInput`]s, reads each body as its type and writes it back with
/// `roundtrip(version, type, body)` (a version's `registry::roundtrip`; `None` for an unknown
/// type), and prints an [`Output`] of [`RoundtripOutcome`] for each. With `--strict` after the
/// file, a value that does not match its documented type is an error instead of being kept
/// untyped ([`strict`](crate::strict)). Exits 2 when the file cannot be read.
pub fn main_roundtrip(
    roundtrip: impl Fn(&str, &str, crate::Value) -> Option<Result<crate::Value, crate::Error>>,
) {
    let strict = std::env::args().skip(2).any(|a| a == "--strict");
    run_lines("roundtrip CASES.jsonl [--strict]", |line| {
        let input: RoundtripInput = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let (id, version, type_name) = (input.id, input.version, input.type_name);
        let body = input.body;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let run = || roundtrip(&version, &type_name, body);
            if strict {
                crate::strict(run)
            } else {
                run()
            }
        }));
        let outcome = match result {
            Ok(result) => RoundtripOutcome::of(result),
            Err(panic) => RoundtripOutcome::error(&crate::Error::custom(format!(
                "panicked: {}",
                panic_text(&*panic)
            ))),
        };
        serde_json::to_string(&Output { id, outcome }).map_err(|e| e.to_string())
    });
}

/// Reads the JSON-lines file named by the first argument and prints what `each` makes of each
/// line; a line it cannot read is a usage error (exit 2), as is a missing or unreadable file.
fn run_lines(usage: &str, mut each: impl FnMut(&str) -> Result<String, String>) {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: {usage}");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: reading {path}: {error}");
            std::process::exit(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match each(line) {
            Ok(reply) => {
                if writeln!(out, "{reply}").is_err() {
                    std::process::exit(1);
                }
            }
            Err(error) => {
                eprintln!("error: {path}:{}: {error}", index + 1);
                std::process::exit(2);
            }
        }
    }
    if out.flush().is_err() {
        std::process::exit(1);
    }
}

/// The message of a panic's payload.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_records_over_tcp() {
        let server = Server::start(|r| Reply {
            status: 201,
            headers: vec![],
            body: r.body.clone(),
        })
        .expect("server");
        let mut stream = TcpStream::connect(server.addr()).expect("connect");
        stream
            .write_all(b"POST /v1.0/a%2Fb?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            .expect("write");
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).expect("read");
        assert!(status.starts_with("HTTP/1.1 201"), "{status}");
        let got = server.received();
        assert_eq!(got[0].method, "POST");
        assert_eq!(got[0].target, "/v1.0/a%2Fb?x=1");
        assert_eq!(got[0].body, b"hi");
        assert_eq!(server.connections(), 1);
    }
}
