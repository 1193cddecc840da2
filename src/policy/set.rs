//! Several policies in one layer: a policy's routes and origin groups,
//! compiled into whole policies by `build()`, and the selection of the one
//! that decides a request. Selection is data the decide stage reads, not a
//! second path: the selected policy decides as any policy does.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};

use super::Policy;
use crate::origin_match::OriginMatcher;
use crate::request::Origin;

/// The routes and origin groups of a policy, each compiled into the
/// policy whose settings apply there (base, then route, then group).
pub(crate) struct PolicySet {
    /// The route of each path, found segment by segment.
    tree: Node,
    routes: Box<[Route]>,
    /// The base's groups, tried for requests outside every route.
    groups: Box<[Group]>,
}

/// A route and the policies that apply under it.
pub(crate) struct Route {
    pub(crate) prefix: Box<str>,
    /// Base then route.
    pub(crate) policy: Arc<Policy>,
    /// The route's own groups, then the base's, each over the route.
    pub(crate) groups: Box<[Group]>,
}

/// An origin group and the policy its origins get.
pub(crate) struct Group {
    pub(crate) origins: OriginMatcher,
    pub(crate) policy: Arc<Policy>,
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

/// Where a selected policy applies, as [`Policy::explain`] names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The route's prefix.
    pub(crate) route: Option<Box<str>>,
    /// The group's origins, as configured.
    pub(crate) group: Option<Box<[String]>>,
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups = |groups: &[Group]| -> Vec<_> {
            groups
                .iter()
                .map(|g| g.policy.scope.group.clone())
                .collect()
        };
        let mut list = f.debug_list();
        for route in self.routes.iter() {
            list.entry(&(&route.prefix, groups(&route.groups)));
        }
        list.entry(&("(elsewhere)", groups(&self.groups)));
        list.finish()
    }
}

/// `route "/api"`, `origin group ["https://a.example"]`, or both.
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route) = &self.route {
            write!(f, "route {route:?}")?;
        }
        if let Some(group) = &self.group {
            let sep = if self.route.is_some() { ", " } else { "" };
            write!(f, "{sep}origin group {group:?}")?;
        }
        Ok(())
    }
}

impl PolicySet {
    /// The set of `routes` (any order; prefixes distinct, validated by the
    /// builder) and the base's `groups`.
    pub(crate) fn new(routes: Vec<Route>, groups: Vec<Group>) -> PolicySet {
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
        let under_routes = self.routes.iter().flat_map(|route| {
            std::iter::once(&route.policy).chain(route.groups.iter().map(|g| &g.policy))
        });
        self.groups.iter().map(|g| &g.policy).chain(under_routes)
    }
}

/// The order of a node's children: by length, then bytes.
#[inline]
fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// The first group that lists `origin`.
fn group_of<'a>(groups: &'a [Group], origin: &HeaderValue) -> Option<&'a Arc<Policy>> {
    let origin = Origin::new(origin);
    groups
        .iter()
        .find(|group| group.origins.allows(origin, None))
        .map(|group| &group.policy)
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
