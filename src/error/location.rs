//! [`Location`]: where a configuration mistake is, and the words a message
//! uses for it: builder calls for code, field names for a configuration file.

use std::fmt;

use http::StatusCode;

use crate::policy::set::Place;

/// Where a [`ConfigError`](crate::ConfigError) is: the setting, named by its
/// builder method (the same name as the `CorsConfig` field), and the
/// position in that setting's list when the mistake is one listed value.
///
/// For a builder, the position counts every value given to that method,
/// across calls and presets; for a `CorsConfig`, it is the index in the
/// file's list. Displays as `allow_origins[1]`, or `max_age` without an index.
///
/// A mistake in a [route](crate::CorsBuilder::route) or an [origin
/// group](crate::CorsBuilder::origin_group) also names it
/// ([`route`](Location::route), [`origin_group`](Location::origin_group)),
/// and displays as `route "/public": allow_credentials` (in a
/// configuration file's words, `routes."/public".allow_credentials`).
///
/// ```
/// use tower_cors::CorsLayer;
///
/// let err = CorsLayer::builder()
///     .allow_origins(["https://app.example.com", "*"])
///     .build()
///     .unwrap_err();
/// let at = err.location().unwrap();
/// assert_eq!((at.field(), at.index()), ("allow_origins", Some(1)));
/// assert_eq!(at.to_string(), "allow_origins[1]");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    field: &'static str,
    index: Option<usize>,
    words: Words,
    place: Option<Box<Place>>,
}

/// Whose words a message speaks: decided once, here, for every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Words {
    /// Builder calls: `allow_credentials(true)`, `allow_any_origin()`.
    #[default]
    Builder,
    /// A configuration file's fields: `allow_credentials = true`; every
    /// message starts with the field it is about. Only `CorsConfig`
    /// (feature `serde`) speaks them.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    File,
}

impl Location {
    pub(crate) fn new(field: &'static str, index: Option<usize>, words: Words) -> Self {
        Location {
            field,
            index,
            words,
            place: None,
        }
    }

    /// The same location, in `place` (a route, a group, or both).
    pub(crate) fn in_place(mut self, place: &Place) -> Self {
        self.set_place(place);
        self
    }

    /// Puts the location in `place`; the base names none.
    pub(crate) fn set_place(&mut self, place: &Place) {
        if !place.is_base() {
            self.place = Some(Box::new(place.clone()));
        }
    }

    /// The prefix of the [route](crate::CorsBuilder::route) the mistake is
    /// in, if any.
    ///
    /// ```
    /// let err = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .route("/public", |r| r.allow_any_origin().allow_credentials(true))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.location().unwrap().route(), Some("/public"));
    /// assert!(err.to_string().starts_with("route \"/public\": allow_credentials(true)"));
    /// ```
    pub fn route(&self) -> Option<&str> {
        self.place.as_ref()?.route.as_deref()
    }

    /// The origins of the [origin group](crate::CorsBuilder::origin_group)
    /// the mistake is in, if any, as configured.
    ///
    /// ```
    /// let err = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .origin_group(["http://partner.example"], |g| g.allow_credentials(true))
    ///     .build()
    ///     .unwrap_err();
    /// let at = err.location().unwrap();
    /// assert_eq!(at.origin_group(), Some(&["http://partner.example".to_owned()][..]));
    /// assert_eq!(at.to_string(), "origin group [\"http://partner.example\"]: origin_group[0]");
    /// ```
    pub fn origin_group(&self) -> Option<&[String]> {
        self.place
            .as_ref()?
            .group
            .as_ref()
            .map(|(_, origins)| &origins[..])
    }

