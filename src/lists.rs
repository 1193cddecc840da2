//! What [`allow_methods`](crate::CorsBuilder::allow_methods),
//! [`allow_headers`](crate::CorsBuilder::allow_headers) and
//! [`expose_headers`](crate::CorsBuilder::expose_headers) accept: one value,
//! or an array, slice, vector, set or standard iterator of values, each typed
//! (`Method`, `HeaderName`) or a string that `build()` validates.
//!
//! The list traits take a marker type parameter ([`One`] or [`Many`]) so
//! that a single value and every `IntoIterator` of values are both accepted:
//! two plain blanket implementations (one for `Method`, one for every
//! `IntoIterator`) would be refused by the compiler, since the `http` crate
//! could make `Method` iterable one day. The marker is inferred; callers never
//! write it.
//!
//! ```
//! use http::{header, HeaderName, Method};
//! use tower_cors::{CorsLayer, GRPC_WEB_EXPOSED_HEADERS};
//!
//! let names = vec![String::from("x-request-id")];
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods(Method::PUT)
//!     .allow_methods([Method::DELETE, Method::PATCH])
//!     .allow_methods(["OPTIONS"])
//!     .allow_headers(["content-type", "x-api-key"])
//!     .allow_headers(header::AUTHORIZATION)
//!     .expose_headers(&names)
//!     .expose_headers(GRPC_WEB_EXPOSED_HEADERS.iter().cloned())
//!     .expose_headers(["x-total"].iter().map(|n| HeaderName::from_static(n)))
//!     .allow_methods(std::collections::HashSet::from([Method::GET]).into_iter())
//!     .build()?;
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```

use http::{HeaderName, Method};

/// A method, typed or as text. Text is parsed here and, if it is not a
/// method token, refused by `build()` with its value.
pub trait MethodArg {
    /// The method, or the text that is not one.
    #[doc(hidden)]
    fn into_method(self) -> Result<Method, String>;
}

/// A header name, typed or as text. Text is parsed here (case-insensitively)
/// and, if it is not a header name, refused by `build()` with its value.
pub trait HeaderNameArg {
    /// The header name, or the text that is not one.
    #[doc(hidden)]
    fn into_header_name(self) -> Result<HeaderName, String>;
}

/// Marker of the list traits' implementation for a single value.
#[derive(Debug)]
pub enum One {}

/// Marker of the list traits' implementation for any `IntoIterator` of values.
#[derive(Debug)]
pub enum Many {}

/// What [`CorsBuilder::allow_methods`](crate::CorsBuilder::allow_methods)
/// accepts: one [`MethodArg`] or any `IntoIterator` of them (see the
/// [module docs](self)). `Marker` is inferred.
pub trait IntoMethods<Marker> {
    /// Appends each method, or the text that is not one.
    #[doc(hidden)]
    fn push_methods(self, into: &mut Vec<Result<Method, String>>);
}

/// What [`CorsBuilder::allow_headers`](crate::CorsBuilder::allow_headers)
/// and [`CorsBuilder::expose_headers`](crate::CorsBuilder::expose_headers)
/// accept: one [`HeaderNameArg`] or any `IntoIterator` of them (see the
/// [module docs](self)). `Marker` is inferred.
pub trait IntoHeaderNames<Marker> {
    /// Appends each header name, or the text that is not one.
    #[doc(hidden)]
    fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>);
}

impl MethodArg for Method {
    fn into_method(self) -> Result<Method, String> {
        Ok(self)
    }
}

impl MethodArg for &Method {
    fn into_method(self) -> Result<Method, String> {
        Ok(self.clone())
    }
}

impl MethodArg for &str {
    fn into_method(self) -> Result<Method, String> {
        Method::from_bytes(self.as_bytes()).map_err(|_| self.to_owned())
    }
}

impl MethodArg for &&str {
    fn into_method(self) -> Result<Method, String> {
        (*self).into_method()
    }
}

impl MethodArg for String {
    fn into_method(self) -> Result<Method, String> {
        Method::from_bytes(self.as_bytes()).map_err(|_| self)
    }
}

impl MethodArg for &String {
    fn into_method(self) -> Result<Method, String> {
        self.as_str().into_method()
    }
}

impl HeaderNameArg for HeaderName {
    fn into_header_name(self) -> Result<HeaderName, String> {
        Ok(self)
    }
}

impl HeaderNameArg for &HeaderName {
    fn into_header_name(self) -> Result<HeaderName, String> {
        Ok(self.clone())
    }
}

impl HeaderNameArg for &str {
    fn into_header_name(self) -> Result<HeaderName, String> {
        HeaderName::from_bytes(self.as_bytes()).map_err(|_| self.to_owned())
    }
}

impl HeaderNameArg for &&str {
    fn into_header_name(self) -> Result<HeaderName, String> {
        (*self).into_header_name()
    }
}

impl HeaderNameArg for String {
    fn into_header_name(self) -> Result<HeaderName, String> {
        HeaderName::from_bytes(self.as_bytes()).map_err(|_| self)
    }
}

impl HeaderNameArg for &String {
    fn into_header_name(self) -> Result<HeaderName, String> {
        self.as_str().into_header_name()
    }
}

impl<T: MethodArg> IntoMethods<One> for T {
    fn push_methods(self, into: &mut Vec<Result<Method, String>>) {
        into.push(self.into_method());
    }
}

impl<I> IntoMethods<Many> for I
where
    I: IntoIterator,
    I::Item: MethodArg,
{
    fn push_methods(self, into: &mut Vec<Result<Method, String>>) {
        into.extend(self.into_iter().map(MethodArg::into_method));
    }
}

impl<T: HeaderNameArg> IntoHeaderNames<One> for T {
    fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>) {
        into.push(self.into_header_name());
    }
}

impl<I> IntoHeaderNames<Many> for I
where
    I: IntoIterator,
    I::Item: HeaderNameArg,
{
    fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>) {
        into.extend(self.into_iter().map(HeaderNameArg::into_header_name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods<M>(list: impl IntoMethods<M>) -> Vec<Result<Method, String>> {
        let mut out = Vec::new();
        list.push_methods(&mut out);
        out
    }

    fn names<M>(list: impl IntoHeaderNames<M>) -> Vec<Result<HeaderName, String>> {
        let mut out = Vec::new();
        list.push_header_names(&mut out);
        out
    }

    /// An iterator whose type the caller cannot name.
    fn opaque(list: Vec<Method>) -> impl Iterator<Item = Method> {
        list.into_iter()
    }

    #[test]
    fn every_form_yields_its_values_in_order() {
        let owned = vec![Method::PUT, Method::DELETE];
        let expected = vec![Ok(Method::PUT), Ok(Method::DELETE)];
        assert_eq!(methods(Method::PUT), vec![Ok(Method::PUT)]);
        assert_eq!(methods(&Method::PUT), vec![Ok(Method::PUT)]);
        assert_eq!(methods([Method::PUT, Method::DELETE]), expected);
        assert_eq!(methods(&owned), expected);
        assert_eq!(methods(owned.as_slice()), expected);
        assert_eq!(methods(owned.iter().cloned()), expected);
        assert_eq!(methods(owned.clone()), expected);
        assert_eq!(methods(["PUT", "DELETE"]), expected);
        assert_eq!(methods(["PUT", "DELETE"].iter()), expected);
        assert_eq!(methods(["PUT"].into_iter().chain(Some("DELETE"))), expected);
        assert_eq!(methods(None::<Method>), vec![]);
        let set: std::collections::BTreeSet<&str> = ["DELETE", "PUT"].into();
        assert_eq!(methods(set.iter().rev()), expected);
        assert_eq!(methods(opaque(owned.clone())), expected);
    }

    #[test]
    fn text_that_is_not_a_token_is_kept_for_build_to_refuse() {
        assert_eq!(methods(["GE T"]), vec![Err("GE T".to_owned())]);
        assert_eq!(
            names(["content-type", "bad header"]),
            vec![Ok(http::header::CONTENT_TYPE), Err("bad header".to_owned())]
        );
        assert_eq!(
            names(String::from("Content-Type, X-A").split(',')),
            vec![Ok(http::header::CONTENT_TYPE), Err(" X-A".to_owned())]
        );
    }

    #[test]
    fn header_names_are_case_insensitive_text() {
        assert_eq!(
            names(["X-Total", "x-total"]),
            vec![
                Ok(HeaderName::from_static("x-total")),
                Ok(HeaderName::from_static("x-total"))
            ]
        );
        assert_eq!(
            names(crate::GRPC_WEB_EXPOSED_HEADERS).len(),
            crate::GRPC_WEB_EXPOSED_HEADERS.len()
        );
        assert_eq!(names(&crate::GRPC_WEB_EXPOSED_HEADERS[..1]).len(), 1);
    }
}
