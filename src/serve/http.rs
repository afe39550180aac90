//! The little HTTP/1.1 that `serve` needs: GET and HEAD of files in the site folder,
//! one request per connection (`Connection: close`), plus a Server-Sent Events stream
//! held open. Hand-written over `std::net` (docs/decisions.md): the server only ever
//! listens on 127.0.0.1, and every piece here is small enough to test on its own.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// The longest request head we read (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// A request line and the one header we look at.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/reps/%E7%8E%8B.html?x=1`).
    pub target: String,
    pub host: Option<String>,
}

/// Read and parse the request head from `stream`. `None`: not HTTP, too long, or the
/// client went away.
pub fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(buf.get(..n)?);
    }
    parse_head(&String::from_utf8_lossy(&head))
}

pub fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let host = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_string());
    Some(Request {
        method,
        target,
        host,
    })
}

/// May a request with this `Host` be answered? Only names of this machine, so a web
/// page elsewhere cannot read the site through a DNS name rebound to 127.0.0.1.
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        // HTTP/1.0 clients may leave it out.
        return true;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

/// Percent-decode `s` (`%E7%8E%8B` → 王); `None` for a bad escape or bytes that are
/// not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file a request target names inside the site, as a relative path: the query and
/// fragment dropped, percent-decoded, `index.html` for a folder. `None` for anything
/// that could leave the site or that we never serve: `..`, `.` parts, hidden files
/// (the site marker), backslashes, NUL, an absolute-form target.
pub fn site_path(target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = path.strip_prefix('/')?;
    let decoded = percent_decode(path)?;
    let mut rel = PathBuf::new();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        if part.starts_with('.') || part.contains(['\\', '\0']) {
            return None;
        }
        rel.push(part);
    }
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        rel.push("index.html");
    }
    Some(rel)
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Put `snippet` before the last `</body>` of a page (at the end if it has none).
pub fn inject(mut html: Vec<u8>, snippet: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, snippet.bytes());
    html
}

/// Write a whole response and close.
pub fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if !head_only {
        out.extend_from_slice(body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/"), Some(PathBuf::from("index.html")));
        assert_eq!(site_path("/?x=1"), Some(PathBuf::from("index.html")));
        assert_eq!(
            site_path("/clients/a.html#top"),
            Some(PathBuf::from("clients/a.html"))
        );
        assert_eq!(
            site_path("/reps/%E7%8E%8B%E7%A3%8A.html"),
            Some(PathBuf::from("reps/王磊.html"))
        );
        assert_eq!(site_path("/reps/"), Some(PathBuf::from("reps/index.html")));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2E%2E/x",
            "/.touchbase-site",
            "/a%5c..%5cb",
            "/a%00b",
            "/%ff.html",
            "/%e",
            "http://example.com/",
            "*",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn heads_and_hosts() {
        let r = parse_head("GET /a HTTP/1.1\r\nhost: localhost:8\r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/a");
        assert!(host_allowed(r.host.as_deref()));
        assert!(parse_head("GET /a\r\n\r\n").is_none());
        assert!(host_allowed(Some("127.0.0.1:1111")));
        assert!(host_allowed(Some("[::1]:1")));
        assert!(!host_allowed(Some("evil.example:1111")));
        assert!(!host_allowed(Some("127.0.0.1.evil.example")));
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let html = b"<body><p>x</p></body>\n</html>".to_vec();
        let out = inject(html, "<script></script>");
        assert_eq!(out, b"<body><p>x</p><script></script></body>\n</html>");
        assert_eq!(inject(b"<p>".to_vec(), "S"), b"<p>S");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a.svg")), "image/svg+xml");
        assert_eq!(
            content_type(Path::new("reps/a.ics")),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
    }
}
