//! Fetching a page to import, safely: `http`/`https` only, no credentials
//! (none in the address, no cookies, no proxy), at most [`MAX_REDIRECTS`]
//! redirects, each followed by hand so that its address is checked, at
//! most [`MAX_PAGE_BYTES`] read whatever the server declares, HTML content
//! types only, all within one timeout. Every address a host resolves to is
//! checked when connecting ([`PublicOnly`]), at every hop, so neither a
//! host name for 127.0.0.1 nor a redirect to a private address gets
//! through, unless `[import] allow_private_addresses` is set.
//!
//! Errors name the address (as the moderator typed it, or the redirect's)
//! and never carry the page's bytes.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::address::non_public;
use super::ImportConfig;

/// Redirects followed, at most.
pub const MAX_REDIRECTS: usize = 5;
/// The most bytes of a page read (2 MiB).
pub use super::MAX_PAGE_BYTES;

/// A fetched page: where it ended up, its bytes and its declared charset.
#[derive(Debug, Clone)]
pub struct Page {
    /// The address after redirects.
    pub url: Url,
    pub bytes: Vec<u8>,
    /// The `charset` of its Content-Type, if any.
    pub charset: Option<String>,
}

/// Why a page was not fetched: one sentence, naming the address.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0:?} is not a web address (it should start with https://)")]
    NotAUrl(String),
    #[error("{0} is not an http or https address; only web pages can be imported")]
    Scheme(String),
    #[error("{0} carries a user name or password; import the public page, without credentials")]
    Credentials(String),
    #[error("{url} is {why} ({ip}); importing from it is refused (set [import] allow_private_addresses = true for an intranet)")]
    NotPublic {
        url: String,
        ip: IpAddr,
        why: &'static str,
    },
    #[error("the host of {0} could not be found")]
    UnknownHost(String),
    #[error("cannot connect to {0}")]
    Connect(String),
    #[error("{0} did not answer within {1}")]
    TimedOut(String, String),
    #[error("{0} redirects in a loop")]
    RedirectLoop(String),
    #[error("{0} redirects more than {MAX_REDIRECTS} times")]
    TooManyRedirects(String),
    #[error("{0} redirects without saying where to")]
    BadRedirect(String),
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} is not an HTML page (its content type is {content_type})")]
    NotHtml { url: String, content_type: String },
    #[error("{url} is over the limit of 2 MiB ({MAX_PAGE_BYTES} bytes)")]
    TooLarge { url: String },
    #[error("the connection to {0} broke")]
    Broken(String),
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

/// Which non-public addresses may be connected to.
#[derive(Debug, Clone, Copy)]
struct Allow {
    /// Every one (`[import] allow_private_addresses`).
    private: bool,
    /// Loopback only (the unit tests, which serve from 127.0.0.1 and check
    /// that other private addresses are refused).
    loopback: bool,
}

impl Allow {
    fn of(config: &ImportConfig) -> Allow {
        Allow {
            private: config.allow_private_addresses,
            loopback: false,
        }
    }

    /// Why `ip` may not be connected to, if it may not.
    fn refuses(self, ip: IpAddr) -> Option<&'static str> {
        let why = non_public(ip)?;
        let loopback = match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => v6.is_loopback(),
        };
        (!(self.private || (self.loopback && loopback))).then_some(why)
    }
}

/// Fetches `address` under the rules above.
pub async fn fetch_page(address: &str, config: &ImportConfig) -> Result<Page, FetchError> {
    fetch_with(address, config.timeout(), Allow::of(config)).await
}

async fn fetch_with(address: &str, timeout: Duration, allow: Allow) -> Result<Page, FetchError> {
    let start = parse(address.trim())?;
    let shown = start.to_string();
    match tokio::time::timeout(timeout, follow(start, timeout, allow)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::TimedOut(shown, describe(timeout))),
    }
}

/// "10 seconds", "300 ms".
fn describe(d: Duration) -> String {
    if d.as_millis() < 1000 || d.subsec_millis() != 0 {
        format!("{} ms", d.as_millis())
    } else {
        let s = d.as_secs();
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    }
}

/// Parses and checks an address the moderator gave.
pub fn parse(address: &str) -> Result<Url, FetchError> {
    let url = Url::parse(address).map_err(|_| FetchError::NotAUrl(address.to_string()))?;
    check_url(&url)?;
    Ok(url)
}

/// The rules an address must meet before it is requested (the ones that
/// need no name resolution; the resolver checks the rest).
fn check_url(url: &Url) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme(url.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::Credentials(redact_credentials(url)));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::NotAUrl(url.to_string()));
    }
    Ok(())
}

