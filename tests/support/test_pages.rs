//! Real-shaped web pages for the import tests, served from 127.0.0.1 (port
//! 0) by a plain thread per connection: an article with every kind of
//! furniture, a page with no metadata, a page that is not an article,
//! redirects (one good, a loop, too many), an oversized body, a PDF, and a
//! server that never answers (it holds the connection until the server is
//! dropped: the client's timeout is what ends the wait, not a sleep).
//! Every request's head is recorded, to check what the client sent.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};

/// The article's address as its canonical link states it.
pub const CANONICAL: &str = "https://www.ms-example.org/treatments/briumvi-infusions";
pub const TITLE: &str = "Briumvi (ublituximab) infusions";
pub const PUBLISHER: &str = "MS Example Society";
/// A sentence of the article, verbatim.
pub const DOSING: &str = "The first Briumvi infusion is split into two doses two weeks apart, and after that one infusion is given every 24 weeks.";
pub const DURATION: &str =
    "The first dose takes about four hours; later infusions usually take about one hour.";

/// The article with cookie banner, navigation, breadcrumbs, JSON-LD, share
/// links, a related list, a newsletter box, ads and a footer.
pub fn article_page() -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{TITLE} | {PUBLISHER}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="{PUBLISHER}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2023-09-12T09:30:00+01:00">
<link rel="canonical" href="{CANONICAL}">
<link rel="stylesheet" href="/styles.css">
<style>.cookie-banner {{ position: fixed; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@graph": [
  {{"@type": "Organization", "@id": "https://www.ms-example.org/#org", "name": "{PUBLISHER}"}},
  {{"@type": "MedicalWebPage", "headline": "{TITLE}", "datePublished": "2023-09-12",
    "dateModified": "2025-01-20T10:00:00Z", "lastReviewed": "2024-11-05",
    "publisher": {{"@id": "https://www.ms-example.org/#org"}}}}
]}}
</script>
</head>
<body class="page has-sidebar">
<div id="cookie-consent" class="cookie-banner">
  <p>We use cookies to give you the best experience on our website and to measure how it is used. You can accept all cookies or manage your preferences.</p>
  <button>Accept all</button> <button>Manage preferences</button>
</div>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <a href="/" class="logo">{PUBLISHER}</a>
  <nav class="main-nav"><ul><li><a href="/about">About MS</a></li><li><a href="/treatments">Treatments</a></li><li><a href="/support">Get support</a></li><li><a href="/donate">Donate</a></li></ul></nav>
</header>
<div class="ad-slot" id="top-leaderboard"><p>Advertisement: Try our new symptom tracker app today, free for members of the society.</p></div>
<main id="main">
<nav aria-label="Breadcrumb" class="breadcrumbs"><ol><li><a href="/">Home</a></li><li><a href="/treatments">Treatments</a></li><li>Briumvi</li></ol></nav>
<article class="article">
<h1>{TITLE}</h1>
<div class="share-bar"><a href="https://facebook.com/share">Share on Facebook</a> <a href="https://twitter.com/share">Share on X</a> <a href="mailto:?body=x">Email this page</a></div>
<p>Briumvi (<em>ublituximab</em>) is a disease-modifying therapy for relapsing forms of multiple sclerosis.   It is given as an intravenous infusion at a hospital or an infusion center.</p>
<h2>How Briumvi is given</h2>
<p>{DOSING}</p>
<p>{DURATION}</p>
<p>Before each infusion you are given medicines to lower the chance of an infusion reaction:</p>
<ul>
  <li>an antihistamine, such as diphenhydramine</li>
  <li>a corticosteroid, such as methylprednisolone</li>
</ul>
<aside class="related-content"><h3>Related articles</h3><ul><li><a href="/a">Ocrevus explained</a></li><li><a href="/b">Kesimpta at home</a></li></ul></aside>
<h3>After the infusion</h3>
<p>You are watched for at least one hour after the first two infusions, because infusion reactions are most common then.</p>
<div class="newsletter-signup"><h3>Sign up for our newsletter</h3><p>Get the latest research news and tips for living well with MS straight to your inbox every month.</p><form><input type="email"><button>Subscribe</button></form></div>
<h2>Side effects of Briumvi</h2>
<p>The most common side effects of Briumvi are infusion reactions and infections of the nose, throat and airways.</p>
<p>Tell your care team at once if you have a fever, chills or a cough that will not go away.</p>
<h2>Related articles</h2>
<ul class="card-list"><li><a href="/c">Living with relapsing MS: stories from members</a></li><li><a href="/d">What to ask your neurologist about switching treatments</a></li></ul>
<h2>Article sources</h2>
<ol>
  <li>Steinman L, et al. Ublituximab versus teriflunomide in relapsing multiple sclerosis. N Engl J Med. 2022.</li>
  <li>Briumvi prescribing information. TG Therapeutics; 2022.</li>
