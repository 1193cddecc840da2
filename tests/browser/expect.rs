//! Assertions shared by the browser checks; every message explains the
//! scenario (what the page and the wire saw).

use crate::harness::{Attempt, Entry, Run};

/// The fetch resolved (CORS check passed); returns the attempt.
pub fn allowed<'r>(run: &'r Run, id: &str) -> &'r Attempt {
    for a in run.attempts(id) {
        assert!(
            a.ok,
            "expected the browser to allow it\n{}",
            run.explain(id)
        );
    }
    run.attempt(id)
}

/// The fetch rejected with a TypeError (network error), as CORS failures do.
pub fn blocked(run: &Run, id: &str) {
    for a in run.attempts(id) {
        assert!(
            !a.ok,
            "expected the browser to block it\n{}",
            run.explain(id)
        );
        let e = a.error.as_deref().unwrap_or("");
        assert!(
            e.starts_with("TypeError"),
            "expected a TypeError, got {e:?}\n{}",
            run.explain(id)
        );
    }
}

/// The single preflight the browser sent for a scenario.
pub fn one_preflight<'r>(run: &'r Run, id: &str) -> &'r Entry {
    let p = run.preflights(id);
    assert_eq!(
        p.len(),
        1,
        "expected exactly one preflight\n{}",
        run.explain(id)
    );
    p[0]
}

pub fn no_preflight(run: &Run, id: &str) {
    assert!(
        run.preflights(id).is_empty(),
        "expected no preflight\n{}",
        run.explain(id)
    );
}

/// The single actual (non-preflight) request as it left the server.
pub fn one_actual<'r>(run: &'r Run, id: &str) -> &'r Entry {
    let a = run.actual(id);
    assert_eq!(
        a.len(),
        1,
        "expected exactly one actual request\n{}",
        run.explain(id)
    );
    a[0]
}

pub fn handler_never_saw_it(run: &Run, id: &str) {
    assert!(
        run.handled(id).is_empty(),
        "the handler must not see it\n{}",
        run.explain(id)
    );
}

pub fn handler_saw_once<'r>(run: &'r Run, id: &str) -> &'r Entry {
    let h = run.handled(id);
    assert_eq!(
        h.len(),
        1,
        "expected the handler to see it once\n{}",
        run.explain(id)
    );
    h[0]
}

pub fn no_cors_headers(run: &Run, id: &str, e: &Entry) {
    assert!(
        e.acx_headers().is_empty(),
        "expected no Access-Control-* response headers\n{}",
        run.explain(id)
    );
}

pub fn vary_has(e: &Entry, token: &str) -> bool {
    e.resp("vary")
        .map(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        .unwrap_or(false)
}