    /// The route and group it is in; `None` for the base.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn place(&self) -> Option<&Place> {
        self.place.as_deref()
    }

    /// The setting, named by its builder method: `"allow_origins"`,
    /// `"max_age"`, ...
    ///
    /// ```
    /// let err = tower_cors::CorsLayer::builder().build().unwrap_err();
    /// assert_eq!(err.location().unwrap().field(), "allow_origins");
    /// ```
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The position of the offending value in the setting's list, if the
    /// mistake is one listed value.
    ///
    /// ```
    /// let err = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PUT", "TRACE"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.location().unwrap().index(), Some(1));
    /// ```
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// What a message starts with: nothing in builder words (the message
    /// names the call), the field and index in a file's.
    pub(crate) fn prefix(&self) -> impl fmt::Display + '_ {
        Prefix(self)
    }

    /// `setting` as the caller writes it.
    pub(crate) fn say<'a>(&self, setting: Setting<'a>) -> impl fmt::Display + 'a {
        Said {
            words: self.words,
            setting,
            verb: false,
        }
    }

    /// `setting` as an instruction: "call allow_any_origin()" in code, "set
    /// allow_any_origin = true" in a file.
    pub(crate) fn set<'a>(&self, setting: Setting<'a>) -> impl fmt::Display + 'a {
        Said {
            words: self.words,
            setting,
            verb: true,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.place, self.words) {
            (None, _) => {}
            (Some(place), Words::Builder) => write!(f, "{place}: ")?,
            (Some(place), Words::File) => {
                match (&place.route, place.routes_own || place.group.is_none()) {
                    (Some(route), true) => write!(f, "routes.{route:?}.")?,
                    // The base's group where it applies under a route.
                    (Some(route), false) => write!(f, "(under routes.{route:?}) ")?,
                    (None, _) => {}
                }
                if let Some((index, _)) = &place.group {
                    write!(f, "origin_groups[{index}].")?;
                }
            }
        }
        f.write_str(self.field)?;
        match self.index {
            Some(index) => write!(f, "[{index}]"),
            None => Ok(()),
        }
    }
}

struct Prefix<'a>(&'a Location);

impl fmt::Display for Prefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.words, &self.0.place) {
            (Words::Builder, None) => Ok(()),
            (Words::Builder, Some(place)) => write!(f, "{place}: "),
            (Words::File, _) => write!(f, "{}: ", self.0),
        }
    }
}

/// A setting a message mentions, written by [`Location::say`] in the
/// caller's words.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Setting<'a> {
    /// A switch: `allow_any_origin()`, or `allow_any_origin = true`.
    Switch(&'static str),
    /// A flag turned on: `allow_credentials(true)`, or `allow_credentials = true`.
    On(&'static str),
    /// A list: `allow_origins(["a", "b"])`, or `allow_origins = ["a", "b"]`;
    /// `[...]` for no items.
    List(&'static str, &'a [&'a str]),
    /// Whole seconds: `max_age(Duration::from_secs(60))`, or `max_age = 60`.
    Seconds(&'static str, u64),
    /// A status: `preflight_status(404 Not Found)`, or `preflight_status = 404`.
    Status(&'static str, u16),
    /// What only code can set: `allow_origin_predicate(..)`, or in a file's
    /// words where to set it.
    InCode(&'static str),
}

struct Said<'a> {
    words: Words,
    setting: Setting<'a>,
    verb: bool,
}

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Setting::*;
        if self.verb {
            f.write_str(match self.words {
                Words::Builder => "call ",
                Words::File => "set ",
            })?;
        }
        match (self.words, self.setting) {
            (Words::Builder, Switch(name)) => write!(f, "{name}()"),
            (Words::Builder, On(name)) => write!(f, "{name}(true)"),
            (Words::File, Switch(name) | On(name)) => write!(f, "{name} = true"),
            (Words::Builder, List(name, items)) => write!(f, "{name}({})", Items(items)),
            (Words::File, List(name, items)) => write!(f, "{name} = {}", Items(items)),
            (Words::Builder, Seconds(name, s)) => write!(f, "{name}(Duration::from_secs({s}))"),
            (Words::File, Seconds(name, s)) => write!(f, "{name} = {s}"),
            (Words::Builder, Status(name, code)) => match StatusCode::from_u16(code) {
                Ok(status) => write!(f, "{name}({status})"),
                Err(_) => write!(f, "{name}({code})"),
            },
            (Words::File, Status(name, code)) => write!(f, "{name} = {code}"),
            (Words::Builder, InCode(name)) => write!(f, "{name}(..)"),
            (Words::File, InCode(name)) => {
                write!(f, "an {name} in code (after CorsConfig::to_builder)")
            }
        }
    }
}

/// `["a", "b"]`, or `[...]` for no items; values escaped like `{:?}`.
struct Items<'a>(&'a [&'a str]);

impl fmt::Display for Items<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("[...]");
        }
        f.write_str("[")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item:?}")?;
        }
        f.write_str("]")
    }
}
