//! Replacing a layer's policy while the server runs:
//! [`CorsLayer::reloadable`] and its [`ReloadHandle`].

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;

use super::CorsLayer;
use super::{Rules, Source};
use crate::policy::Policy;

impl CorsLayer {
    /// A layer whose policy can be replaced while the server runs, and the
    /// handle that replaces it. Services made from the layer, before or
    /// after a replacement, follow every
    /// [`replace`](ReloadHandle::replace).
    ///
    /// Every request is decided wholly under one policy: the one in force
    /// when its `call` began. A request still in flight when the policy is
    /// replaced (its inner service still working, or an async origin
    /// predicate still running) finishes under the policy it began with.
    /// Each request costs one atomic load over a fixed layer, and no
    /// allocation.
    ///
    /// [`policy`](CorsLayer::policy) on the returned layer, and on its
    /// services, shows the policy it was made from; the one in force is
    /// [`ReloadHandle::current`]. Made from a layer that is reloadable
    /// already, the layer and the handle share its switch. A report-only
    /// candidate ([`with_report_only`](CorsLayer::with_report_only)) is part
    /// of what is replaced.
    ///
    /// ```
    /// use http::{header, Request, Response};
    /// use tower::{Layer, ServiceExt};
    /// use tower_cors::CorsLayer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), tower_cors::ConfigError> {
    /// let (layer, handle) = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?
    ///     .reloadable();
    /// let svc = layer.layer(tower::service_fn(|_req: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(()))
    /// }));
    ///
    /// handle.replace(CorsLayer::builder().allow_origins(["https://new.example.com"]).build()?);
    ///
    /// let req = Request::get("/").header(header::ORIGIN, "https://new.example.com").body(()).unwrap();
    /// let res = svc.oneshot(req).await.unwrap();
    /// assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://new.example.com");
    /// # Ok(())
    /// # }
    /// ```
    pub fn reloadable(self) -> (CorsLayer, ReloadHandle) {
        let (current, made_from) = match self.source() {
            Source::Reloadable { current, made_from } => {
                (Arc::clone(current), Arc::clone(made_from))
            }
            source => (Arc::new(ArcSwap::new(source.rules())), source.enforced()),
        };
        let handle = ReloadHandle {
            current: Arc::clone(&current),
        };
        let source = Source::Reloadable { current, made_from };
        (CorsLayer::from_source(source), handle)
    }
}

/// Replaces the policy of a [reloadable](CorsLayer::reloadable) layer and
/// of every service made from it. Cheap to clone; `Send + Sync`, so it can
/// live in a signal handler's task or an admin endpoint's state.
///
/// ```
/// use tower_cors::CorsLayer;
///
/// let (_layer, handle) = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .unwrap()
///     .reloadable();
/// let for_admin_endpoint = handle.clone();
/// std::thread::spawn(move || for_admin_endpoint.replace(CorsLayer::permissive()))
///     .join()
///     .unwrap();
/// assert!(!handle.current().varies_by_origin());
/// ```
#[derive(Clone)]
pub struct ReloadHandle {
    current: Arc<ArcSwap<Rules>>,
}

impl ReloadHandle {
    /// Requests that begin after this call are decided by `layer`'s policy
    /// (and its report-only candidate, if it has one); requests already in
    /// flight finish under the one they began with. The replaced policy's
    /// memory is freed when its last request ends.
    ///
    /// A [`CorsLayer`] only comes from a successful
    /// [`build`](crate::CorsBuilder::build), so an invalid configuration can
    /// never be swapped in: when a rebuild fails, keep the old policy
    /// serving and report the error.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let (_layer, handle) = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()
    ///     .unwrap()
    ///     .reloadable();
    /// let before = handle.current();
    /// match CorsLayer::builder().allow_origins(["https://App.example.com/"]).build() {
    ///     Ok(layer) => handle.replace(layer),
    ///     Err(error) => eprintln!("kept the old CORS policy: {error}"),
    /// }
    /// assert!(std::sync::Arc::ptr_eq(&before, &handle.current()));
    /// ```
    ///
    /// Replacing with a layer that is itself reloadable installs the policy
    /// in force in it now; the two stay independent afterwards.
    pub fn replace(&self, layer: CorsLayer) {
        self.current.store(layer.source().rules());
    }

    /// The policy in force: the one requests beginning now are decided by.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let (_layer, handle) = CorsLayer::permissive().reloadable();
    /// assert!(!handle.current().allows_credentials());
    /// ```
    pub fn current(&self) -> Arc<Policy> {
        Arc::clone(&self.current.load().enforced)
    }
}

impl fmt::Debug for ReloadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadHandle")
            .field("current", &*self.current.load())
            .finish()
    }
}
