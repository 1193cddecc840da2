//! Several policies in one layer (`CorsBuilder::route`, `origin_group`):
//! selection, field-by-field merging, validation, and the features that see
//! the set as one policy.

use std::time::Duration;

use crate::common::*;
use http::{Method, Request};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, Verdict};

const ADMIN: &str = "https://admin.example.com";
const PARTNER: &str = "https://partner.example";

/// `request` sent to `path` instead of `/api/items`.
fn to(path: &str, mut request: Request<String>) -> Request<String> {
    *request.uri_mut() = path.parse().unwrap();
    request
}

/// One row: what it pins, the request, who answers (see `expect`), the lines.
type Case = (&'static str, Request<String>, &'static str, Vec<Line>);

/// [`expect`] for each row, under `layer`.
async fn answers(layer: &CorsLayer, rows: Vec<Case>) {
    for (case, req, by, want) in rows {
        expect(case, layer, req, &[], by, &want).await;
    }
}

/// A first-party API with credentials, a public route, an admin route, and
/// an admin origin group.
fn front_door() -> CorsLayer {
    app(|b| {
        b.allow_credentials(true)
            .allow_methods([Method::PUT])
            .allow_headers(["content-type", "x-api-key"])
            .max_age(Duration::from_secs(600))
            .route("/public", |r| r.allow_any_origin().allow_credentials(false))
            .route("/api/admin", |r| {
                r.allow_headers(["x-admin-token"])
                    .origin_group([PARTNER], |g| g.max_age(Duration::from_secs(5)))
            })
            .route("/api/v1", |r| r.allow_methods([Method::PATCH]))
            .origin_group([ADMIN], |g| g.allow_methods([Method::DELETE]))
    })
}

#[tokio::test]
#[rustfmt::skip]
async fn the_longest_prefix_on_a_segment_boundary_selects_the_route() {
    let layer = front_door();
    answers(&layer, vec![
        ("outside every route: the base", to("/other", get(APP)), "inner", vec![(ACAO, APP), (ACAC, "true")]),
        ("the base refuses others", to("/other", get(EVIL)), "inner", vec![(ACAO, ABSENT)]),
        ("a route covers its own path", to("/public", get(EVIL)), "inner", vec![(ACAO, "*"), (ACAC, ABSENT)]),
        ("and what lies under it", to("/public/a/b", get(EVIL)), "inner", vec![(ACAO, "*")]),
        ("a trailing slash is under it", to("/public/", get(EVIL)), "inner", vec![(ACAO, "*")]),
        ("the query is ignored", to("/public?x=/api", get(EVIL)), "inner", vec![(ACAO, "*")]),
        ("never a longer segment", to("/publicity", get(EVIL)), "inner", vec![(ACAO, ABSENT)]),
        ("paths compare case-sensitively", to("/Public", get(EVIL)), "inner", vec![(ACAO, ABSENT)]),
        ("an absolute URI's path", to("http://api.example/public/x", get(EVIL)), "inner", vec![(ACAO, "*")]),
        ("a preflight under the route of its own path",
         to("/api/v1/items", preflight(APP, "PATCH", None)), "204", vec![(ACAO, APP), (ACAM, "PATCH")]),
        ("the same preflight elsewhere: the base refuses PATCH",
         to("/api/items", preflight(APP, "PATCH", None)), "204", vec![(ACAO, APP), (ACAM, "PUT")]),
        ("a longer prefix wins over a shorter one",
         to("/api/admin/x", preflight(APP, "PUT", Some("x-admin-token"))), "204", vec![(ACAH, "x-admin-token")]),
    ]).await;
    // The refused PATCH preflight above is refused, not allowed.
    let refused = to("/api/items", preflight(APP, "PATCH", None));
    assert!(decision(&layer, &refused).contains("MethodNotAllowed"), "{}", decision(&layer, &refused));
}