fn redact_credentials(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Checks a literal IP host; host names are checked by [`PublicOnly`].
fn check_literal(url: &Url, allow: Allow) -> Result<(), FetchError> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    match allow.refuses(ip) {
        Some(why) => Err(FetchError::NotPublic {
            url: url.to_string(),
            ip,
            why,
        }),
        None => Ok(()),
    }
}

/// The client: no redirects of its own, no proxy, no cookies, no referer,
/// our resolver.
fn client(timeout: Duration, allow: Allow) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .referer(false)
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!(
            "infusion-faq/",
            env!("CARGO_PKG_VERSION"),
            " (article import)"
        ))
        .dns_resolver(Arc::new(PublicOnly { allow }))
        .build()
        .map_err(|err| FetchError::Client(err.to_string()))
}

async fn follow(start: Url, timeout: Duration, allow: Allow) -> Result<Page, FetchError> {
    let client = client(timeout, allow)?;
    let request_error = |url: &str, err: &reqwest::Error| request_error(url, err, timeout);
    let mut url = start;
    let mut seen: Vec<Url> = Vec::new();
    loop {
        check_url(&url)?;
        check_literal(&url, allow)?;
        let shown = url.to_string();
        let mut response = client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .map_err(|err| request_error(&shown, &err))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| url.join(v).ok())
                .ok_or_else(|| FetchError::BadRedirect(shown.clone()))?;
            seen.push(url);
            if seen.contains(&location) {
                return Err(FetchError::RedirectLoop(seen[0].to_string()));
            }
            if seen.len() > MAX_REDIRECTS {
                return Err(FetchError::TooManyRedirects(seen[0].to_string()));
            }
            url = location;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: shown,
                status: status.as_u16(),
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let (mime, charset) = split_content_type(&content_type);
        if !matches!(mime.as_str(), "text/html" | "application/xhtml+xml") {
            return Err(FetchError::NotHtml {
                url: shown,
                content_type: if content_type.is_empty() {
                    "not given".to_string()
                } else {
                    format!("{:?}", crate::cli::plain::printable(&mime))
                },
            });
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
        {
            return Err(FetchError::TooLarge { url: shown });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| request_error(&shown, &err))?
        {
            if bytes.len() + chunk.len() > MAX_PAGE_BYTES {
                return Err(FetchError::TooLarge { url: shown });
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Page {
            url,
            bytes,
            charset,
        });
    }
}

/// `text/html; charset=UTF-8` → ("text/html", Some("utf-8")).
fn split_content_type(value: &str) -> (String, Option<String>) {
    let mut parts = value.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("charset"))
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    });
    (mime, charset)
}

/// A request error as one sentence; a refusal by [`PublicOnly`] is found
/// in the error's chain.
fn request_error(url: &str, err: &reqwest::Error, timeout: Duration) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return match refused {
                Refused::NotPublic { ip, why } => FetchError::NotPublic {
                    url: url.to_string(),
                    ip: *ip,
                    why,
                },
                Refused::Unknown => FetchError::UnknownHost(url.to_string()),
            };
        }
        source = cause.source();
    }
    if err.is_timeout() {
        FetchError::TimedOut(url.to_string(), describe(timeout))
    } else if err.is_connect() {
        FetchError::Connect(url.to_string())
    } else {
        FetchError::Broken(url.to_string())
    }
}

/// Why the resolver refused a host.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("{ip} is {why}")]
    NotPublic { ip: IpAddr, why: &'static str },
    #[error("the host name does not resolve")]
    Unknown,
}

/// Resolves host names with the system's resolver and refuses the host
/// when any of its addresses is not public (unless allowed): the check
/// happens where the connection is made, for every hop.
struct PublicOnly {
    allow: Allow,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allow = self.allow;
        Box::pin(async move {
            type BoxError = Box<dyn std::error::Error + Send + Sync>;
            let resolved =
                tokio::task::spawn_blocking(move || (host.as_str(), 0).to_socket_addrs())
                    .await
                    .map_err(|err| Box::new(err) as BoxError)?;
            let addrs: Vec<SocketAddr> = match resolved {
                Ok(addrs) => addrs.collect(),
                Err(_) => return Err(Box::new(Refused::Unknown) as BoxError),
            };
            match checked(addrs, allow) {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs),
                Err(refused) => Err(Box::new(refused) as BoxError),
            }
        })
    }
}

