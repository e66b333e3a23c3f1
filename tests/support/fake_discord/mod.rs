//! A fake Discord on 127.0.0.1 (port 0): the REST API the bot calls (axum)
//! and the gateway WebSocket on the same port. It records every REST call
//! (method, path, JSON body, time), answers as Discord would, and lets a
//! test push gateway events and drop the connection. It also serves the
//! files members "upload" (attachments) like Discord's CDN, without
//! authentication, and records those downloads apart.
//!
//! Waiting is always on events (a watch channel per record), with generous
//! timeouts, never on fixed sleeps.
//!
//! Part of the bot's test support (`tests/support/bot.rs`): it finds the
//! shipped corpus and the vector cache through its sibling `common`.

pub mod app;
pub mod members;
pub mod messages;
pub mod payloads;
pub mod process;
pub mod schema;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};

use payloads::APP_ID;

/// How long a test waits for anything before failing. Generous: a `serve`
/// restarted on a corpus with a 600-section article embeds all of it with
/// the sentence model before it registers (the three-attempt test takes
/// about 40 s alone on 2 cores), while the other bot tests start their own
/// bots and the machine runs other builds (over 120 s seen so, with a cold
/// vector cache). Waits end on the event, so a long deadline costs nothing
/// when all goes well.
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Full path, e.g. `/api/v10/interactions/1/tok/callback`.
    pub path: String,
    pub authorization: Option<String>,
    pub body: Option<Value>,
    /// Files of a multipart request (its `payload_json` is the `body`).
    pub files: Vec<File>,
    pub at: Instant,
}

impl Request {
    /// `"POST /api/v10/…"`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Whether this is the registration of the bot's commands.
    pub fn is_registration(&self) -> bool {
        self.method == "PUT" && self.path.ends_with("/commands")
    }
}

/// A file sent with a message: (file name, bytes).
pub type File = (String, Vec<u8>);

/// A gateway session as the fake saw it open.
#[derive(Debug, Clone)]
pub struct Session {
    /// `"identify"` or `"resume"`.
    pub kind: &'static str,
    /// The payload's `d`.
    pub data: Value,
    /// The session id READY gave out (identify only).
    pub session_id: Option<String>,
    /// The last sequence number sent on this connection so far.
    pub last_seq: u64,
}

enum Outgoing {
    Dispatch { t: String, d: Value },
    Close(u16),
}

#[derive(Default)]
struct Gateway {
    /// The live, identified session's sender.
    current: Option<mpsc::UnboundedSender<Outgoing>>,
    sessions: Vec<Session>,
}

struct Inner {
    token: String,
    ws_url: String,
    heartbeat_ms: u64,
    requests: Mutex<Vec<Request>>,
    requests_changed: watch::Sender<usize>,
    gateway: Mutex<Gateway>,
    gateway_changed: watch::Sender<usize>,
    seq: AtomicU64,
    next_id: AtomicU64,
    commands: Mutex<HashMap<String, u64>>,
    /// One-shot waiters for a call, by "METHOD /path".
    expected: Mutex<HashMap<String, tokio::sync::oneshot::Sender<Request>>>,
    /// Calls to refuse once: (method, path suffix, status).
    failures: Mutex<Vec<(String, String, u16)>>,
    /// Files served under /attachments/{id}/{name}.
    attachments: Mutex<HashMap<u64, Served>>,
    /// Attachment downloads (not REST calls: no token expected).
    downloads: Mutex<Vec<Request>>,
}

/// How the fake CDN serves a file.
#[derive(Debug, Clone)]
pub enum Serve {
    /// As it is.
    Normal,
    /// Never answers (the download must time out).
    Stall,
}

#[derive(Debug, Clone)]
struct Served {
    bytes: Vec<u8>,
    how: Serve,
}