#[tokio::test]
#[rustfmt::skip]
async fn a_setting_the_route_or_group_makes_replaces_the_enclosing_one_and_the_rest_is_inherited() {
    let layer = front_door();
    answers(&layer, vec![
        // `allow_headers` replaced, not added to; max-age and credentials inherited.
        ("route headers replace the base's",
         to("/api/admin", preflight(APP, "PUT", Some("x-admin-token"))), "204",
         vec![(ACAO, APP), (ACAC, "true"), (ACAH, "x-admin-token"), (ACMA, "600"), (ACAM, "PUT")]),
        // A group in a route: its max-age over the route's headers over the base's methods.
        ("a route's group over the route",
         to("/api/admin", preflight(PARTNER, "PUT", Some("x-admin-token"))), "204",
         vec![(ACAO, PARTNER), (ACAC, "true"), (ACAH, "x-admin-token"), (ACMA, "5")]),
        // The base's group applies under a route too, merged over the route.
        ("a base group under a route",
         to("/api/v1", preflight(ADMIN, "DELETE", None)), "204",
         vec![(ACAO, ADMIN), (ACAM, "DELETE"), (ACAC, "true")]),
        ("a base group outside every route",
         to("/x", preflight(ADMIN, "DELETE", Some("content-type"))), "204",
         vec![(ACAO, ADMIN), (ACAM, "DELETE"), (ACAH, "content-type, x-api-key")]),
        // A group's origin is echoed with credentials even under the any-origin route.
        ("a group's origin is echoed, never `*`",
         to("/public", preflight(ADMIN, "DELETE", None)), "204",
         vec![(ACAO, ADMIN), (ACAC, ABSENT), (ACAM, "DELETE")]),
        // The route's own group comes first, and applies to that route only.
        ("a route's group elsewhere", to("/x", preflight(PARTNER, "PUT", None)), "403", vec![(ACAO, ABSENT)]),
    ]).await;
}

#[tokio::test]
#[rustfmt::skip]
async fn groups_make_responses_vary_by_origin_even_under_any_origin() {
    let group = |g: CorsBuilder| g.allow_credentials(true).expose_headers(["x-total"]);
    let layer = CorsLayer::builder().allow_any_origin().origin_group([APP], group).build().unwrap();
    answers(&layer, vec![
        ("another origin gets `*`, with Vary",
         get(EVIL), "inner", vec![(ACAO, "*"), (ACAC, ABSENT), (VARY, "origin")]),
        ("the group's origin gets itself, with credentials",
         get(APP), "inner", vec![(ACAO, APP), (ACAC, "true"), (ACEH, "x-total"), (VARY, "origin")]),
        ("no Origin: Vary, and no `*` a cached copy would serve to the group",
         actual(Method::GET, None), "inner", vec![(ACAO, ABSENT), (VARY, "origin")]),
    ]).await;
    assert!(layer.policy().varies_by_origin());
}

#[tokio::test]
async fn the_first_matching_group_wins_and_groups_alone_are_a_valid_policy() {
    let layer = CorsLayer::builder()
        .origin_group(["https://*.example.com"], |g| g.allow_credentials(true))
        .origin_group([APP, ADMIN], |g| g.max_age(Duration::from_secs(60)))
        .build()
        .unwrap();
    let want = [(ACAO, APP), (ACAC, "true"), (ACMA, ABSENT)];
    expect("the first group", &layer, preflight(APP, "GET", None), &[], "204", &want).await;
    expect("no group: refused", &layer, get(EVIL), &[], "inner", &[(ACAO, ABSENT)]).await;
}

#[test]
fn a_policy_without_routes_or_groups_decides_as_before() {
    let plain = app(|b| b);
    assert_eq!(decision(&plain, &to("/public", get(EVIL))), decision(&plain, &get(EVIL)));
}

type Configure = Box<dyn FnOnce(CorsBuilder) -> CorsBuilder>;

