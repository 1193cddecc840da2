//! Target `builder_build`: configurations from arbitrary bytes, and the
//! plain model of what a list of configured origins may allow.

use super::*;

/// A permissive upper bound of what a list of configured origins may allow,
/// written as plainly as possible: the same string, or a pattern whose `*.`
/// stands for one or more labels and whose `:*` stands for any port.
pub fn allowed_by_model(configured: &[String], origin: &str) -> bool {
    fn split(origin: &str) -> Option<(&str, &str, Option<&str>)> {
        let (scheme, rest) = origin.split_once("://")?;
        if rest.starts_with('[') {
            let close = rest.find(']')?;
            let port = match &rest[close + 1..] {
                "" => None,
                after => Some(after.strip_prefix(':')?),
            };
            return Some((scheme, &rest[..=close], port));
        }
        Some(match rest.split_once(':') {
            Some((host, port)) => (scheme, host, Some(port)),
            None => (scheme, rest, None),
        })
    }
    let Some((scheme, host, port)) = split(origin) else {
        return configured.iter().any(|c| c == origin);
    };
    configured.iter().any(|c| {
        if c == origin {
            return true;
        }
        let Some((c_scheme, c_host, c_port)) = split(c) else {
            return false;
        };
        let port_ok = match c_port {
            Some("*") => {
                port.map_or(true, |p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            }
            other => other == port,
        };
        let host_ok = match c_host.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1
                    && host.ends_with(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
            None => c_host == host,
        };
        (c_scheme == "http" || c_scheme == "https") && c_scheme == scheme && port_ok && host_ok
    })
}

/// Builder steps the configuration target decodes (`selector % 15`).
pub const STEPS: u8 = 15;

/// Target `builder_build`: a configuration from arbitrary strings and
/// numbers. `build()` must return (never panic), errors must be loggable,
/// and a built policy must allow nothing beyond what was configured.
pub fn builder_build(data: &[u8]) {
    let mut input = Cursor::new(data);
    let mut builder = CorsLayer::builder();
    let mut origins: Vec<String> = Vec::new();
    let mut probes: Vec<Vec<u8>> = Vec::new();
    let mut any_origin = false;
    let mut credentials = false;
    for _ in 0..32 {
        if input.is_empty() {
            break;
        }
        let step = input.byte() % STEPS;
        builder = match step {
            0 | 1 => {
                let origin = String::from_utf8_lossy(input.field()).into_owned();
                origins.push(origin.clone());
                builder.allow_origins([origin])
            }
            // Methods and header names as text: build() checks them.
            2 => builder.allow_methods([String::from_utf8_lossy(input.field()).into_owned()]),
            3 => builder.allow_headers([String::from_utf8_lossy(input.field()).into_owned()]),
            4 => builder.expose_headers([String::from_utf8_lossy(input.field()).into_owned()]),
            5 => {
                credentials = input.byte() % 2 == 0;
                builder.allow_credentials(credentials)
            }
            6 => builder.allow_credentials_over_http(input.byte() % 2 == 0),
            7 => {
                let secs =
                    u64::from(u32::from_le_bytes([input.byte(), input.byte(), input.byte(), 0]));
                builder.max_age(std::time::Duration::from_secs(secs))
            }
            8 => builder.allow_private_network(input.byte() % 2 == 0),
            9 => match StatusCode::from_u16(u16::from_le_bytes([input.byte(), input.byte()])) {
                Ok(s) => builder.preflight_status(s),
                Err(_) => builder,
            },
            10 => {
                any_origin = true;
                builder.allow_any_origin()
            }
            11 => builder.allow_any_method(),
            12 => builder.allow_any_header(),
            13 => builder.expose_any_header(),
            _ => {
                probes.push(input.field().to_vec());
                builder
            }
        };
    }
    let _ = format!("{builder:?}");
    let layer = match builder.build() {
        Ok(layer) => layer,
        Err(error) => {
            // Several mistakes are one per line; each line stays loggable.
            let message = error.to_string();
            let mistakes = error.errors().len();
            assert_eq!(message.lines().count(), mistakes + usize::from(mistakes > 1));
            message.lines().for_each(assert_loggable);
            assert_loggable(&format!("{error:?}"));
            return;
        }
    };
    assert!(!(any_origin && credentials), "built credentials with any origin");
    let policy = layer.policy();
    assert_loggable(&policy.to_string());
    assert!(policy.preflight_status().is_success());

    // Every configured origin, and every probe, as a request Origin.
    let candidates = origins.iter().map(|o| o.as_bytes().to_vec()).chain(probes).chain(
        origins.iter().flat_map(|o| {
            [
                o.replace("*.", "fuzz.").into_bytes(),
                o.replace("*.", "").into_bytes(),
                o.replace("*.", "a.b.").into_bytes(),
                o.replace(":*", ":8080").into_bytes(),
                o.replace("*.", "evil-").into_bytes(),
                format!("{o}.evil.net").into_bytes(),
                o.to_ascii_uppercase().into_bytes(),
            ]
        }),
    );
    for candidate in candidates {
        let Ok(value) = HeaderValue::from_bytes(&candidate) else {
            continue;
        };
        for method in [Method::GET, Method::OPTIONS] {
            let mut request = Request::new(());
            *request.method_mut() = method.clone();
            request.headers_mut().insert(header::ORIGIN, value.clone());
            if method == Method::OPTIONS {
                request
                    .headers_mut()
                    .insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("GET"));
            }
            let (parts, ()) = request.into_parts();
            let allowed = match policy.decide(&parts) {
                Decision::Actual(a) => Some(a.allow_origin().clone()),
                Decision::Preflight(p) => Some(p.allow_origin().clone()),
                Decision::Rejected(r) => {
                    assert_loggable(&r.to_string());
                    None
                }
                Decision::NotCors => unreachable!("the request has an Origin"),
                other => unreachable!("no async origin check here: {other:?}"),
            };
            let Some(acao) = allowed else { continue };
            if any_origin {
                assert!(acao == "*" || acao == value);
                continue;
            }
            assert_eq!(acao, value, "ACAO is not the request origin");
            let text = String::from_utf8_lossy(&candidate);
            assert_ne!(text, "null", "null allowed by a list");
            assert!(
                allowed_by_model(&origins, &text),
                "{text:?} allowed although no configured origin covers it: {origins:?}"
            );
        }
    }
}
