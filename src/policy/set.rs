//! Several policies in one layer: a policy's routes and origin groups,
//! compiled into whole policies by `build()`, and the selection of the one
//! that decides a request. Selection is data the decide stage reads, not a
//! second path: the selected policy decides as any policy does.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};

use super::Policy;
use crate::request::Origin;

/// The routes and origin groups of a policy, each compiled into the
/// policy whose settings apply there (base, then route, then group). A
/// group's policy has the group's origins as its origin rule: the same
/// matcher selects the group and allows its origins.
pub(crate) struct PolicySet {
    /// The route of each path, found segment by segment.
    tree: Node,
    routes: Box<[Route]>,
    /// The base's groups, tried for requests outside every route.
    groups: Box<[Arc<Policy>]>,
}

/// A route and the policies that apply under it.
pub(crate) struct Route {
    pub(crate) prefix: Box<str>,
    /// Base then route.
    pub(crate) policy: Arc<Policy>,
    /// The route's own groups, then the base's, each over the route.
    pub(crate) groups: Box<[Arc<Policy>]>,
}

/// One path segment of the route tree: the route whose prefix ends here,
/// and the segments below, sorted by length, then bytes, for a binary
/// search: segments of other lengths are passed over without comparing
/// their bytes.
#[derive(Default)]
struct Node {
    route: Option<usize>,
    children: Vec<(Box<str>, Node)>,
}

/// Where in a set a policy applies, or a configuration mistake is: a
/// route, an origin group, or both; neither for the base. `Display`s as
/// `route "/api", origin group ["https://a.example"]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Place {
    /// The route's prefix, as configured.
    pub(crate) route: Option<String>,
    /// The group's position (among its route's groups, or the base's) and
    /// its origins, as configured.
    pub(crate) group: Option<(usize, Vec<String>)>,
    /// Whether the group is the route's own, not the base's applied there.
    pub(crate) routes_own: bool,
}

impl Place {
    /// The route with this prefix.
    pub(crate) fn route(prefix: &str) -> Place {
        Place {
            route: Some(prefix.to_owned()),
            group: None,
            routes_own: false,
        }
    }

    /// The group at `index` of `route`'s own groups, or of the base's
    /// without a route, with these origins.
    pub(crate) fn group(route: Option<&String>, index: usize, origins: &[String]) -> Place {
        Place {
            route: route.cloned(),
            group: Some((index, origins.to_vec())),
            routes_own: route.is_some(),
        }
    }

    /// The base's group at `index`, where it applies under `route`.
    pub(crate) fn base_group_under(route: &str, index: usize, origins: &[String]) -> Place {
        Place {
            routes_own: false,
            ..Place::group(Some(&route.to_owned()), index, origins)
        }
    }

    /// Whether it names neither a route nor a group.
    pub(crate) fn is_base(&self) -> bool {
        self.route.is_none() && self.group.is_none()
    }

    /// The group's origins, as configured.
    pub(crate) fn group_origins(&self) -> Option<&[String]> {
        self.group.as_ref().map(|(_, origins)| &origins[..])
    }
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = self.policies().map(|policy| policy.place().to_string());
        f.debug_list().entries(places).finish()
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route) = &self.route {
            write!(f, "route {route:?}")?;
        }
        if let Some(origins) = self.group_origins() {
            let sep = if self.route.is_some() { ", " } else { "" };
            write!(f, "{sep}origin group {origins:?}")?;
        }
        Ok(())
    }
}

impl PolicySet {
    /// The set of `routes` (any order; prefixes distinct, validated by the
    /// builder) and the base's `groups`.
    pub(crate) fn new(routes: Vec<Route>, groups: Vec<Arc<Policy>>) -> PolicySet {
        let mut tree = Node::default();
        for (index, route) in routes.iter().enumerate() {
            let mut node = &mut tree;
            for segment in segments(&route.prefix) {
                let at = match node
                    .children
                    .binary_search_by(|(s, _)| by_length(s, segment))
                {
                    Ok(at) => at,
                    Err(at) => {
                        node.children.insert(at, (segment.into(), Node::default()));
                        at
                    }
                };
                node = &mut node.children[at].1;
            }
            node.route = Some(index);
        }
        PolicySet {
            tree,
            routes: routes.into_boxed_slice(),
            groups: groups.into_boxed_slice(),
        }
    }

    /// The policy that decides a request to `path` with these headers;
    /// `None` when it is the base's own. Out of line, so that a policy
    /// without a set keeps only the test of its pointer in the path.
    #[inline(never)]
    pub(crate) fn select(&self, path: &str, headers: &HeaderMap) -> Option<&Arc<Policy>> {
        let (groups, route) = match self.route(path) {
            Some(route) => (&*route.groups, Some(&route.policy)),
            None => (&*self.groups, None),
        };
        if groups.is_empty() {
            return route;
        }
        match headers.get(http::header::ORIGIN) {
            Some(origin) => group_of(groups, origin).or(route),
            None => route,
        }
    }

    /// The route whose prefix is the longest one `path` starts with, on a
    /// segment boundary. The query is not part of `path`.
    fn route(&self, path: &str) -> Option<&Route> {
        let mut node = &self.tree;
        let mut found = node.route;
        for segment in segments(path) {
            match node
                .children
                .binary_search_by(|(s, _)| by_length(s, segment))
            {
                Ok(at) => node = &node.children[at].1,
                Err(_) => break,
            }
            found = node.route.or(found);
        }
        found.map(|index| &self.routes[index])
    }

    /// Every policy of the set but the base.
    pub(crate) fn policies(&self) -> impl Iterator<Item = &Arc<Policy>> {
        let under_routes = self
            .routes
            .iter()
            .flat_map(|route| std::iter::once(&route.policy).chain(route.groups.iter()));
        self.groups.iter().chain(under_routes)
    }
}

/// The order of a node's children: by length, then bytes.
#[inline]
fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// The first group whose origins include `origin`.
fn group_of<'a>(groups: &'a [Arc<Policy>], origin: &HeaderValue) -> Option<&'a Arc<Policy>> {
    let origin = Origin::new(origin);
    groups.iter().find(|group| {
        group
            .origin_matcher()
            .is_some_and(|m| m.allows(origin, None))
    })
}

/// The segments of a path after its leading `/`; none for `/` itself or a
/// path that does not start with `/` (`*` of `OPTIONS *`).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let rest = match path.strip_prefix('/') {
        Some("") | None => None,
        Some(rest) => Some(rest),
    };
    rest.into_iter().flat_map(|rest| rest.split('/'))
}