/// The message of each mistake `configure` makes.
fn mistakes(configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> Vec<String> {
    let err = configure(CorsLayer::builder()).build().unwrap_err();
    err.errors().iter().map(ToString::to_string).collect()
}

#[test]
fn every_combination_is_validated_and_each_mistake_named_once_where_it_is() {
    let found = mistakes(|b| {
        b.allow_origins(["https://App.example.com"])
            .route("/public", |r| r.allow_any_origin().allow_credentials(true))
            .route("/api", |r| {
                r.allow_methods(["TRACE"])
                    .origin_group([PARTNER], |g| g.max_age(Duration::from_secs(100_000)))
            })
            .origin_group(["http://partner.example"], |g| g.allow_credentials(true))
    });
    let starts: Vec<&str> = found.iter().map(|m| m.split(':').next().unwrap_or_default()).collect();
    let want = [
        // The base's own mistake, reported once though every route inherits it.
        "\"https", "origin group [\"http", "route \"/public\"", "route \"/api\"",
        "route \"/api\", origin group [\"https",
    ];
    assert_eq!(starts, want, "{found:#?}");
    assert!(found[1].contains("credentials"), "{}", found[1]);
    let any = "allow_credentials(true) cannot be combined with allow_any_origin()";
    assert!(found[2].starts_with(&format!("route \"/public\": {any}")), "{}", found[2]);
    assert!(found[3].contains("\"TRACE\""), "{}", found[3]);
    assert!(found[4].contains("max_age"), "{}", found[4]);
}

#[test]
#[rustfmt::skip]
fn the_shape_of_a_set_is_checked() {
    let cases: Vec<(&str, Configure, &str)> = vec![
        ("a prefix from `/`", Box::new(|b| b.route("api", |r| r)), "write \"/api\""),
        ("no trailing slash", Box::new(|b| b.route("/api/", |r| r)), "write \"/api\""),
        ("no query", Box::new(|b| b.route("/api?x=1", |r| r)), "write \"/api\""),
        ("one route per prefix", Box::new(|b| b.route("/api", |r| r).route("/api", |r| r)), "configured twice"),
        ("no route in a route", Box::new(|b| b.route("/api", |r| r.route("/x", |x| x))), "route(..) cannot be made inside a route"),
        ("no group in a group", Box::new(|b| b.origin_group([ADMIN], |g| g.origin_group([PARTNER], |x| x))), "origin_group(..) cannot be made inside an origin group"),
        ("a group's origins are its rule", Box::new(|b| b.origin_group([ADMIN], |g| g.allow_any_origin())), "allow_any_origin(..) inside an origin group"),
        ("a group needs origins", Box::new(|b| b.origin_group(Vec::<String>::new(), |g| g)), "without origins never applies"),
        ("a group's origins are checked", Box::new(|b| b.origin_group(["*"], |g| g)), "origin group [\"*\"]: "),
    ];
    for (case, configure, want) in cases {
        let found = mistakes(|b| configure(b.allow_origins([APP])));
        assert!(found.iter().any(|m| m.contains(want)), "{case}: {found:#?}");
    }
}

#[test]
fn each_mistake_carries_its_route_and_group() {
    let err = CorsLayer::builder()
        .allow_origins([APP])
        .route("/api", |r| {
            r.origin_group([PARTNER], |g| g.preflight_status(http::StatusCode::FOUND))
        })
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::PreflightStatusNotSuccess { .. }), "{err}");
    let at = err.location().unwrap();
    assert_eq!(
        (at.route(), at.origin_group(), at.field()),
        (Some("/api"), Some(&[PARTNER.to_owned()][..]), "preflight_status")
    );
}

#[test]
fn explain_names_the_route_and_group_that_decided() {
    let layer = front_door();
    let explain = |req: Request<String>| {
        let (parts, _) = req.into_parts();
        layer.policy().explain(&parts)
    };
    let public = explain(to("/public/x", get(EVIL)));
    assert_eq!(public.verdict(), Verdict::Allowed);
    assert_eq!((public.route(), public.origin_group()), (Some("/public"), None));
    let partner = explain(to("/api/admin", preflight(PARTNER, "PUT", None)));
    assert_eq!(partner.route(), Some("/api/admin"));
    assert_eq!(partner.origin_group(), Some(&[PARTNER.to_owned()][..]));
    let decided = "route \"/api/admin\", origin group [\"https://partner.example\"]";
    assert!(partner.to_string().contains(decided), "{partner}");
    let base = explain(to("/x", get(APP)));
    assert_eq!((base.route(), base.origin_group()), (None, None));
}