/// The running fake.
pub struct FakeDiscord {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeDiscord {
    /// Starts the fake; REST calls must carry `Bot {token}`.
    pub async fn start(token: &str) -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let inner = Arc::new(Inner {
            token: token.to_string(),
            ws_url: format!("ws://{addr}"),
            heartbeat_ms: 2_000,
            requests: Mutex::new(Vec::new()),
            requests_changed: watch::channel(0).0,
            gateway: Mutex::new(Gateway::default()),
            gateway_changed: watch::channel(0).0,
            seq: AtomicU64::new(0),
            next_id: AtomicU64::new(1_200_000_000_000_000_000),
            commands: Mutex::new(HashMap::new()),
            expected: Mutex::new(HashMap::new()),
            failures: Mutex::new(Vec::new()),
            attachments: Mutex::new(HashMap::new()),
            downloads: Mutex::new(Vec::new()),
        });
        let router = Router::new()
            .route("/", get(gateway))
            .route("/attachments/{id}/{name}", get(attachment))
            .fallback(rest)
            .with_state(Arc::clone(&inner));
        // Like a real server: no Nagle delay on small writes (gateway
        // events are small frames sent back to back).
        let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
            let _ = stream.set_nodelay(true);
        });
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeDiscord {
            addr,
            inner,
            server,
        }
    }

    /// The `api_url` that points the bot here.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A fresh snowflake.
    pub fn id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Serves `bytes` as an uploaded file named `filename` and returns the
    /// attachment object a slash command carries (its declared size is the
    /// real one unless `declared_size` says otherwise).
    pub fn attachment(
        &self,
        filename: &str,
        bytes: &[u8],
        how: Serve,
        declared_size: Option<u64>,
    ) -> Value {
        let id = self.id();
        self.inner.attachments.lock().unwrap().insert(
            id,
            Served {
                bytes: bytes.to_vec(),
                how,
            },
        );
        payloads::attachment(
            id,
            filename,
            declared_size.unwrap_or(bytes.len() as u64),
            &self.url(),
        )
    }

    /// Attachment downloads so far.
    pub fn downloads(&self) -> Vec<Request> {
        self.inner.downloads.lock().unwrap().clone()
    }

    /// Every REST call so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// Waits until `pick` finds something in the calls recorded so far.
    pub async fn wait_for<T>(&self, what: &str, pick: impl Fn(&[Request]) -> Option<T>) -> T {
        let mut changed = self.inner.requests_changed.subscribe();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(found) = pick(&self.inner.requests.lock().unwrap()) {
                return found;
            }
            match tokio::time::timeout_at(deadline, changed.changed()).await {
                Ok(Ok(())) => {}
                _ => panic!(
                    "timed out waiting for {what}; calls so far:\n{}",
                    self.requests()
                        .iter()
                        .map(Request::line)
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    /// Waits for the first call with this method and path.
    pub async fn wait_for_call(&self, method: &str, path: &str) -> Request {
        self.wait_for(&format!("{method} {path}"), |calls| {
            calls
                .iter()
                .find(|r| r.method == method && r.path == path)
                .cloned()
        })
        .await
    }

    /// Waits until the bot registered its commands (poise does it on READY,
    /// once started); returns that call.
    pub async fn wait_for_registration(&self) -> Request {
        self.wait_for("the commands to be registered", |calls| {
            calls.iter().find(|r| r.is_registration()).cloned()
        })
        .await
    }

    /// A receiver for the next call with this method and path (cheaper than
    /// [`Self::wait_for`] when thousands of calls are awaited at once).
    pub fn expect_call(&self, method: &str, path: &str) -> tokio::sync::oneshot::Receiver<Request> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner
            .expected
            .lock()
            .unwrap()
            .insert(format!("{method} {path}"), tx);
        rx
    }

    /// Refuses the next call with this method whose path ends with
    /// `suffix`, with `status` and a Discord error body.
    pub fn fail_next(&self, method: &str, suffix: &str, status: u16) {
        self.inner
            .failures
            .lock()
            .unwrap()
            .push((method.to_string(), suffix.to_string(), status));
    }

    /// The id the bot registered a command under.
    pub fn command_id(&self, name: &str) -> u64 {
        let id = self.inner.commands.lock().unwrap().get(name).copied();
        id.unwrap_or_else(|| panic!("command {name:?} was not registered"))
    }

    /// Gateway sessions opened so far (IDENTIFY or RESUME), in order.
    pub fn sessions(&self) -> Vec<Session> {
        self.inner.gateway.lock().unwrap().sessions.clone()
    }

    /// Waits until at least `n` sessions were opened and one is live.
    pub async fn wait_for_sessions(&self, n: usize) {
        let mut changed = self.inner.gateway_changed.subscribe();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            {
                let gateway = self.inner.gateway.lock().unwrap();
                if gateway.sessions.len() >= n && gateway.current.is_some() {
                    return;
                }
            }
            if tokio::time::timeout_at(deadline, changed.changed())
                .await
                .is_err()
            {
                panic!(
                    "timed out waiting for gateway session {n}; sessions: {:?}",
                    self.sessions()
                );
            }
        }
    }

    /// Sends a dispatch event on the live session; returns when it was sent.
    pub async fn dispatch(&self, t: &str, d: Value) -> Instant {
        self.wait_for_sessions(1).await;
        let sender = self.inner.gateway.lock().unwrap().current.clone();
        let sender = sender.expect("a live gateway session");
        let at = Instant::now();
        sender
            .send(Outgoing::Dispatch {
                t: t.to_string(),
                d,
            })
            .expect("the gateway session is open");
        at
    }

    /// Closes the live session with a close frame (`code`), as Discord does
    /// when it restarts a gateway node.
    pub fn close_gateway(&self, code: u16) {
        let mut gateway = self.inner.gateway.lock().unwrap();
        if let Some(sender) = gateway.current.take() {
            let _ = sender.send(Outgoing::Close(code));
        }
    }
}

