//! The Fetch standard's forbidden request-header names, refused by `build()`.

/// The Fetch standard's forbidden request-header names: scripts cannot set
/// them, so allowing them only misleads.
pub(super) fn is_forbidden_request_header(name: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    NAMES.contains(&name) || name.starts_with("proxy-") || name.starts_with("sec-")
}