#[tokio::test]
#[rustfmt::skip]
async fn replace_swaps_the_whole_set_at_once() {
    let (layer, handle) = app(|b| b).reloadable();
    answers(&layer, vec![("before", to("/public", get(EVIL)), "inner", vec![(ACAO, ABSENT)])]).await;
    handle.replace(front_door());
    answers(&layer, vec![
        ("after: the route", to("/public", get(EVIL)), "inner", vec![(ACAO, "*")]),
        ("after: the group", to("/x", preflight(ADMIN, "DELETE", None)), "204", vec![(ACAO, ADMIN), (ACAM, "DELETE")]),
    ]).await;
}

#[tokio::test]
async fn report_only_compares_the_policies_each_set_selects() {
    let today = app(|b| b.route("/public", |r| r.allow_any_origin()));
    let (layer, reports) = trial(today, app(|b| b));
    expect("enforced: the route", &layer, to("/public", get(EVIL)), &[], "inner", &[(ACAO, "*")])
        .await;
    expect("alike outside it", &layer, to("/x", get(APP)), &[], "inner", &[(ACAO, APP)]).await;
    let line = only(&reports).line;
    assert!(line.contains("/public") && line.contains("the candidate refuses it"), "{line}");
}

#[test]
fn warnings_come_from_every_policy_of_the_set() {
    let layer = app(|b| b.route("/legacy", |r| r.allow_private_network(true)));
    assert_eq!(layer.warnings(), [tower_cors::ConfigWarning::PrivateNetworkAccessRetired]);
}

#[cfg(feature = "serde")]
#[test]
fn a_configuration_file_has_routes_and_origin_groups_tables_with_the_same_checks() {
    let config: tower_cors::CorsConfig = toml::from_str(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_credentials = true
        allow_methods = ["PUT"]
        [routes."/public"]
        allow_any_origin = true
        allow_credentials = false
        [routes."/api/admin"]
        allow_headers = ["x-admin-token"]
        [[routes."/api/admin".origin_groups]]
        origins = ["https://partner.example"]
        max_age = 5
        [[origin_groups]]
        origins = ["https://admin.example.com"]
        allow_methods = ["DELETE"]
        "#,
    )
    .unwrap();
    let from_file = config.build().unwrap();
    let from_code = app(|b| {
        b.allow_credentials(true)
            .allow_methods(["PUT"])
            // A file's routes come in the order of their prefixes.
            .route("/api/admin", |r| {
                r.allow_headers(["x-admin-token"])
                    .origin_group([PARTNER], |g| g.max_age(Duration::from_secs(5)))
            })
            .route("/public", |r| r.allow_any_origin().allow_credentials(false))
            .origin_group([ADMIN], |g| g.allow_methods(["DELETE"]))
    });
    assert_eq!(from_file.policy().to_string(), from_code.policy().to_string());

    let config: tower_cors::CorsConfig = toml::from_str(
        r#"
        allow_origins = ["https://app.example.com"]
        [routes."/public"]
        allow_any_origin = true
        allow_credentials = true
        origins = ["https://x.example"]
        [[origin_groups]]
        origins = ["http://partner.example", "*"]
        preflight_status = 1000
        "#,
    )
    .unwrap();
    let err = config.build().unwrap_err();
    let places: Vec<String> =
        err.errors().iter().map(|e| e.location().unwrap().to_string()).collect();
    let want = [
        "origin_groups[0].preflight_status",
        "origin_groups[0].origins[1]",
        "routes.\"/public\".allow_credentials",
        "routes.\"/public\".origins",
        // The base's group under the route gets its credentials: an http origin.
        "(under routes.\"/public\") origin_groups[0].origins[0]",
    ];
    assert_eq!(places, want, "{err}");
}