/// The addresses, if every one may be connected to.
fn checked(addrs: Vec<SocketAddr>, allow: Allow) -> Result<Vec<SocketAddr>, Refused> {
    if addrs.is_empty() {
        return Err(Refused::Unknown);
    }
    if let Some((ip, why)) = addrs
        .iter()
        .find_map(|a| allow.refuses(a.ip()).map(|why| (a.ip(), why)))
    {
        return Err(Refused::NotPublic { ip, why });
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_and_https_addresses_are_requested() {
        for bad in [
            "ftp://example.org/a",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(matches!(parse(bad), Err(FetchError::Scheme(_))), "{bad}");
        }
        assert!(matches!(parse("not a url"), Err(FetchError::NotAUrl(_))));
        let err = parse("https://user:secret@example.org/a").unwrap_err();
        assert!(matches!(err, FetchError::Credentials(_)));
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(parse("https://example.org/a").is_ok());
    }

    const STRICT: Allow = Allow {
        private: false,
        loopback: false,
    };
    const OPEN: Allow = Allow {
        private: true,
        loopback: false,
    };
    const LOOPBACK: Allow = Allow {
        private: false,
        loopback: true,
    };

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        let (strict, open) = (STRICT, OPEN);
        for url in [
            "http://127.0.0.1/a",
            "http://[::1]/a",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::ffff:192.168.0.1]/",
            "http://0.0.0.0:8080/",
        ] {
            let url = Url::parse(url).unwrap();
            let err = check_literal(&url, strict).unwrap_err();
            assert!(err.to_string().contains("allow_private_addresses"), "{err}");
            assert!(check_literal(&url, open).is_ok());
        }
        let public = Url::parse("http://93.184.216.34/").unwrap();
        assert!(check_literal(&public, strict).is_ok());
    }

    #[test]
    fn a_host_with_any_private_address_is_refused() {
        let public: SocketAddr = "93.184.216.34:0".parse().unwrap();
        let private: SocketAddr = "10.0.0.7:0".parse().unwrap();
        let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
        assert!(checked(vec![public], STRICT).is_ok());
        assert!(matches!(
            checked(vec![public, private], STRICT),
            Err(Refused::NotPublic { .. })
        ));
        assert!(checked(vec![public, private], OPEN).is_ok());
        assert!(checked(vec![loopback], LOOPBACK).is_ok());
        assert!(checked(vec![loopback, private], LOOPBACK).is_err());
        assert!(matches!(checked(vec![], OPEN), Err(Refused::Unknown)));
    }

    #[test]
    fn content_types_are_read_with_their_charset() {
        assert_eq!(
            split_content_type("text/HTML; charset=\"ISO-8859-1\""),
            ("text/html".to_string(), Some("iso-8859-1".to_string()))
        );
        assert_eq!(
            split_content_type("application/pdf"),
            ("application/pdf".to_string(), None)
        );
    }

    /// A server on 127.0.0.1 answering every request with `response`.
    fn serve_once(response: String) -> u16 {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(response.as_bytes());
            }
        });
        port
    }

    #[tokio::test]
    async fn every_redirect_hop_is_checked_before_it_is_requested() {
        // Loopback allowed, other private addresses not: a redirect from
        // 127.0.0.1 to one of them is refused without connecting to it.
        for target in [
            "http://10.0.0.1/secret",
            "http://[fd00::1]/",
            "http://169.254.169.254/latest",
        ] {
            let port = serve_once(format!(
                "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ));
            let start = format!("http://127.0.0.1:{port}/moved");
            let err = fetch_with(&start, Duration::from_secs(5), LOOPBACK)
                .await
                .unwrap_err();
            match &err {
                FetchError::NotPublic { url, .. } => assert!(url.starts_with(target), "{err}"),
                other => panic!("{target}: {other}"),
            }
        }
        // And a redirect to another scheme.
        let port = serve_once(
            "HTTP/1.1 301 Moved\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n"
                .to_string(),
        );
        let err = fetch_with(
            &format!("http://127.0.0.1:{port}/"),
            Duration::from_secs(5),
            LOOPBACK,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, FetchError::Scheme(_)), "{err}");
    }

    #[tokio::test]
    async fn a_declared_oversized_body_is_refused_before_it_is_read() {
        let port = serve_once(format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n<p>",
            MAX_PAGE_BYTES + 1
        ));
        let err = fetch_with(
            &format!("http://127.0.0.1:{port}/"),
            Duration::from_secs(5),
            LOOPBACK,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
    }
}
