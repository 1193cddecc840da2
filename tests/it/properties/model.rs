//! The reference model: a slow, obviously correct decision written from
//! the Fetch standard and DESIGN.md, that the properties compare the layer with.

use super::*;
// The kind of request is only a label, the model decides it on its own.
use tower_cors::RequestKind as Kind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    NotCors,
    Allowed { kind: Kind, acao: String },
    OriginNotAllowed(Kind),
    MethodNotAllowed(String),
    HeaderNotAllowed(String),
    Malformed(Kind, Malformed),
}

/// An RFC 9110 token: one or more tchars.
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// `null`, or `scheme://authority` with a valid scheme and an authority of
/// visible ASCII without `/ ? # @ \`.
pub(super) fn model_well_formed(origin: &str) -> bool {
    if origin == "null" {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok
        && !authority.is_empty()
        && authority.chars().all(|c| c.is_ascii_graphic() && !"/?#@\\".contains(c))
}

/// Splits `host[:port]`, keeping IPv6 brackets.
pub(super) fn split_port(s: &str) -> (&str, Option<&str>) {
    if s.starts_with('[') {
        if let Some(close) = s.find(']') {
            let rest = &s[close + 1..];
            return (&s[..=close], rest.strip_prefix(':'));
        }
    }
    match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    }
}

/// A port as browsers serialize it: digits, no leading zero, in range, not
/// the scheme's default.
pub(super) fn canonical_port(port: &str, scheme: &str) -> bool {
    let default = if scheme == "https" { 443 } else { 80 };
    !port.starts_with('0')
        && port.chars().all(|c| c.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|n| n != default)
}

/// A host label as browsers serialize it.
pub(super) fn canonical_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn model_pattern_matches(pattern: &str, origin: &str) -> bool {
    let (scheme, rest) = pattern.split_once("://").unwrap();
    let Some(origin_rest) = origin.strip_prefix(scheme).and_then(|r| r.strip_prefix("://")) else {
        return false;
    };
    let (p_host, p_port) = split_port(rest);
    let (o_host, o_port) = split_port(origin_rest);
    let host_ok = match p_host.strip_prefix("*.") {
        Some(suffix) => o_host
            .strip_suffix(suffix)
            .and_then(|l| l.strip_suffix('.'))
            .is_some_and(|labels| labels.split('.').all(canonical_label)),
        None => o_host == p_host,
    };
    let port_ok = match (p_port, o_port) {
        (Some("*"), None) => true,
        (Some("*"), Some(p)) => canonical_port(p, scheme),
        (expected, actual) => expected == actual,
    };
    host_ok && port_ok
}

pub(super) fn model_origin_allowed(origins: &Origins, origin: &str) -> bool {
    match origins {
        Origins::Any => true,
        Origins::List { listed, predicate } => {
            let pattern = |l: &str| l.contains('*');
            let matches =
                |l: &&str| if pattern(l) { model_pattern_matches(l, origin) } else { *l == origin };
            let predicate = *predicate && origin.ends_with(".pred.test");
            origin != "null" && (listed.iter().any(matches) || predicate)
        }
    }
}

pub(super) fn model_decide(spec: &Spec, r: &Req) -> Outcome {
    if r.origins.is_empty() {
        return Outcome::NotCors;
    }
    let kind =
        if r.method == "OPTIONS" && !r.acrm.is_empty() { Kind::Preflight } else { Kind::Actual };
    let malformed = |m| Outcome::Malformed(kind, m);
    if r.origins.len() > 1 {
        return malformed(Malformed::MultipleOrigins);
    }
    let origin = &r.origins[0];
    if !model_well_formed(origin) {
        return malformed(Malformed::Origin);
    }
    let any = matches!(spec.origins, Origins::Any);
    if kind == Kind::Actual {
        let acao = if any { "*".to_owned() } else { origin.clone() };
        let allowed = model_origin_allowed(&spec.origins, origin);
        return if allowed {
            Outcome::Allowed { kind, acao }
        } else {
            Outcome::OriginNotAllowed(kind)
        };
    }
    if r.acrm.len() != 1 || !is_token(r.acrm[0]) {
        return malformed(Malformed::RequestMethod);
    }
    let items = requested_items(r);
    if items.iter().any(|i| !is_token(i)) {
        return malformed(Malformed::RequestHeaderName);
    }
    if !model_origin_allowed(&spec.origins, origin) {
        return Outcome::OriginNotAllowed(kind);
    }
    let method = r.acrm[0];
    // Under credentials `*` is literal; "any" refuses it rather than echo it.
    let method_ok = ["GET", "HEAD", "POST"].contains(&method)
        || (spec.methods.is_none() && !(spec.credentials && method == "*"))
        || spec.methods.as_ref().is_some_and(|list| list.contains(&method));
    if !method_ok {
        return Outcome::MethodNotAllowed(method.to_owned());
    }
    let header_ok = |item: &String| match &spec.headers {
        Some(list) => list.iter().any(|l| l.eq_ignore_ascii_case(item)),
        None => !(spec.credentials && item == "*"),
    };
    if let Some(bad) = items.iter().find(|i| !header_ok(i)) {
        return Outcome::HeaderNotAllowed(bad.clone());
    }
    let pna = spec.private_network && r.acrpn == Some("true");
    let acao = if any && !pna { "*".to_owned() } else { origin.clone() };
    Outcome::Allowed { kind, acao }
}