#[tokio::test]
#[rustfmt::skip]
async fn the_guards_are_settings_a_route_can_turn_on() {
    let guards = |r: CorsBuilder| r.guard_cross_origin_writes(true).guard_websockets(true);
    let layer = app(|b| b.route("/api", guards));
    let form = |path| to(path, with(actual(Method::POST, Some(EVIL)), &[("sec-fetch-site", "cross-site")]));
    let handshake = |path| to(path, with(get(EVIL), &[("upgrade", "websocket"), ("connection", "upgrade")]));
    answers(&layer, vec![
        ("a cross-site form to the route", form("/api/transfer"), "403", vec![(ACAO, ABSENT)]),
        ("elsewhere: the base has no guard", form("/transfer"), "inner", vec![(ACAO, ABSENT)]),
        ("a handshake to the route", handshake("/api/ws"), "403", vec![]),
        ("a handshake elsewhere", handshake("/ws"), "inner", vec![]),
    ]).await;
}

#[cfg(feature = "origin-lookup")]
#[tokio::test]
#[rustfmt::skip]
async fn routes_that_inherit_the_origin_lookup_share_its_cache_and_invalidation() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    const TENANT: &str = "https://shop.tenant.example";
    let asked = Arc::new(AtomicUsize::new(0));
    let (counter, allowed) = (Arc::clone(&asked), Arc::new(Mutex::new(true)));
    let answer = Arc::clone(&allowed);
    let layer = app(|b| {
        b.allow_origin_lookup(move |origin: String| {
            counter.fetch_add(1, Ordering::SeqCst);
            let allowed = *answer.lock().unwrap() && origin == TENANT;
            async move { Ok::<_, std::io::Error>(allowed) }
        })
        .route("/api", |r| r.max_age(Duration::from_secs(60)))
        .route("/static", |r| r.allow_origins([APP]))
    });
    let tenant = |path| to(path, get(TENANT));
    answers(&layer, vec![
        ("the base asks the store", tenant("/x"), "inner", vec![(ACAO, TENANT)]),
        ("the route's answer is cached", tenant("/api/x"), "inner", vec![(ACAO, TENANT)]),
        ("a route with its own origins has no lookup", tenant("/static"), "inner", vec![(ACAO, ABSENT)]),
    ]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    *allowed.lock().unwrap() = false;
    layer.invalidate_origin(TENANT);
    answers(&layer, vec![("invalidated for the route too", tenant("/api/x"), "inner", vec![(ACAO, ABSENT)])]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[cfg(feature = "metrics")]
#[test]
fn metrics_labels_name_no_route_path_or_origin() {
    let layer = front_door();
    // `counters` asserts the labels are kind and outcome alone.
    let counted = counters(false, || async {
        for (i, path) in ["/public", "/api/admin", "/api/v1", "/x", "/y/z"].into_iter().enumerate()
        {
            for origin in [APP, EVIL, ADMIN, PARTNER, &format!("https://t{i}.example")] {
                run(&layer, to(path, get(origin)), &[]).await;
            }
        }
    });
    // 25 requests on 5 routes from 9 origins: one series per (kind, outcome).
    assert_eq!(counted.len(), 2, "{counted:?}");
}

#[tokio::test]
async fn report_only_sees_a_write_a_candidate_route_would_refuse() {
    let candidate = app(|b| b.route("/api", |r| r.guard_cross_origin_writes(true)));
    let (layer, reports) = trial(app(|b| b), candidate);
    let form = with(actual(Method::POST, None), &[("sec-fetch-site", "cross-site")]);
    expect("enforced: passes", &layer, to("/api/x", form), &[], "inner", &[]).await;
    assert_eq!(only(&reports).kind, tower_cors::RequestKind::CrossOriginWrite);
}
