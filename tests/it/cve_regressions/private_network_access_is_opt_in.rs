//! Flask-CORS CVE-2024-6221: `Access-Control-Allow-Private-Network: true`
//! was sent by default, letting public sites reach services on private
//! networks.

use super::*;

#[tokio::test]
async fn no_configuration_answers_private_network_preflights_unless_asked_to() {
    let any = CorsLayer::builder().allow_any_origin().allow_any_method();
    let layers = [
        CorsLayer::permissive(),
        app(|b| b),
        any.allow_any_header().build().unwrap(),
        // Only for an allowed origin.
        app(|b| b.allow_private_network(true)),
    ];
    for (i, layer) in layers.iter().enumerate() {
        let origin = if i == 3 { EVIL } else { APP };
        let req = with(preflight(origin, "GET", None), &[(ACRPN, "true")]);
        let by = if i == 3 { "403" } else { "204" };
        expect(&format!("policy {i}"), layer, req, &[], by, &[(ACAPN, ABSENT)]).await;
    }
    // `allow_private_network(true)` is the only switch (response_rules.rs).
}