/// The non-empty, trimmed items of every `Access-Control-Request-Headers` line.
pub(super) fn requested_items(r: &Req) -> Vec<String> {
    r.acrh
        .iter()
        .flat_map(|line| line.split(','))
        .map(|i| i.trim_matches([' ', '\t']).to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

pub(super) fn observed(decision: &Decision<'_>) -> Outcome {
    let acao = |v: &HeaderValue| v.to_str().unwrap().to_owned();
    match decision {
        Decision::NotCors => Outcome::NotCors,
        Decision::Actual(a) => {
            Outcome::Allowed { kind: Kind::Actual, acao: acao(a.allow_origin()) }
        }
        Decision::Preflight(p) => {
            Outcome::Allowed { kind: Kind::Preflight, acao: acao(p.allow_origin()) }
        }
        Decision::Rejected(r) => match r.reason() {
            Rejection::OriginNotAllowed(_) => Outcome::OriginNotAllowed(r.kind()),
            Rejection::MethodNotAllowed(m) => Outcome::MethodNotAllowed(m.to_owned()),
            Rejection::HeaderNotAllowed(h) => Outcome::HeaderNotAllowed(h.to_owned()),
            Rejection::Malformed(m) => Outcome::Malformed(r.kind(), m),
            other => panic!("unknown rejection {other:?}"),
        },
        other => unreachable!("no async origin check here: {other:?}"),
    }
}

/// The CORS headers an allowed preflight's answer must carry, by the model.
pub(super) fn model_preflight_headers(
    spec: &Spec,
    r: &Req,
    acao: &str,
) -> Vec<(&'static str, String)> {
    let mut out = vec![("access-control-allow-origin", acao.to_owned())];
    if spec.credentials {
        out.push(("access-control-allow-credentials", "true".into()));
    }
    let methods = match &spec.methods {
        Some(list) if list.is_empty() => "GET, HEAD, POST".to_owned(),
        Some(list) => list.join(", "),
        None if spec.credentials => r.acrm[0].to_owned(),
        None => "*".to_owned(),
    };
    out.push(("access-control-allow-methods", methods));
    let items = requested_items(r);
    let headers = match &spec.headers {
        Some(list) if list.is_empty() => None,
        Some(list) => Some(list.join(", ")),
        None if spec.credentials && items.is_empty() => None,
        None if spec.credentials && r.acrh.len() == 1 => Some(r.acrh[0].clone()),
        None if spec.credentials => Some(items.join(", ")),
        None if items.iter().any(|i| i.eq_ignore_ascii_case("authorization")) => {
            Some("*, authorization".to_owned())
        }
        None => Some("*".to_owned()),
    };
    if let Some(h) = headers {
        out.push(("access-control-allow-headers", h));
    }
    if let Some(secs) = spec.max_age {
        out.push(("access-control-max-age", secs.to_string()));
    }
    if spec.private_network && r.acrpn == Some("true") {
        out.push(("access-control-allow-private-network", "true".into()));
    }
    out
}

/// `Access-Control-Expose-Headers` on an allowed actual response, by the model.
pub(super) fn model_expose(spec: &Spec, inner: &HeaderMap) -> Option<String> {
    match spec.expose {
        Expose::None => None,
        Expose::Listed => Some("x-request-id".into()),
        Expose::Any if !spec.credentials => Some("*".into()),
        Expose::Any => {
            const HIDDEN: &[&str] = &[
                "cache-control", "content-language", "content-length", "content-type", "expires",
                "last-modified", "pragma", "set-cookie", "set-cookie2",
            ];
            let names: Vec<&str> = inner
                .keys()
                .map(HeaderName::as_str)
                .filter(|n| !HIDDEN.contains(n) && !n.starts_with("access-control-"))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
    }
}
