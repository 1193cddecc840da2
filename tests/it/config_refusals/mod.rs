//! DESIGN.md "Configuration refused by build()": each refusal's variant, and
//! a message naming the value and the fix; warnings; accepted forms.

mod all_at_once;
mod argument_forms;
mod empty_and_misspelled;
mod origins;
mod values;
mod warnings;

use std::time::Duration;

use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, Location};

use crate::common::{actual, preflight, preflight_answer, ACMA, APP};

pub(crate) fn origins(list: &[&str]) -> CorsBuilder {
    CorsLayer::builder().allow_origins(list)
}

pub(crate) fn refusal(builder: CorsBuilder) -> ConfigError {
    builder.build().expect_err("configuration should be refused")
}

/// The location of a single mistake, checked to be `field` (at `index`).
fn located(err: &ConfigError, field: &str, index: Option<usize>) -> Location {
    let at = err.location().expect("a single mistake").clone();
    assert_eq!((at.field(), at.index()), (field, index), "{err:?}");
    at
}

/// The location of a mistake in the first listed origin.
fn origin_at(err: &ConfigError) -> Location {
    located(err, "allow_origins", Some(0))
}
