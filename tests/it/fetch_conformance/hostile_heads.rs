//! Never panics on hostile request heads.

use super::*;

use proptest::prelude::*;

#[rustfmt::skip]
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![4 => prop::sample::select(b"abcxyz-.:/*,; \t0189[]@".to_vec()), 1 => 0x21u8..0x7f, 1 => 0x80u8..=0xff];
    prop::collection::vec(byte, 0..60)
}

proptest! {
    // DESIGN "Response rules": malformed headers are typed rejections, never panics.
    #[test]
    fn decide_never_panics_and_never_allows_malformed_origins(
        origin in header_bytes(),
        acrm in header_bytes(),
        acrh in header_bytes(),
        options in any::<bool>(),
    ) {
        let layers = [
            CorsLayer::permissive(),
            policy(&["https://*.example.com", "http://localhost:*", APP], |b| b.allow_any_header().allow_credentials(true)),
        ];
        // Each header the bytes make a valid value of.
        let names = ["origin", "access-control-request-method", "access-control-request-headers"];
        let values = [&origin, &acrm, &acrh].map(|v| v.as_slice());
        let valid = names.into_iter().zip(values).filter(|(_, v)| HeaderValue::from_bytes(v).is_ok());
        let method = if options { Method::OPTIONS } else { Method::GET };
        let (parts, _) = raw(method, &valid.collect::<Vec<_>>()).into_parts();
        for layer in &layers {
            let acao = match layer.policy().decide(&parts) {
                Decision::Actual(a) => a.allow_origin().clone(),
                Decision::Preflight(p) => p.allow_origin().clone(),
                Decision::Rejected(r) => {
                    // A rejection explains itself on one clean line.
                    let reason = r.to_string();
                    prop_assert!(!reason.is_empty());
                    prop_assert!(!reason.chars().any(char::is_control), "{reason:?}");
                    continue;
                }
                Decision::NotCors => continue,
                other => unreachable!("no async origin check here: {other:?}"),
            };
            // An allowed origin (actual or preflight) is a serialized origin (or null) echoed, or `*`.
            let v = acao.as_bytes();
            prop_assert!(v == b"*" || v == origin.as_slice(), "{v:?}");
            prop_assert!(v == b"*" || !v.contains(&b'/') || v.windows(3).any(|w| w == b"://"));
        }
    }
}