async fn gateway(State(inner): State<Arc<Inner>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(socket, inner))
}

async fn send_json(socket: &mut WebSocket, value: &Value) -> bool {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .is_ok()
}

/// One gateway connection: HELLO, then IDENTIFY → READY or RESUME →
/// RESUMED, heartbeats acknowledged, dispatches and closes from the test.
async fn session(mut socket: WebSocket, inner: Arc<Inner>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    if !send_json(
        &mut socket,
        &json!({"op": 10, "d": {"heartbeat_interval": inner.heartbeat_ms}, "s": null, "t": null}),
    )
    .await
    {
        return;
    }
    let mut live = false;
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                match payload["op"].as_u64() {
                    Some(1) if !send_json(&mut socket, &json!({"op": 11, "d": null, "s": null, "t": null})).await => break,
                    Some(2) => {
                        inner.seq.store(0, Ordering::SeqCst);
                        let session_id = format!("session-{}", inner.next_id.fetch_add(1, Ordering::Relaxed));
                        let s = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let ready = json!({"op": 0, "s": s, "t": "READY", "d": payloads::ready(&session_id, &inner.ws_url)});
                        // Recorded before READY goes out: the bot may act
                        // on READY (register its commands) at once.
                        live = true;
                        opened(&inner, &tx, Session {
                            kind: "identify",
                            data: payload["d"].clone(),
                            session_id: Some(session_id),
                            last_seq: s,
                        });
                        if !send_json(&mut socket, &ready).await { break; }
                    }
                    Some(6) => {
                        let s = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let resumed = json!({"op": 0, "s": s, "t": "RESUMED", "d": {}});
                        live = true;
                        opened(&inner, &tx, Session {
                            kind: "resume",
                            data: payload["d"].clone(),
                            session_id: None,
                            last_seq: s,
                        });
                        if !send_json(&mut socket, &resumed).await { break; }
                    }
                    _ => {}
                }
            }
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Dispatch { t, d }) => {
                    let s = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                    if !send_json(&mut socket, &json!({"op": 0, "s": s, "t": t, "d": d})).await {
                        break;
                    }
                    if let Some(session) = inner.gateway.lock().unwrap().sessions.last_mut() {
                        session.last_seq = s;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame { code, reason: "fake restart".into() })))
                        .await;
                    break;
                }
                None => break,
            }
        }
    }
    if live {
        let mut gateway = inner.gateway.lock().unwrap();
        if gateway
            .current
            .as_ref()
            .is_some_and(|current| current.same_channel(&tx))
        {
            gateway.current = None;
        }
    }
}

/// Records `session`, just opened on the connection `tx` sends to, as the
/// live one.
fn opened(inner: &Inner, tx: &mpsc::UnboundedSender<Outgoing>, session: Session) {
    let mut gateway = inner.gateway.lock().unwrap();
    gateway.sessions.push(session);
    gateway.current = Some(tx.clone());
    drop(gateway);
    inner.gateway_changed.send_modify(|n| *n += 1);
}

/// The fake CDN: serves a registered attachment, records the download.
async fn attachment(
    State(inner): State<Arc<Inner>>,
    Path((id, _name)): Path<(u64, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    inner.downloads.lock().unwrap().push(Request {
        method: "GET".to_string(),
        path: uri.path().to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: None,
        files: Vec::new(),
        at: Instant::now(),
    });
    inner.requests_changed.send_modify(|_| {});
    let served = inner.attachments.lock().unwrap().get(&id).cloned();
    match served {
        None => error(StatusCode::NOT_FOUND, 0, "404: Not Found"),
        Some(Served {
            how: Serve::Stall, ..
        }) => {
            std::future::pending::<()>().await;
            StatusCode::OK.into_response()
        }
        Some(Served { bytes, .. }) => bytes.into_response(),
    }
}

/// A multipart body (Discord's for messages with files): `payload_json` as
/// JSON, and the files.
fn multipart(content_type: &str, body: &[u8]) -> Option<(Value, Vec<File>)> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut payload = None;
    let mut files = Vec::new();
    let text = body;
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = text;
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    for part in parts.into_iter().skip(1) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let mut content = &part[split + 4..];
        content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let field = |key: &str| {
            head.split(';')
                .map(str::trim)
                .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
                .map(|v| v.lines().next().unwrap_or(v).trim_matches('"').to_string())
        };
        match (field("name").as_deref(), field("filename")) {
            (Some("payload_json"), _) => payload = serde_json::from_slice(content).ok(),
            (_, Some(filename)) => files.push((filename, content.to_vec())),
            _ => {}
        }
    }
    Some((payload?, files))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn error(status: StatusCode, code: u64, message: &str) -> Response {
    (status, Json(json!({"message": message, "code": code}))).into_response()
}

