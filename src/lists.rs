//! What [`allow_methods`](crate::CorsBuilder::allow_methods),
//! [`allow_headers`](crate::CorsBuilder::allow_headers) and
//! [`expose_headers`](crate::CorsBuilder::expose_headers) accept: one value,
//! or an array, slice, vector, set or standard iterator of values, each typed
//! (`Method`, `HeaderName`) or a string that `build()` validates.
//!
//! These are traits rather than `IntoIterator` bounds so that a single
//! `Method` is accepted too: a blanket implementation over every
//! `IntoIterator` next to one for `Method` is refused by the compiler (the
//! `http` crate could make `Method` iterable one day). The implementations
//! therefore list the containers and the iterator adapters of `std`; any
//! other iterator can be collected into a `Vec` first.
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
//!     .build()?;
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```

use std::collections::{BTreeSet, HashSet, VecDeque};

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

/// What [`CorsBuilder::allow_methods`](crate::CorsBuilder::allow_methods)
/// accepts: one [`MethodArg`] or a collection of them (see the
/// [module docs](self)).
pub trait IntoMethods {
    /// Appends each method, or the text that is not one.
    #[doc(hidden)]
    fn push_methods(self, into: &mut Vec<Result<Method, String>>);
}

/// What [`CorsBuilder::allow_headers`](crate::CorsBuilder::allow_headers)
/// and [`CorsBuilder::expose_headers`](crate::CorsBuilder::expose_headers)
/// accept: one [`HeaderNameArg`] or a collection of them (see the
/// [module docs](self)).
pub trait IntoHeaderNames {
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

impl IntoMethods for Method {
    fn push_methods(self, into: &mut Vec<Result<Method, String>>) {
        into.push(Ok(self));
    }
}

impl IntoMethods for &Method {
    fn push_methods(self, into: &mut Vec<Result<Method, String>>) {
        into.push(Ok(self.clone()));
    }
}

impl IntoHeaderNames for HeaderName {
    fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>) {
        into.push(Ok(self));
    }
}

impl IntoHeaderNames for &HeaderName {
    fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>) {
        into.push(Ok(self.clone()));
    }
}

/// Implements both list traits for collections and iterator adapters whose
/// items are arguments: `[generics] Type`.
macro_rules! lists {
    ($( [$($generics:tt)*] $ty:ty ),* $(,)?) => {$(
        impl<$($generics)*> IntoMethods for $ty
        where
            $ty: IntoIterator,
            <$ty as IntoIterator>::Item: MethodArg,
        {
            fn push_methods(self, into: &mut Vec<Result<Method, String>>) {
                into.extend(self.into_iter().map(MethodArg::into_method));
            }
        }

        impl<$($generics)*> IntoHeaderNames for $ty
        where
            $ty: IntoIterator,
            <$ty as IntoIterator>::Item: HeaderNameArg,
        {
            fn push_header_names(self, into: &mut Vec<Result<HeaderName, String>>) {
                into.extend(self.into_iter().map(HeaderNameArg::into_header_name));
            }
        }
    )*};
}

lists! {
    [T, const N: usize] [T; N],
    ['a, T, const N: usize] &'a [T; N],
    ['a, T] &'a [T],
    [T] Vec<T>,
    ['a, T] &'a Vec<T>,
    [T] VecDeque<T>,
    [T] Option<T>,
    [T, S] HashSet<T, S>,
    ['a, T, S] &'a HashSet<T, S>,
    [T] BTreeSet<T>,
    ['a, T] &'a BTreeSet<T>,
    [T, const N: usize] std::array::IntoIter<T, N>,
    [T] std::vec::IntoIter<T>,
    ['a, T] std::slice::Iter<'a, T>,
    [T] std::option::IntoIter<T>,
    [T] std::iter::Once<T>,
    [I, F] std::iter::Map<I, F>,
    [I] std::iter::Cloned<I>,
    [I] std::iter::Copied<I>,
    [I, P] std::iter::Filter<I, P>,
    [I, F] std::iter::FilterMap<I, F>,
    [A, B] std::iter::Chain<A, B>,
    [I] std::iter::Take<I>,
    [I] std::iter::Skip<I>,
    [I] std::iter::Rev<I>,
    [I: Iterator] std::iter::Peekable<I>,
    [I, F] std::iter::Inspect<I, F>,
    [I: Iterator<Item: IntoIterator>] std::iter::Flatten<I>,
    [I: Iterator, U: IntoIterator, F] std::iter::FlatMap<I, U, F>,
    ['a] std::str::Split<'a, char>,
    ['a] std::str::SplitWhitespace<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(list: impl IntoMethods) -> Vec<Result<Method, String>> {
        let mut out = Vec::new();
        list.push_methods(&mut out);
        out
    }

    fn names(list: impl IntoHeaderNames) -> Vec<Result<HeaderName, String>> {
        let mut out = Vec::new();
        list.push_header_names(&mut out);
        out
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