</ol>
</article>
</main>
<section class="featured-stories"><h2>Featured</h2><p>Our annual walk raised record funds for research this year, thanks to thousands of volunteers.</p></section>
<footer class="site-footer"><p>© 2025 {PUBLISHER}. Registered charity. All rights reserved.</p><ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
<script src="/analytics.js"></script>
</body>
</html>
"##
    )
}

/// An article with no metadata at all: no meta tags, JSON-LD or canonical link.
pub fn bare_page() -> String {
    r#"<html><head><title>Plasma exchange in MS</title></head><body>
<h1>Plasma exchange in MS</h1>
<p>Plasma exchange removes the liquid part of the blood, which carries the antibodies, and replaces it with a substitute fluid.</p>
<p>It is sometimes used for severe relapses of multiple sclerosis that do not get better with high-dose steroids.</p>
<p>A course is usually five to seven exchanges given over about two weeks, each one taking a few hours.</p>
</body></html>
"#
    .to_string()
}

/// A page that is not an article: an index of links with a search form.
pub fn index_page() -> String {
    let links: String = (1..=30)
        .map(|i| format!("<li><a href=\"/news/{i}\">News story number {i}</a></li>"))
        .collect();
    format!(
        "<html><head><title>News | {PUBLISHER}</title><meta property=\"og:site_name\" content=\"{PUBLISHER}\"></head><body><nav><a href=\"/\">Home</a></nav><form><input name=\"q\"><button>Search</button></form><ul class=\"news-list\">{links}</ul><footer>© {PUBLISHER}</footer></body></html>"
    )
}

/// What a path answers.
#[derive(Clone)]
pub enum Route {
    /// Status, content type, body.
    Page(u16, &'static str, Vec<u8>),
    /// A redirect (302) to this location.
    Redirect(String),
    /// This many bytes of HTML, streamed with no Content-Length.
    Endless(usize),
    /// Accepts, reads the request, never answers.
    Stall,
}

struct Shared {
    routes: Vec<(String, Route)>,
    requests: Mutex<Vec<String>>,
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// The server; stopped when dropped.
pub struct TestPages {
    pub port: u16,
    shared: Arc<Shared>,
}

impl TestPages {
    /// Serves the standard routes, plus `extra`.
    pub fn start(extra: Vec<(String, Route)>) -> TestPages {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let html = "text/html; charset=utf-8";
        let mut routes = vec![
            (
                "/article".to_string(),
                Route::Page(200, html, article_page().into_bytes()),
            ),
            (
                "/bare".to_string(),
                Route::Page(200, html, bare_page().into_bytes()),
            ),
            (
                "/news".to_string(),
                Route::Page(200, html, index_page().into_bytes()),
            ),
            (
                "/moved".to_string(),
                Route::Redirect("/article".to_string()),
            ),
            (
                "/loop-a".to_string(),
                Route::Redirect("/loop-b".to_string()),
            ),
            (
                "/loop-b".to_string(),
                Route::Redirect("/loop-a".to_string()),
            ),
            ("/big".to_string(), Route::Endless(3 * 1024 * 1024)),
            ("/slow".to_string(), Route::Stall),
            (
                "/leaflet.pdf".to_string(),
                Route::Page(200, "application/pdf", b"%PDF-1.4 not html".to_vec()),
            ),
            (
                "/gone".to_string(),
                Route::Page(404, html, b"<p>Not found</p>".to_vec()),
            ),
        ];
        for hop in 0..8 {
            routes.push((
                format!("/hop{hop}"),
                Route::Redirect(format!("/hop{}", hop + 1)),
            ));
        }
        routes.extend(extra);
        let shared = Arc::new(Shared {
            routes,
            requests: Mutex::new(Vec::new()),
            stopped: Mutex::new(false),
            wake: Condvar::new(),
        });
        let server = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if *server.stopped.lock().unwrap() {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let server = Arc::clone(&server);
                std::thread::spawn(move || serve(&server, stream));
            }
        });
        TestPages { port, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The heads of the requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().unwrap().clone()
    }
}

impl Drop for TestPages {
    fn drop(&mut self) {
        *self.shared.stopped.lock().unwrap() = true;
        self.shared.wake.notify_all();
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(shared: &Shared, stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        head.push_str(&line);
    }
    if *shared.stopped.lock().unwrap() {
        return;
    }
    shared.requests.lock().unwrap().push(head.clone());
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_string();
    let route = shared
        .routes
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, r)| r.clone())
        .unwrap_or(Route::Page(404, "text/html", b"<p>Not found</p>".to_vec()));
    let mut stream = stream;
    match route {
        Route::Page(status, content_type, body) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nSet-Cookie: session=abc\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
        Route::Redirect(location) => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Route::Endless(total) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>"
            );
            let chunk = "<p>filler text filler text filler text</p>\n".repeat(256);
            let mut sent = 0;
            while sent < total {
                if stream.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        Route::Stall => {
            let mut stopped = shared.stopped.lock().unwrap();
            while !*stopped {
                stopped = shared.wake.wait(stopped).unwrap();
            }
        }
    }
    let _ = stream.flush();
}