/// Every REST call: recorded, then answered like Discord.
async fn rest(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut files = Vec::new();
    let body_json: Option<Value> = if body.is_empty() {
        None
    } else if content_type.starts_with("multipart/form-data") {
        match multipart(&content_type, &body) {
            Some((payload, parts)) => {
                files = parts;
                Some(payload)
            }
            None => Some(json!({"<bad multipart>": String::from_utf8_lossy(&body).to_string()})),
        }
    } else {
        Some(
            serde_json::from_slice(&body).unwrap_or_else(
                |_| json!({"<not json>": String::from_utf8_lossy(&body).to_string()}),
            ),
        )
    };
    let path = uri.path().to_string();
    let request = Request {
        method: method.to_string(),
        path: path.clone(),
        authorization: authorization.clone(),
        body: body_json.clone(),
        files,
        at: Instant::now(),
    };
    let response = respond(&inner, &method, &path, authorization.as_deref(), body_json);
    // Recorded once answered, so that what a test reads next (e.g. the
    // registered commands' ids) is already in place.
    if let Some(waiter) = inner.expected.lock().unwrap().remove(&request.line()) {
        let _ = waiter.send(request.clone());
    }
    let mut requests = inner.requests.lock().unwrap();
    requests.push(request);
    let n = requests.len();
    drop(requests);
    inner.requests_changed.send_replace(n);
    response
}

fn respond(
    inner: &Inner,
    method: &Method,
    path: &str,
    authorization: Option<&str>,
    body_json: Option<Value>,
) -> Response {
    let failure = {
        let mut failures = inner.failures.lock().unwrap();
        let at = failures
            .iter()
            .position(|(m, suffix, _)| m == method.as_str() && path.ends_with(suffix.as_str()));
        at.map(|i| failures.remove(i).2)
    };
    if let Some(status) = failure {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return error(status, 0, "fake failure");
    }
    if authorization != Some(format!("Bot {}", inner.token).as_str()) {
        return error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized");
    }
    let body = body_json.unwrap_or(Value::Null);
    let segments: Vec<&str> = path
        .strip_prefix("/api/v10/")
        .unwrap_or("")
        .split('/')
        .collect();
    let new_id = || inner.next_id.fetch_add(1, Ordering::Relaxed);
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Json(json!({"url": inner.ws_url})).into_response(),
        ("GET", ["gateway", "bot"]) => Json(json!({
            "url": inner.ws_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        }))
        .into_response(),
        ("GET", ["users", "@me"]) => Json(payloads::bot_user()).into_response(),
        ("GET", ["oauth2", "applications", "@me"]) => Json(payloads::application()).into_response(),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let guild = segments.get(3).filter(|_| segments.len() == 5).copied();
            let mut out = Vec::new();
            for command in body.as_array().cloned().unwrap_or_default() {
                let name = command["name"].as_str().unwrap_or_default().to_string();
                let id = *inner
                    .commands
                    .lock()
                    .unwrap()
                    .entry(name)
                    .or_insert_with(new_id);
                let mut registered = command.clone();
                registered["id"] = json!(id.to_string());
                registered["application_id"] = json!(APP_ID.to_string());
                registered["version"] = json!(id.to_string());
                if registered.get("type").is_none() {
                    registered["type"] = json!(1);
                }
                if registered.get("description").is_none() {
                    registered["description"] = json!("");
                }
                if let Some(guild) = guild {
                    registered["guild_id"] = json!(guild);
                }
                out.push(registered);
            }
            Json(Value::Array(out)).into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) => {
            Json(payloads::sent_message(new_id(), 1, &body)).into_response()
        }
        ("PATCH", ["webhooks", _, _, "messages", _]) => {
            Json(payloads::sent_message(new_id(), 1, &body)).into_response()
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel = channel.parse().unwrap_or(1);
            Json(payloads::sent_message(new_id(), channel, &body)).into_response()
        }
        _ => error(StatusCode::NOT_FOUND, 0, "404: Not Found"),
    }
}
